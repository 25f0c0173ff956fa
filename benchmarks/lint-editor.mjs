// Lint cost in the editor: the re-lint of one changed file in the large corpus's program, warm, as
// the VS Code ESLint extension runs it (one long-lived process, ESLint's API, typescript-eslint's
// project service keeping the program). lib/editor-driver.mjs lints, the four configurations of
// lint.mjs in alternation within each process, and processes start in alternating order.
import { URL, fileURLToPath } from 'node:url';
import { prepareCorpus } from './lib/corpus.mjs';
import { EDITED_FILE, EDITS } from './lib/editor-edits.mjs';
import { LINT_CONFIGS, writeLintConfig } from './lib/lint-findings.mjs';
import { MeasurementError, lastJsonLine, runNode } from './lib/measure.mjs';
import { figure, progress, runScenario } from './lib/results.mjs';
import { CORPUS_SEED, benchSettings } from './lib/settings.mjs';
import { median, paired } from './lib/stats.mjs';

const DRIVER = fileURLToPath(new URL('lib/editor-driver.mjs', import.meta.url));

/** A first lint (the program built) this many times a re-lint's median at least, or the program was not kept. */
const FIRST_OVER_RELINT = 5;

/** @typedef {import('./lib/lint-findings.mjs').LintConfig} LintConfig */

/**
 * @typedef {object} EditorRun
 * @property {number} firstMs
 * @property {Record<LintConfig, number[]>} relintMs by round
 * @property {number} lints
 * @property {{ sourceFiles: number, corpusFiles: number, updated: boolean, otherFilesReused: boolean }} program
 */

await runScenario('lint-editor', async ({ quick }, notes) => {
  const settings = benchSettings(quick);
  const { editorProcesses, editorRounds, editorWarmUpRounds } = settings;
  const files = settings.corpus.large;
  const corpus = prepareCorpus(files, CORPUS_SEED);
  const names = /** @type {LintConfig[]} */ (Object.keys(LINT_CONFIGS));
  for (const name of names) writeLintConfig(corpus, name);
  /** @type {number[]} */
  const firstMs = [];
  /** @type {Record<LintConfig, number[]>} */
  const relintMs = { floor: [], ours: [], 'typescript-eslint': [], both: [] };
  /** @type {Record<string, number[]>} */
  const ratios = { 'ours-over-floor': [], 'both-over-typescript-eslint': [] };
  let lints = 0;
  /** @type {EditorRun['program'] | undefined} */
  let program;
  for (let run = 0; run < editorProcesses; run++) {
    const start = run % 2 === 0 ? 'forward' : 'backward';
    const label = `editor process ${run + 1} on ${files} files (${editorRounds} rounds, configurations ${start})`;
    progress(label);
    /** @type {EditorRun} */
    const result = lastJsonLine(runNode({ label, args: [DRIVER, corpus, String(files), String(editorRounds), String(editorWarmUpRounds), start] }), label);
    for (const name of names) {
      if (result.relintMs[name].length !== editorRounds) throw new MeasurementError(`${label}: ${result.relintMs[name].length} re-lints of ${name}, expected ${editorRounds}`);
    }
    const floorMedian = median(result.relintMs.floor);
    if (result.firstMs < FIRST_OVER_RELINT * floorMedian) {
      throw new MeasurementError(`${label}: the first lint took ${result.firstMs.toFixed(0)} ms, a re-lint of the floor ${floorMedian.toFixed(0)} ms: the program cannot have been kept between lints`);
    }
    firstMs.push(result.firstMs);
    for (const name of names) relintMs[name].push(...result.relintMs[name]);
    ratios['ours-over-floor']?.push(...paired(result.relintMs.ours, result.relintMs.floor, (a, b) => a / b));
    ratios['both-over-typescript-eslint']?.push(...paired(result.relintMs.both, result.relintMs['typescript-eslint'], (a, b) => a / b));
    lints += result.lints;
    program = result.program;
  }
  if (program === undefined) throw new MeasurementError('no editor process ran');
  const firstMedian = median(firstMs);
  const floorMedian = median(relintMs.floor);
  notes.push(
    `One long-lived \`node\` process per repetition, as the VS Code ESLint extension's server: ESLint's API (one \`ESLint\` instance per configuration, with lint.mjs's flat config files, then \`lintText(text, { filePath })\`), typescript-eslint's parser with lint.mjs's parser options (\`projectService: true\`), whose project service builds the ${files}-file program on the first lint and keeps it, taking each lint's text as the file's new content. The four configurations share the process's one project service and program. The "user" edits \`${EDITED_FILE}\` in memory (the file on disk never changes): one line inserted in \`predict\`, logging ${EDITS.map((edit) => edit.name).join('; ')}, in turn, so no lint sees the text of the lint before it and each one pays the program's update.`,
    `Each process: the first lint (floor, the file as on disk) timed on its own; each configuration's lint of the unedited file; ${editorWarmUpRounds} warm-up round${editorWarmUpRounds === 1 ? '' : 's'}, then ${editorRounds} timed rounds, each a re-lint by every configuration, in alternating order (forwards, backwards; processes start in alternating order); time from \`lintText\` to its answer, garbage collections that fall in it included, as in the editor. ${editorProcesses} processes; figures over all re-lints; the ratios paired within a round.`,
    `The program is reused: the first lint took ${firstMedian.toFixed(0)} ms (median), ${(firstMedian / floorMedian).toFixed(0)}× the floor's re-lint (${floorMedian.toFixed(1)} ms; a process whose first lint is under ${FIRST_OVER_RELINT}× its floor re-lint fails the run). A probe rule, outside the timings, read the program before and after the rounds: it holds ${program.sourceFiles} source files, the corpus's ${program.corpusFiles} among them; after the rounds it is another program (the edits reached it) whose other source files are the same objects as before (reused, not parsed again), and the edited file's text is the one the editor sent.`,
    `Every lint's findings were checked (${lints} lints): the unedited file's findings for the configuration (none for the floor; mlx-audit's where its preset runs: the handler leaks its prompt), those below the edit one line down, plus exactly the edit's own on its line — mlx-audit's \`no-tainted-log\` for the prompt and the model output, nothing for the clean field, typescript-eslint's \`no-base-to-string\` and \`restrict-template-expressions\` for the template — or the run fails. A stale answer, a lint of the file on disk or a rule that did not run cannot pass.`,
  );
  const at = `${files} files`;
  return [
    figure('lint-editor.first-lint', `Editor, first lint of ${EDITED_FILE} (floor; the typed program built), ${at}`, 'ms', firstMs),
    ...names.map((name) => figure(`lint-editor.${name}-relint`, `Editor re-lint of one changed file, ${LINT_CONFIGS[name].label}, ${at}`, 'ms', relintMs[name])),
    figure('lint-editor.ours-over-floor', `Editor re-lint, ${at}: mlx-audit recommended ÷ floor`, '×', ratios['ours-over-floor'] ?? []),
    figure('lint-editor.both-over-typescript-eslint', `Editor re-lint, ${at}: both ÷ typescript-eslint alone`, '×', ratios['both-over-typescript-eslint'] ?? []),
  ];
});
