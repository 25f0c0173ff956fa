// pnpm bench: runs every scenario in turn, each in its own process (never two at once: the
// figures are timings), gathers their results into results/results.json, writes BENCHMARKS.md
// and prints it. Any scenario that fails stops the run with a non-zero exit: no report is written
// with a figure missing.
//   node run.mjs [--quick] [--only lint,build]   (--only: no report, only the scenarios' results)
//   node run.mjs --from-results                  (the report from the last results, nothing run)
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, release, totalmem, type } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { SCENARIOS } from './lib/goals.mjs';
import { BENCHMARKS_DIR, REPORT_FILE, RESULTS_DIR, RESULTS_FILE, installedVersion } from './lib/paths.mjs';
import { renderReport } from './lib/render.mjs';

const argv = process.argv.slice(2);
const quick = argv.includes('--quick') || process.env.MLX_AUDIT_BENCH_QUICK === '1';
const onlyIndex = argv.indexOf('--only');
const only = onlyIndex >= 0 ? (argv[onlyIndex + 1] ?? '').split(',') : undefined;
const unknown = only?.filter((name) => !SCENARIOS.includes(name)) ?? [];
if (unknown.length > 0) throw new Error(`unknown scenarios ${unknown.join(', ')} (known: ${SCENARIOS.join(', ')})`);

const started = performance.now();
const loadAtStart = loadavg();
mkdirSync(RESULTS_DIR, { recursive: true });
// --from-results: the report again from the scenarios' last results (results/<scenario>.json),
// when writing it failed after they ran; nothing is measured.
const fromResults = argv.includes('--from-results');
/** @type {import('./lib/results.mjs').ScenarioResult[]} */
const scenarios = fromResults ? SCENARIOS.map((scenario) => JSON.parse(readFileSync(join(RESULTS_DIR, `${scenario}.json`), 'utf8'))) : [];
for (const scenario of fromResults ? [] : (only ?? SCENARIOS)) {
  const out = join(RESULTS_DIR, `${scenario}.json`);
  rmSync(out, { force: true });
  console.error(`== ${scenario}${quick ? ' (quick)' : ''}`);
  const run = spawnSync(process.execPath, [join(BENCHMARKS_DIR, `${scenario}.mjs`), ...(quick ? ['--quick'] : []), '--out', out], { stdio: 'inherit' });
  if (run.status !== 0) {
    console.error(`bench: the ${scenario} scenario failed (${run.status === null ? String(run.signal) : `exit code ${run.status}`}); no report written`);
    process.exit(1);
  }
  scenarios.push(JSON.parse(readFileSync(out, 'utf8')));
}

const cpuList = cpus();
const results = {
  quick,
  ...(fromResults ? { fromResults } : {}),
  date: new Date().toISOString().slice(0, 10),
  seconds: fromResults ? scenarios.reduce((sum, scenario) => sum + scenario.seconds, 0) : (performance.now() - started) / 1000,
  machine: {
    cpu: cpuList[0]?.model.trim() ?? 'unknown',
    cores: cpuList.length,
    memoryGiB: totalmem() / 1024 ** 3,
    os: `${type()} ${release()}`,
    loadAverage: { start: loadAtStart, end: loadavg() },
  },
  node: process.version,
  versions: Object.fromEntries(
    ['typescript', 'eslint', 'typescript-eslint', '@typescript-eslint/parser', 'ts-patch', '@frost-beta/mlx', 'pino', '@mlx-audit/eslint-plugin', '@mlx-audit/transformer', '@mlx-audit/runtime'].map((name) => [name, installedVersion(name)]),
  ),
  scenarios,
};
if (only !== undefined) {
  for (const scenario of scenarios) for (const figure of scenario.figures) console.log(`${figure.id}: ${figure.summary.median} ${figure.unit} (n ${figure.summary.n})`);
} else {
  const report = renderReport(results);
  writeFileSync(RESULTS_FILE, `${JSON.stringify(results, null, 2)}\n`);
  writeFileSync(REPORT_FILE, report);
  console.log(report);
  console.error(`bench: ${Math.round(results.seconds)} s; wrote ${REPORT_FILE} and ${RESULTS_FILE}`);
}
