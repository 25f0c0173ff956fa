// What a scenario reports: figures built only from samples it measured, written as JSON for the
// runner, which renders BENCHMARKS.md and which bench:check compares with the goals.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { RESULTS_DIR } from './paths.mjs';
import { summarize } from './stats.mjs';

/**
 * @typedef {object} Figure
 * @property {string} id stable across runs and modes: what goals and the renderer look up
 * @property {string} label
 * @property {string} unit
 * @property {number[]} samples
 * @property {import('./stats.mjs').Summary} summary
 * @property {string} [note]
 */

/**
 * @param {string} id
 * @param {string} label
 * @param {string} unit
 * @param {readonly number[]} samples
 * @param {string} [note]
 * @returns {Figure}
 */
export function figure(id, label, unit, samples, note) {
  const result = { id, label, unit, samples: [...samples], summary: summarize(samples) };
  return note === undefined ? result : { ...result, note };
}

/**
 * @typedef {object} ScenarioResult
 * @property {string} scenario
 * @property {boolean} quick
 * @property {number} seconds how long the scenario ran
 * @property {Figure[]} figures
 * @property {string[]} notes how it measured, what it checked
 */

/**
 * @typedef {object} ScenarioOptions
 * @property {boolean} quick
 * @property {string} out
 */

/**
 * `--quick` (or MLX_AUDIT_BENCH_QUICK=1) and `--out <file>` (default results/<scenario>.json).
 * @param {string} scenario
 * @param {readonly string[]} argv
 * @returns {ScenarioOptions}
 */
export function scenarioOptions(scenario, argv) {
  const outIndex = argv.indexOf('--out');
  const out = outIndex >= 0 ? argv[outIndex + 1] : join(RESULTS_DIR, `${scenario}.json`);
  if (out === undefined) throw new Error('--out needs a file');
  return { quick: argv.includes('--quick') || process.env.MLX_AUDIT_BENCH_QUICK === '1', out };
}

/**
 * Runs a scenario's body and writes its result; any error ends the process with code 1.
 * @param {string} scenario
 * @param {(options: ScenarioOptions, notes: string[]) => Promise<Figure[]>} body
 */
export async function runScenario(scenario, body) {
  const options = scenarioOptions(scenario, process.argv.slice(2));
  const started = performance.now();
  /** @type {string[]} */
  const notes = [];
  try {
    const figures = await body(options, notes);
    /** @type {ScenarioResult} */
    const result = { scenario, quick: options.quick, seconds: (performance.now() - started) / 1000, figures, notes };
    mkdirSync(dirname(options.out), { recursive: true });
    writeFileSync(options.out, `${JSON.stringify(result, null, 2)}\n`);
    console.log(`${scenario}: ${figures.length} figures in ${result.seconds.toFixed(0)} s`);
  } catch (error) {
    console.error(`${scenario}: FAILED, no figures written\n${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    process.exitCode = 1;
  }
}

/**
 * Progress on stderr, so a long run shows it is alive.
 * @param {string} message
 */
export function progress(message) {
  process.stderr.write(`  ${message}\n`);
}
