// The goals of the benchmark issue, by figure id, and the figures each section of the report
// must hold: the renderer refuses to write a report with one missing.

/**
 * A bound on a figure's median: at most `limit` (`kind` max: a cost) or at least (`kind` min: a
 * throughput). `control`, for a maximum: the id of an A/A figure (the same thing measured against
 * itself): where its spread exceeds the goal, the method cannot tell a met goal from noise, and
 * the verdict says so.
 * @typedef {{ kind: 'max' | 'min', limit: number, text: string, control?: string }} Goal
 */

const CONFIGS = ['floor', 'ours', 'typescript-eslint', 'both'];
const SIZES = ['small', 'large'];
const BINDINGS = ['cheap', 'forward'];

/** @type {(max: number, text: string, control?: string) => Goal} */
const goal = (max, text, control) => (control === undefined ? { kind: 'max', limit: max, text } : { kind: 'max', limit: max, text, control });
/** @type {(min: number, text: string) => Goal} */
const atLeast = (min, text) => ({ kind: 'min', limit: min, text });

/** The monitor's documented memory cap at its default limits (packages/monitor/README.md, "Bounded memory"). */
export const MONITOR_MEMORY_CAP_MB = 64;

/** `mlx-audit report`'s documented peak memory, whatever the trail's length (packages/cli/README.md, "mlx-audit report"). */
export const REPORT_MEMORY_CAP_MB = 256;

/** @type {Readonly<Record<string, Goal>>} */
export const GOALS = Object.fromEntries([
  // What users feel is what our preset adds to typescript-eslint's typed preset, which users who
  // lint with types already run; the floor (typed parsing, no rule) never asks the type checker.
  ['lint.large.both-over-typescript-eslint', goal(1.08, '≤ 1.08× typescript-eslint alone')],
  ['lint.large.ours-over-typescript-eslint', goal(0.8, '≤ 0.8× typescript-eslint alone')],
  ['lint.large.ours-over-floor', goal(1.7, '≤ 1.7× the floor')],
  ['lint.scaling.ours', goal(11, '≤ 11× for 10× the files')],
  ['lint-editor.ours-relint', goal(150, '≤ 150 ms')],
  ['lint-editor.ours-over-floor', goal(1.3, "≤ 1.3× the floor's re-lint")],
  ...SIZES.map((size) => [`build.${size}.tspc-over-tsc`, goal(1.1, '≤ 1.10× tsc')]),
  ...BINDINGS.flatMap((binding) => [
    [`runtime-call.${binding}.no-subscriber`, goal(25, '≤ 25 ns', `runtime-call.${binding}.control`)],
    [`runtime-call.${binding}.no-subscriber-bytes`, goal(0, 'no allocation')],
    [`runtime-call.${binding}.file-sink`, goal(5, '≤ 5 µs per event')],
  ]),
  ['runtime-sink.ours', goal(5, '≤ 5 µs per event')],
  ['runtime-sink.ours-over-pino-sync', goal(0.4, '≤ 0.4× pino')],
  ['end-to-end.ratio', goal(1.03, '≤ 3% slower')],
  ['trail.chain-and-seals', goal(1, '≤ 1 µs per event')],
  ['trail.verify-lines-per-second', atLeast(300_000, '≥ 300,000 lines per second')],
  ['trail.load-100mb.added', goal(1, "≤ 1 ms: the file is not read on the call's path", 'trail.load-100mb.control')],
  ['monitor.watch-added', goal(1, '≤ 1 µs per event')],
  ['monitor.detect-events-per-second', atLeast(250_000, '≥ 250,000 events per second')],
  ['monitor.memory', goal(MONITOR_MEMORY_CAP_MB, `≤ ${MONITOR_MEMORY_CAP_MB} MB (the documented cap)`)],
  ['review.report-seconds', goal(10, '≤ 10 s for 1,000,000 events')],
  ['review.report-rss', goal(REPORT_MEMORY_CAP_MB, `≤ ${REPORT_MEMORY_CAP_MB} MB (the documented cap)`)],
]);

/** @type {readonly { scenario: string, title: string, ids: readonly string[] }[]} */
export const SECTIONS = [
  {
    scenario: 'lint',
    title: 'Lint cost (whole-process ESLint, typed linting)',
    ids: [
      ...SIZES.flatMap((size) => [...CONFIGS.flatMap((config) => [`lint.${size}.${config}.time`, `lint.${size}.${config}.rss`]), `lint.${size}.ours-over-floor`, `lint.${size}.ours-over-typescript-eslint`, `lint.${size}.both-over-typescript-eslint`]),
      'lint.scaling.ours',
      'lint.scaling.floor',
    ],
  },
  {
    scenario: 'lint-editor',
    title: 'Lint cost in the editor (re-lint of one changed file, warm)',
    ids: ['lint-editor.first-lint', ...CONFIGS.map((config) => `lint-editor.${config}-relint`), 'lint-editor.ours-over-floor', 'lint-editor.both-over-typescript-eslint'],
  },
  {
    scenario: 'build',
    title: 'Build cost (tsc against tspc with the transformer)',
    ids: SIZES.flatMap((size) => [`build.${size}.tsc.time`, `build.${size}.tspc.time`, `build.${size}.tsc.rss`, `build.${size}.tspc.rss`, `build.${size}.tspc-over-tsc`, `build.${size}.tspc-alone-over-tsc`, `build.${size}.transformer-over-tspc-alone`]),
  },
  {
    scenario: 'runtime-call',
    title: 'Runtime cost per call (real MLX)',
    ids: BINDINGS.flatMap((binding) => ['uninstrumented', 'no-subscriber', 'control', 'no-subscriber-bytes', 'file-sink', 'errors-only'].map((what) => `runtime-call.${binding}.${what}`)),
  },
  {
    scenario: 'runtime-sink',
    title: 'Runtime cost per event (JSONL sink against pino)',
    ids: ['runtime-sink.ours', 'runtime-sink.pino-sync', 'runtime-sink.pino-async', 'runtime-sink.ours-over-pino-sync'],
  },
  {
    scenario: 'end-to-end',
    title: 'End to end (inference loop on real MLX)',
    ids: ['end-to-end.uninstrumented', 'end-to-end.instrumented', 'end-to-end.ratio'],
  },
  {
    scenario: 'trail',
    title: 'Trail integrity and model identity',
    ids: [
      'trail.unchained-write',
      'trail.chain-per-event',
      'trail.seals-per-event',
      'trail.chain-and-seals-cpu',
      'trail.chain-and-seals',
      'trail.sealed-minus-unsealed',
      'trail.verify-lines-per-second',
      'trail.verify-cli-lines-per-second',
      ...['uninstrumented', 'instrumented', 'added', 'control', 'uncached-minus-cached', 'hash'].map((what) => `trail.load-100mb.${what}`),
    ],
  },
  {
    scenario: 'monitor',
    title: 'Watching the trail (detections in the process and over files)',
    ids: ['monitor.watch-added', 'monitor.detect-events-per-second', 'monitor.detect-rss', 'monitor.memory', 'monitor.in-memory-events-per-second'],
  },
  {
    scenario: 'review',
    title: 'Review (the report of a trail, the scan of application logs)',
    ids: ['review.report-seconds', 'review.report-events-per-second', 'review.report-rss', 'review.report-rss-small', 'review.report-html-bytes', 'review.scan-megabytes-per-second', 'review.scan-lines-per-second', 'review.scan-rss'],
  },
];

/** The scenario files, in the order the runner runs them. */
export const SCENARIOS = SECTIONS.map((section) => section.scenario);
