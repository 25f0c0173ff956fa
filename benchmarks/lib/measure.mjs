// Runs one measured child process: wall time from the parent, peak RSS from the child itself
// (probe.mjs), and a loud failure when anything about the run is not as expected.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { URL, fileURLToPath, pathToFileURL } from 'node:url';
import { WORK_DIR } from './paths.mjs';

const PROBE = pathToFileURL(fileURLToPath(new URL('probe.mjs', import.meta.url))).href;

/** A measurement that could not be taken: the harness stops rather than print a figure. */
export class MeasurementError extends Error {
  /** @override */
  name = 'MeasurementError';
}

/**
 * @typedef {object} RunOptions
 * @property {string} label what the run is, for error messages
 * @property {readonly string[]} args node's arguments: options, then the script and its arguments
 * @property {string} [cwd]
 * @property {Record<string, string | undefined>} [env] added to (or, undefined, removed from) the parent's
 * @property {readonly number[]} [okCodes] exit codes that mean success (default [0])
 * @property {number} [stderrFd] where stderr goes (default: captured)
 */

/**
 * @typedef {object} RunResult
 * @property {number} wallMs from spawn to exit, as the parent saw it
 * @property {number} maxRssKb the child's peak resident set size
 * @property {number} code
 * @property {string} stdout
 * @property {string} stderr
 */

let runs = 0;

/**
 * @param {RunOptions} options
 * @returns {RunResult}
 */
export function runNode(options) {
  const probeDir = join(WORK_DIR, 'probe');
  mkdirSync(probeDir, { recursive: true });
  const probeFile = join(probeDir, `${process.pid}-${++runs}.json`);
  rmSync(probeFile, { force: true });
  const env = Object.fromEntries(Object.entries({ ...process.env, ...options.env, MLX_AUDIT_BENCH_PROBE: probeFile }).filter(([, value]) => value !== undefined));
  const started = performance.now();
  const result = spawnSync(process.execPath, ['--import', PROBE, ...options.args], {
    cwd: options.cwd,
    env,
    encoding: 'utf8',
    maxBuffer: 512 * 1024 * 1024,
    stdio: ['ignore', 'pipe', options.stderrFd ?? 'pipe'],
  });
  const wallMs = performance.now() - started;
  const stdout = result.stdout ?? '';
  const stderr = result.stderr ?? '';
  if (result.error !== undefined) throw new MeasurementError(`${options.label}: could not run (${result.error.message})`);
  const code = result.status;
  if (code === null || !(options.okCodes ?? [0]).includes(code)) {
    const why = code === null ? `killed by ${String(result.signal)}` : `exit code ${code}`;
    throw new MeasurementError(`${options.label}: ${why}\n${tail(stderr)}\n${tail(stdout)}`);
  }
  if (!existsSync(probeFile)) throw new MeasurementError(`${options.label}: the process left no resource report (did it exit normally?)`);
  /** @type {{ maxRssKb: number }} */
  const probe = JSON.parse(readFileSync(probeFile, 'utf8'));
  rmSync(probeFile);
  return { wallMs, maxRssKb: probe.maxRssKb, code, stdout, stderr };
}

/** @param {string} text */
function tail(text) {
  return text.split('\n').slice(-30).join('\n');
}

/**
 * The last line of a child's stdout, parsed: how in-process measurements come back.
 * @param {RunResult} run
 * @param {string} label
 * @returns {any}
 */
export function lastJsonLine(run, label) {
  const line = run.stdout.trim().split('\n').at(-1) ?? '';
  try {
    return JSON.parse(line);
  } catch {
    throw new MeasurementError(`${label}: no JSON result on stdout (got ${JSON.stringify(line.slice(0, 200))})`);
  }
}
