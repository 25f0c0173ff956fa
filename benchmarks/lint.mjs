// Lint cost: whole-process ESLint runs on the generated corpus, one fresh `node` per run, for four
// flat configs: typed parsing with no rules (the floor), our `recommended` preset,
// typescript-eslint's `recommendedTypeChecked`, and both. Configs alternate within each repetition.
import { join } from 'node:path';
import { prepareCorpus } from './lib/corpus.mjs';
import { LINT_CONFIGS, checkFindings, countFindings, writeLintConfig } from './lib/lint-findings.mjs';
import { runNode } from './lib/measure.mjs';
import { binPath } from './lib/paths.mjs';
import { figure, progress, runScenario } from './lib/results.mjs';
import { CORPUS_SEED, benchSettings } from './lib/settings.mjs';
import { paired } from './lib/stats.mjs';

/** @typedef {import('./lib/lint-findings.mjs').LintConfig} LintConfig */

await runScenario('lint', async ({ quick }, notes) => {
  const settings = benchSettings(quick);
  const eslint = binPath('eslint', 'eslint');
  /** @type {import('./lib/results.mjs').Figure[]} */
  const figures = [];
  /** @type {Record<string, Record<string, number[]>>} */
  const times = {};
  for (const size of /** @type {const} */ (['small', 'large'])) {
    const files = settings.corpus[size];
    const corpus = prepareCorpus(files, CORPUS_SEED);
    const names = /** @type {LintConfig[]} */ (Object.keys(LINT_CONFIGS));
    const configs = Object.fromEntries(names.map((name) => [name, writeLintConfig(corpus, name)]));
    /** @type {Record<string, number[]>} */
    const wall = Object.fromEntries(names.map((name) => [name, []]));
    /** @type {Record<string, number[]>} */
    const rss = Object.fromEntries(names.map((name) => [name, []]));
    for (let rep = 0; rep < settings.lintReps[size]; rep++) {
      for (const name of names) {
        const label = `eslint (${name}) on ${files} files, run ${rep + 1}`;
        progress(label);
        const reportPath = join(corpus, `eslint.${name}.report.json`);
        // --no-cache is the default; exit code 1 only means findings were reported.
        const run = runNode({ label, cwd: corpus, args: [eslint, '--config', String(configs[name]), '--format', 'json', '--output-file', reportPath, 'src'], okCodes: [0, 1] });
        const found = checkFindings(name, countFindings(reportPath, label), label);
        if (rep === 0 && name !== 'floor') notes.push(`${files} files, ${LINT_CONFIGS[name].label}: ${found.ours} mlx-audit findings, ${found.tse} typescript-eslint findings.`);
        wall[name]?.push(run.wallMs / 1000);
        rss[name]?.push(run.maxRssKb / 1024);
      }
    }
    times[size] = wall;
    for (const name of names) {
      figures.push(figure(`lint.${size}.${name}.time`, `ESLint, ${LINT_CONFIGS[name].label}, ${files} files: wall time`, 's', wall[name] ?? []));
      figures.push(figure(`lint.${size}.${name}.rss`, `ESLint, ${LINT_CONFIGS[name].label}, ${files} files: peak RSS`, 'MB', rss[name] ?? []));
    }
    figures.push(figure(`lint.${size}.ours-over-floor`, `ESLint on ${files} files: mlx-audit recommended ÷ floor`, '×', paired(wall.ours ?? [], wall.floor ?? [], (a, b) => a / b)));
    figures.push(figure(`lint.${size}.ours-over-typescript-eslint`, `ESLint on ${files} files: mlx-audit recommended ÷ typescript-eslint alone`, '×', paired(wall.ours ?? [], wall['typescript-eslint'] ?? [], (a, b) => a / b)));
    figures.push(figure(`lint.${size}.both-over-typescript-eslint`, `ESLint on ${files} files: both ÷ typescript-eslint alone`, '×', paired(wall.both ?? [], wall['typescript-eslint'] ?? [], (a, b) => a / b)));
  }
  const { small, large } = settings.corpus;
  // Runs of the two sizes are not back to back, so every large run is divided by every small run.
  const scaling = (/** @type {string} */ name) => (times.large?.[name] ?? []).flatMap((a) => (times.small?.[name] ?? []).map((b) => a / b));
  figures.push(figure('lint.scaling.ours', `ESLint, mlx-audit recommended: ${large} files ÷ ${small} files`, '×', scaling('ours'), 'every large run ÷ every small run'));
  figures.push(figure('lint.scaling.floor', `ESLint, floor: ${large} files ÷ ${small} files`, '×', scaling('floor'), 'every large run ÷ every small run'));
  notes.push('Each run is a fresh `node` process running the ESLint CLI (`--format json`, no cache) on the corpus with a generated flat config; wall time from spawn to exit, peak RSS from getrusage in the process.');
  return figures;
});
