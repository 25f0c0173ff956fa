// The findings of every rule (the `all` preset) on the three fixtures and on both benchmark
// corpora, one line each (file:line:column rule message), sorted: a restructuring of the plugin
// must leave them identical. `node benchmarks/findings.mjs --out before.txt`, change the code,
// `pnpm build`, then `node benchmarks/findings.mjs --compare before.txt` (exit 1 on a difference).
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parseArgs } from 'node:util';
import { prepareCorpus } from './lib/corpus.mjs';
import { runNode } from './lib/measure.mjs';
import { REPOSITORY_DIR, WORK_DIR, binPath } from './lib/paths.mjs';
import { CORPUS_SEED, benchSettings } from './lib/settings.mjs';

const FIXTURES = ['inference-service', 'training', 'audited-service'];

/**
 * The findings of the `all` preset on the TypeScript files under `directory`/src.
 * @param {string} directory
 * @param {string} label
 * @returns {string[]}
 */
function findingsOf(directory, label) {
  mkdirSync(WORK_DIR, { recursive: true });
  const config = join(WORK_DIR, `eslint.findings.${label}.config.mjs`);
  // Written under benchmarks/ so that its imports resolve from benchmarks/node_modules.
  writeFileSync(
    config,
    [
      "import mlxAudit from '@mlx-audit/eslint-plugin';",
      "import tseslint from 'typescript-eslint';",
      'export default [',
      `  { files: ['**/*.ts'], languageOptions: { parser: tseslint.parser, parserOptions: { projectService: true, tsconfigRootDir: ${JSON.stringify(directory)} } } },`,
      '  mlxAudit.configs.all,',
      '];',
      '',
    ].join('\n'),
  );
  const report = join(WORK_DIR, `eslint.findings.${label}.json`);
  runNode({ label: `eslint (all) on ${label}`, cwd: directory, args: [binPath('eslint', 'eslint'), '--config', config, '--format', 'json', '--output-file', report, 'src'], okCodes: [0, 1] });
  /** @type {{ filePath: string, messages: { ruleId: string | null, line: number, column: number, message: string }[] }[]} */
  const files = JSON.parse(readFileSync(report, 'utf8'));
  return files.flatMap((file) =>
    file.messages.map((message) => `${label}/${relative(directory, file.filePath)}:${message.line}:${message.column} ${String(message.ruleId)} ${message.message}`),
  );
}

const { values } = parseArgs({ options: { out: { type: 'string' }, compare: { type: 'string' } } });
const { small, large } = benchSettings(false).corpus;
const findings = [
  ...FIXTURES.flatMap((fixture) => findingsOf(join(REPOSITORY_DIR, 'test-fixtures', fixture), fixture)),
  ...[small, large].flatMap((files) => findingsOf(prepareCorpus(files, CORPUS_SEED), `corpus-${files}`)),
].sort();
const text = `${findings.join('\n')}\n`;
if (values.out !== undefined) writeFileSync(values.out, text);
console.log(`${findings.length} findings`);
if (values.compare !== undefined) {
  const before = new Set(readFileSync(values.compare, 'utf8').split('\n').filter(Boolean));
  const after = new Set(findings);
  const gone = [...before].filter((line) => !after.has(line));
  const added = findings.filter((line) => !before.has(line));
  for (const line of gone) console.log(`- ${line}`);
  for (const line of added) console.log(`+ ${line}`);
  if (gone.length > 0 || added.length > 0) {
    console.log(`${gone.length} gone, ${added.length} new`);
    process.exitCode = 1;
  } else {
    console.log('identical');
  }
}
