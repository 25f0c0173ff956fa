// Where the harness reads and writes. Generated files stay under benchmarks/ (module resolution
// must find benchmarks/node_modules) in folders .gitignore lists.
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const BENCHMARKS_DIR = dirname(dirname(fileURLToPath(import.meta.url)));
export const REPOSITORY_DIR = dirname(BENCHMARKS_DIR);
/** Corpora, builds and scratch files of the scenarios. */
export const WORK_DIR = join(BENCHMARKS_DIR, '.work');
/** One JSON file per scenario, and results.json, the whole run. */
export const RESULTS_DIR = join(BENCHMARKS_DIR, 'results');
export const RESULTS_FILE = join(RESULTS_DIR, 'results.json');
export const REPORT_FILE = join(REPOSITORY_DIR, 'BENCHMARKS.md');

const require = createRequire(import.meta.url);

/**
 * The script a package's `bin` entry names, resolved from benchmarks/, so every process runs the
 * exactly pinned version.
 * @param {string} pkg
 * @param {string} bin
 */
export function binPath(pkg, bin) {
  const manifestPath = require.resolve(`${pkg}/package.json`);
  /** @type {{ bin?: string | Record<string, string> }} */
  const manifest = require(manifestPath);
  const entry = typeof manifest.bin === 'string' ? manifest.bin : manifest.bin?.[bin];
  if (entry === undefined) throw new Error(`${pkg} has no bin named ${bin}`);
  return join(dirname(manifestPath), entry);
}

/**
 * The version of a package as installed for benchmarks/.
 * @param {string} pkg
 * @returns {string}
 */
export function installedVersion(pkg) {
  /** @type {{ version: string }} */
  const manifest = require(`${pkg}/package.json`);
  return manifest.version;
}
