// Lints the evaluation corpus (src/) with every mlx-audit rule through eslint.evaluation.config.js
// and scores the findings against the corpus's marks: recall and precision per rule, then every
// miss. Exits 1 when a rule is below 0.97 on either (0 with --report-only), 2 when it cannot score
// (a malformed mark, a file that does not parse, the plugin not built: run `pnpm build` first).
//   node test-fixtures/evaluation/score.mjs [--report-only] [--json]
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parseArgs } from 'node:util';
import { ESLint } from 'eslint';
import { RULES, THRESHOLD, failing, formatMisses, formatTable, parseMarks, score } from './scoring/scoring.mjs';

const { values } = parseArgs({ options: { 'report-only': { type: 'boolean', default: false }, json: { type: 'boolean', default: false } } });
const directory = import.meta.dirname;
const PREFIX = 'mlx-audit/';

/** @param {string} message */
function fail(message) {
  console.error(`score: ${message}`);
  process.exit(2);
}

const files = readdirSync(join(directory, 'src'), { recursive: true, encoding: 'utf8' })
  .filter((name) => name.endsWith('.ts'))
  .map((name) => `src/${name.replaceAll('\\', '/')}`)
  .sort();
/** @type {Map<string, string[]>} */
const sources = new Map();
/** @type {Map<string, Map<number, import('./scoring/scoring.mjs').Mark>>} */
const marksByFile = new Map();
const markErrors = [];
for (const file of files) {
  const text = readFileSync(join(directory, file), 'utf8');
  sources.set(file, text.split('\n'));
  const { marks, errors } = parseMarks(text);
  marksByFile.set(file, marks);
  markErrors.push(...errors.map((error) => `${file} ${error}`));
}
if (markErrors.length > 0) fail(`malformed marks:\n${markErrors.join('\n')}`);

const eslint = new ESLint({ cwd: directory, overrideConfigFile: join(directory, 'eslint.evaluation.config.js') });
let results;
try {
  results = await eslint.lintFiles(files);
} catch (error) {
  fail(`ESLint could not lint the corpus (is the plugin built? run \`pnpm build\`):\n${String(error instanceof Error ? error.stack : error)}`);
}
/** @type {import('./scoring/scoring.mjs').Finding[]} */
const findings = [];
for (const result of results) {
  const file = relative(directory, result.filePath).replaceAll('\\', '/');
  for (const message of result.messages) {
    if (message.ruleId === null || !message.ruleId.startsWith(PREFIX)) {
      fail(`${file}:${String(message.line)} ${message.ruleId ?? 'fatal'}: ${message.message}`);
    }
    findings.push({ file, line: message.line, rule: message.ruleId.slice(PREFIX.length), message: message.message });
  }
}

const scores = score(marksByFile, findings);
const below = failing(scores);
if (values.json) {
  console.log(JSON.stringify({ threshold: THRESHOLD, rules: scores }, null, 2));
} else {
  const marked = [...marksByFile.values()].reduce((sum, marks) => sum + marks.size, 0);
  const okLines = [...marksByFile.values()].reduce((sum, marks) => sum + [...marks.values()].filter((mark) => mark.ok.length > 0).length, 0);
  console.log(`Evaluation corpus: ${String(files.length)} files, ${String(marked)} scored lines (${String(okLines)} with an ok mark), ${String(RULES.length)} rules, ${String(findings.length)} findings.\n`);
  console.log(formatTable(scores));
  const misses = formatMisses(scores, (file, line) => (sources.get(file)?.[line - 1] ?? '').trim());
  if (misses.length > 0) console.log(`\nMisses (FN: an expect line not reported; FP: a report on an ok or unmarked line):\n${misses.join('\n')}`);
  console.log(below.length === 0 ? `\nEvery rule meets ${String(THRESHOLD)} recall and precision.` : `\nBelow ${String(THRESHOLD)}: ${below.map((entry) => entry.rule).join(', ')}.`);
}
if (below.length > 0 && !values['report-only']) process.exitCode = 1;
