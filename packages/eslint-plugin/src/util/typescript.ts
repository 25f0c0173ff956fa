import { createRequire } from 'node:module';
import { unsupportedTypeScript } from '@mlx-audit/catalogue';
import type * as TS from 'typescript';

/**
 * TypeScript, loaded as the CommonJS module it is. An ESM `import` of it would make Node scan its
 * 9 MB of source for export names (about half a second per ESLint process, and per worker under
 * `--concurrency`), although typescript-eslint has already required it: this is the same instance.
 */
export const ts: typeof TS = checkedTypeScript(createRequire(import.meta.url)('typescript'));

/**
 * The TypeScript module if it has the compiler API the rules use; otherwise one line saying which
 * version to install, thrown when ESLint loads the plugin (TypeScript 7 has no such API).
 */
export function checkedTypeScript(module: unknown): typeof TS {
  const unsupported = unsupportedTypeScript((module as { version?: unknown } | null)?.version);
  if (unsupported === undefined) return module as typeof TS;
  const error = new Error(`mlx-audit: ${unsupported}`);
  // ESLint prints a failing plugin's stack: the line is the whole story, so it is the whole stack.
  error.stack = error.message;
  throw error;
}
