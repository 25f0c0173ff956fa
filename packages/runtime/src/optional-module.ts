import { createRequire } from 'node:module';
import { join } from 'node:path';

const requireFromRuntime = createRequire(import.meta.url);

/**
 * Resolves an optional peer the way the application would find it: from this package first (a
 * package manager links optional peers the application installed next to it), then from the
 * working directory (an application that runs from its own root). Undefined when neither can.
 */
export function resolveOptional(specifier: string): string | undefined {
  for (const require of [requireFromRuntime, createRequire(join(process.cwd(), 'noop.js'))]) {
    try {
      return require.resolve(specifier);
    } catch {
      // Not reachable from there; try the next place.
    }
  }
  return undefined;
}

/** Loads an optional peer, or returns undefined when it is not installed or fails to load. */
export function loadOptional(specifier: string): unknown {
  const resolved = resolveOptional(specifier);
  if (resolved === undefined) return undefined;
  try {
    return requireFromRuntime(resolved);
  } catch {
    return undefined;
  }
}

/**
 * The exports of a CommonJS module if, and only if, the application has already loaded it, so
 * the runtime never loads a native library (MLX) on its own initiative.
 */
export function alreadyLoaded(resolvedPath: string): unknown {
  const cached = requireFromRuntime.cache[resolvedPath];
  return cached?.loaded === true ? cached.exports : undefined;
}
