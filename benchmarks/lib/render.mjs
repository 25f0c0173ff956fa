// BENCHMARKS.md from a run's results: every figure of every section, or an error.
import { checkGoals, verdictText } from './check.mjs';
import { SECTIONS } from './goals.mjs';

/**
 * @typedef {object} RunResults
 * @property {boolean} quick
 * @property {string} date
 * @property {number} seconds
 * @property {{ cpu: string, cores: number, memoryGiB: number, os: string, loadAverage: { start: number[], end: number[] } }} machine
 * @property {string} node
 * @property {Record<string, string>} versions
 * @property {import('./results.mjs').ScenarioResult[]} scenarios
 * @property {boolean} [fromResults] written again from saved results: the load averages are not the run's
 */

/** Digits shown per unit: enough to compare, no more than the noise supports. */
const DIGITS = /** @type {Record<string, number>} */ ({ s: 2, ms: 3, MB: 0, kB: 0, 'MB/s': 1, '×': 2, ns: 0, 'µs': 2, B: 1, 'lines/s': 0, 'events/s': 0 });

/**
 * @param {number} value
 * @param {string} unit
 */
export function formatValue(value, unit) {
  const digits = DIGITS[unit];
  if (digits === undefined) throw new Error(`no format for the unit ${unit}`);
  return `${value.toFixed(digits)} ${unit}`;
}

/**
 * @param {RunResults} results
 * @returns {string}
 */
export function renderReport(results) {
  const figures = new Map(results.scenarios.flatMap((scenario) => scenario.figures).map((figure) => [figure.id, figure]));
  const verdicts = new Map(checkGoals(results).map((verdict) => [verdict.id, verdict]));
  const { machine } = results;
  const lines = [
    '# Benchmarks',
    '',
    ...(results.quick
      ? ['> **Quick mode, not the reference run.** Tiny corpora and few repetitions, on a shared machine: the figures below', '> show that every measurement is taken, not what things cost. The reference run is `pnpm bench` on a quiet machine.', '']
      : []),
    `What the lint rules, the transformer and the runtime cost, against their baselines, measured by \`pnpm bench\` (see [benchmarks/](benchmarks/)) on ${results.date}; the run took ${Math.round(results.seconds)} s. \`pnpm bench:check\` compares the medians with the goals.`,
    '',
    '| Machine | |',
    '| --- | --- |',
    `| CPU | ${machine.cpu}, ${machine.cores} cores |`,
    `| Memory | ${machine.memoryGiB.toFixed(1)} GiB |`,
    `| OS | ${machine.os} |`,
    results.fromResults === true
      ? `| Load average (1 min) | not recorded (the report was written again from the scenarios' saved results: \`node run.mjs --from-results\`) |`
      : `| Load average (1 min) at start / end | ${machine.loadAverage.start[0]?.toFixed(2) ?? '?'} / ${machine.loadAverage.end[0]?.toFixed(2) ?? '?'} |`,
    `| Node.js | ${results.node} |`,
    ...Object.entries(results.versions).map(([name, version]) => `| ${name} | ${version} |`),
    '',
    'Each figure: the median, the spread over the repetitions (min–max, and the interquartile range), and n, the number of repetitions. Ratios and differences are paired: each repetition of one variant is compared with the run of the other made next to it.',
    '',
  ];
  for (const section of SECTIONS) {
    const scenario = results.scenarios.find((candidate) => candidate.scenario === section.scenario);
    if (scenario === undefined) throw new Error(`the results have no ${section.scenario} scenario`);
    lines.push(`## ${section.title}`, '', '| Figure | Median | Min–max | IQR | n | Goal |', '| --- | ---: | ---: | ---: | ---: | --- |');
    for (const id of section.ids) {
      const figure = figures.get(id);
      if (figure === undefined) throw new Error(`the results have no figure ${id}`);
      const { median, min, max, q1, q3, n } = figure.summary;
      const found = verdicts.get(id);
      const verdict = found === undefined ? '' : verdictText(found, formatValue);
      const unit = figure.unit;
      lines.push(`| ${figure.label} | ${formatValue(median, unit)} | ${formatValue(min, unit)} – ${formatValue(max, unit)} | ${formatValue(q1, unit)} – ${formatValue(q3, unit)} | ${n} | ${verdict} |`);
    }
    lines.push('', `The ${section.scenario} scenario (\`benchmarks/${section.scenario}.mjs\`) ran for ${Math.round(scenario.seconds)} s.`, '', ...scenario.notes.map((note) => `- ${note}`), '');
  }
  return `${lines.join('\n').trimEnd()}\n`;
}
