import { readFileSync } from 'node:fs';
import { INSTRUMENT_MODULE } from '@mlx-audit/runtime/contract';
import { findUp } from './find-up.js';

const RUNTIME_PACKAGE = '@mlx-audit/runtime';
// Said once per package.json and process: `tsc --watch` rebuilds many times.
const checked = new Set<string>();

/**
 * The line to print when the project's package.json does not list the runtime as a dependency
 * the program keeps in production: instrumented code imports `@mlx-audit/runtime/instrument` at
 * run time, so an install without dev dependencies (`npm ci --omit=dev`) would fail with
 * ERR_MODULE_NOT_FOUND. Undefined when it is listed, when there is no package.json above
 * `directory`, or when this package.json was checked before.
 */
export function missingRuntimeDependency(directory: string): string | undefined {
  const manifest = findUp(directory, 'package.json');
  if (manifest === undefined || checked.has(manifest)) return undefined;
  checked.add(manifest);
  let fields: Record<string, unknown>;
  try {
    fields = JSON.parse(readFileSync(manifest, 'utf8')) as Record<string, unknown>;
  } catch {
    return undefined;
  }
  const listed = ['dependencies', 'peerDependencies', 'optionalDependencies'].some((field) => {
    const entries = fields[field];
    return typeof entries === 'object' && entries !== null && RUNTIME_PACKAGE in entries;
  });
  if (listed) return undefined;
  return `mlx-audit: ${manifest} does not list ${RUNTIME_PACKAGE} in "dependencies", but the instrumented code imports ${INSTRUMENT_MODULE} at run time: add it (npm install ${RUNTIME_PACKAGE}), or an install without dev dependencies cannot run the program.`;
}
