// Runs in a child process, as the VS Code ESLint extension's server does: one long-lived process,
// ESLint's API (`new ESLint(...)` then `lintText(text, { filePath })`), typed linting through
// typescript-eslint's project service, which builds the corpus's program on the first lint and
// keeps it, updating it with the text of each lint. One ESLint instance per configuration (the
// flat config files lint.mjs uses, written by lint-editor.mjs into the corpus); typescript-eslint
// keeps one project service per process, so all four configurations lint against the one program.
//
// The first lint (the floor, the file as on disk) builds the program and is timed on its own. Then
// each configuration lints the unedited file (its baseline findings), and rounds follow: in each,
// every configuration re-lints the file with one of the edits of editor-edits.mjs, configurations
// in alternating order (forwards, backwards), the edit advancing with the configuration and the
// round, so no lint sees the text of the lint before it and every configuration sees every edit
// once in four rounds. The first `warm-up` rounds are not timed. Every lint's findings are checked.
// A probe rule, run outside the timings, holds the program before and after the rounds: other
// files' source files must be the same objects (the program was reused, not rebuilt), the edited
// file's must hold the text the editor sent.
//   node editor-driver.mjs <corpus> <files> <rounds> <warm-up rounds> <forward|backward>
// Prints one JSON line: the first lint's milliseconds, each configuration's re-lint milliseconds
// by round, and what the probe saw.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setImmediate } from 'node:timers';
import { ESLint } from 'eslint';
import tseslint from 'typescript-eslint';
import { EDITED_FILE, EDITS, applyEdit, checkBaseline, checkEdited } from './editor-edits.mjs';
import { LINT_CONFIGS } from './lint-findings.mjs';

/** @typedef {import('./lint-findings.mjs').LintConfig} LintConfig */
/** @typedef {import('./editor-edits.mjs').Message} Message */

const [corpus, filesText, roundsText, warmUpText, start] = process.argv.slice(2);
if (corpus === undefined || (start !== 'forward' && start !== 'backward')) throw new Error('usage: editor-driver.mjs <corpus> <files> <rounds> <warm-up rounds> <forward|backward>');
const files = Number(filesText);
const rounds = Number(roundsText);
const warmUpRounds = Number(warmUpText);
const filePath = join(corpus, EDITED_FILE);
/** A file the edits never touch, but that the edited one imports. */
const otherFile = join(corpus, 'src', 'u1', 'log.ts');

const names = /** @type {LintConfig[]} */ (Object.keys(LINT_CONFIGS));
/** @type {Record<LintConfig, ESLint>} */
const linters = /** @type {Record<LintConfig, ESLint>} */ (Object.fromEntries(names.map((name) => [name, new ESLint({ cwd: corpus, overrideConfigFile: join(corpus, `eslint.${name}.config.mjs`) })])));

/** @typedef {import('typescript').Program} Program */
/** @type {Program[]} */
const probed = [];
/** @type {import('eslint').Rule.RuleModule} */
const programRule = {
  meta: { type: 'problem', schema: [] },
  create(context) {
    /** @type {{ program?: Program | null }} */
    const services = context.sourceCode.parserServices ?? {};
    if (services.program === undefined || services.program === null) throw new Error('the probe got no program: the parse was not typed');
    probed.push(services.program);
    return {};
  },
};
/** @type {import('eslint').ESLint.Plugin} */
const probePlugin = { rules: { program: programRule } };
// The floor's parser options, and the probe rule.
const probe = new ESLint({
  cwd: corpus,
  overrideConfigFile: true,
  overrideConfig: [
    {
      files: ['**/*.ts'],
      languageOptions: { parser: /** @type {import('eslint').Linter.Parser} */ (tseslint.parser), parserOptions: { projectService: true, tsconfigRootDir: corpus } },
      plugins: { probe: probePlugin },
      rules: { 'probe/program': 'error' },
    },
  ],
});

let previousText = '';
let lints = 0;

/**
 * One lint of the edited file's text, timed from the call to the answer.
 * @param {ESLint} eslint
 * @param {string} text
 */
async function lint(eslint, text) {
  await new Promise((resolve) => setImmediate(resolve));
  const started = performance.now();
  const [result] = await eslint.lintText(text, { filePath });
  const ms = performance.now() - started;
  if (result === undefined) throw new Error('ESLint returned no result');
  previousText = text;
  lints++;
  /** @type {Message[]} */
  const messages = result.messages.map((message) => ({ line: message.line, ruleId: message.ruleId, fatal: message.fatal === true, message: message.message }));
  return { ms, messages };
}

/**
 * What the probe rule sees of the program when it lints `text`.
 * @param {string} text
 */
async function probeProgram(text) {
  await lint(probe, text);
  const program = probed.at(-1);
  if (program === undefined) throw new Error('the probe rule did not run');
  const corpusFiles = program.getSourceFiles().filter((source) => source.fileName.startsWith(`${corpus}/src/`)).length;
  if (corpusFiles !== files) throw new Error(`the program holds ${corpusFiles} of the corpus's files, not ${files}: it is not the corpus's program`);
  const edited = program.getSourceFile(filePath);
  if (edited?.text !== text) throw new Error(`the program's ${EDITED_FILE} is not the text the editor sent`);
  const other = program.getSourceFile(otherFile);
  if (other === undefined) throw new Error(`the program has no ${otherFile}`);
  return { program, other, sourceFiles: program.getSourceFiles().length };
}

const original = readFileSync(filePath, 'utf8');
const edited = EDITS.map((edit) => ({ edit, ...applyEdit(original, edit) }));

// The first lint: the project service opens the file and builds the program.
const first = await lint(linters.floor, original);
checkBaseline('floor', first.messages, 'the first lint (floor)');
const before = await probeProgram(original);

/** @type {Record<LintConfig, Message[]>} */
const baseline = /** @type {Record<LintConfig, Message[]>} */ ({});
for (const name of names) {
  const { messages } = await lint(linters[name], original);
  checkBaseline(name, messages, `the unedited file (${name})`);
  baseline[name] = messages;
}

/** @type {Record<LintConfig, number[]>} */
const relintMs = { floor: [], ours: [], 'typescript-eslint': [], both: [] };
for (let round = 0; round < warmUpRounds + rounds; round++) {
  const forward = (round % 2 === 0) === (start === 'forward');
  for (const name of forward ? names : [...names].reverse()) {
    const index = (names.indexOf(name) + round) % EDITS.length;
    const change = edited[index];
    if (change === undefined) throw new Error(`no edit ${index}`);
    if (change.text === previousText) throw new Error('a lint would see the text of the lint before it');
    const label = `round ${round + 1}, ${name}, the edit "${change.edit.name}"`;
    const { ms, messages } = await lint(linters[name], change.text);
    checkEdited(name, baseline[name], change.edit, change.line, messages, label);
    if (round >= warmUpRounds) relintMs[name].push(ms);
  }
}

// A text no lint has seen: the program must be updated, and hold it.
const probeText = applyEdit(original, { name: 'probe', line: '    // the probe', ours: [], tse: [] }).text;
const after = await probeProgram(probeText);
if (after.program === before.program) throw new Error('the program was never updated: the re-lints did not reach it');
if (after.other !== before.other) throw new Error(`${otherFile} was parsed again: the program was rebuilt, not reused`);

process.stdout.write(
  `${JSON.stringify({
    firstMs: first.ms,
    relintMs,
    lints,
    program: { sourceFiles: after.sourceFiles, corpusFiles: files, updated: true, otherFilesReused: true },
  })}\n`,
);
