// Builds programs/*.ts the ways users build them: plain `tsc`, and `tspc` with the transformer
// under given transformer options. Each variant lands in .work/programs/<variant>/.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { MeasurementError, runNode } from './measure.mjs';
import { BENCHMARKS_DIR, WORK_DIR, binPath } from './paths.mjs';

export const PROGRAMS_OUT = join(WORK_DIR, 'programs');

/**
 * @param {string} variant a folder name
 * @param {Record<string, unknown> | null} transformer the plugin's options, or null for plain tsc
 * @returns {string} the output folder
 */
export function buildPrograms(variant, transformer) {
  mkdirSync(PROGRAMS_OUT, { recursive: true });
  const outDir = join(PROGRAMS_OUT, variant);
  rmSync(outDir, { recursive: true, force: true });
  const project = join(PROGRAMS_OUT, `tsconfig.${variant}.json`);
  const base = relative(PROGRAMS_OUT, join(BENCHMARKS_DIR, 'programs', 'tsconfig.json'));
  /** @type {Record<string, unknown>} */
  const compilerOptions = { outDir: `./${variant}` };
  if (transformer !== null) compilerOptions.plugins = [{ transform: '@mlx-audit/transformer', ...transformer }];
  writeFileSync(project, `${JSON.stringify({ extends: base, compilerOptions }, null, 2)}\n`);
  const bin = transformer === null ? binPath('typescript', 'tsc') : binPath('ts-patch', 'tspc');
  const run = runNode({ label: `building the benchmark programs (${variant})`, args: [bin, '-p', project, '--pretty', 'false'] });
  if (run.stdout.trim() !== '') throw new MeasurementError(`building the benchmark programs (${variant}) reported diagnostics:\n${run.stdout}`);
  return outDir;
}
