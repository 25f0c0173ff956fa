import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';
import { createProject, eslintCli, eslintConfig, findings } from './project.js';

// ESLint's Node API driven the way the VS Code ESLint extension drives it: one ESLint instance for
// the session, the project's own eslint.config.js, and the text of an unsaved buffer linted under
// its file path (`lintText(text, { filePath })`), again and again as the user types.

const CLASSIFY = 'audited-service/src/classify.ts';
const MAIN = 'inference-service/src/main.ts';

/** Inserts `line` after the first line of `text` that contains `marker`. */
function insertAfter(text: string, marker: string, line: string): string {
  const lines = text.split('\n');
  const index = lines.findIndex((candidate) => candidate.includes(marker));
  if (index < 0) throw new Error(`no line contains ${marker}`);
  lines.splice(index + 1, 0, line);
  return lines.join('\n');
}

describe('an editor session (lintText with the path of an unsaved buffer)', () => {
  const project = createProject({ fixtures: ['audited-service', 'inference-service'], files: { 'eslint.config.js': eslintConfig('all') } });
  const eslint = new ESLint({ cwd: project });
  const onDisk = readFileSync(join(project, CLASSIFY), 'utf8');
  const lintBuffer = async (path: string, text: string): Promise<string[]> => findings(project, await eslint.lintText(text, { filePath: join(project, path) }));

  it('reports what the buffer holds, not what is on disk, and follows each edit', async () => {
    expect(await lintBuffer(CLASSIFY, onDisk)).toEqual([]);

    // An unsaved edit logs the encoded texts (a tensor built from the model's inputs) while debugging.
    const first = insertAfter(onDisk, 'const started = performance.now();', '  console.log(tokens);');
    expect(await lintBuffer(CLASSIFY, first)).toEqual([
      expect.stringMatching(/^audited-service\/src\/classify\.ts:19:15-19:21 mlx-audit\/no-tainted-log Model input `tokens` \(from `mx\.array` at line 17\) reaches `console\.log`/),
    ]);

    // The next edit removes that line and interpolates the texts (model inputs) into a message.
    const second = insertAfter(onDisk, 'const started = performance.now();', "  log.info(`classifying ${texts.join(' | ')}`);");
    const secondFindings = await lintBuffer(CLASSIFY, second);
    expect(secondFindings).toContainEqual(expect.stringMatching(/^audited-service\/src\/classify\.ts:19:12-19:\d+ mlx-audit\/no-tainted-log Model input /));
    expect(secondFindings.join('\n')).not.toContain('`console.log`');

    // Undoing the edits brings back the file's own (clean) result; the disk was never touched.
    expect(await lintBuffer(CLASSIFY, onDisk)).toEqual([]);
    expect(readFileSync(join(project, CLASSIFY), 'utf8')).toBe(onDisk);
    expect(findings(project, await eslint.lintFiles([CLASSIFY]))).toEqual([]);
  });

  it('gives the same findings as the CLI for the unedited content', async () => {
    const cli = eslintCli(project, ['-f', 'json', MAIN]);
    expect(cli.status).toBe(1);
    const fromCli = findings(project, JSON.parse(cli.stdout) as ESLint.LintResult[]);
    expect(fromCli.length).toBeGreaterThan(0);
    expect(await lintBuffer(MAIN, readFileSync(join(project, MAIN), 'utf8'))).toEqual(fromCli);
  });
});

describe('one ESLint instance, two TypeScript programs', () => {
  // The same caller text in two projects whose `report` differs: it logs its argument in `logs/`,
  // and only counts in `counts/`. Findings depend on each program's own report.ts: analyses keyed
  // by file name, function name or "the first program seen" would give both projects one answer.
  const caller = [
    "import { core as mx } from '@frost-beta/mlx';",
    "import { report } from './report.js';",
    '',
    'report(mx.array([1, 2, 3]));',
    '',
  ].join('\n');
  const tsconfig = JSON.stringify({ extends: '../tsconfig.fixture.json', compilerOptions: { rootDir: 'src', outDir: 'dist' }, include: ['src'] });
  const project = createProject({
    files: {
      'eslint.config.js': eslintConfig('recommended'),
      'logs/tsconfig.json': tsconfig,
      'logs/src/main.ts': caller,
      'logs/src/report.ts': 'export function report(value: unknown): void {\n  console.log(value);\n}\n',
      'counts/tsconfig.json': tsconfig,
      'counts/src/main.ts': caller,
      'counts/src/report.ts': "let reports = 0;\n\nexport function report(value: unknown): void {\n  reports += value === undefined ? 0 : 1;\n  console.log('reports', reports);\n}\n",
    },
  });
  const logged: unknown = expect.stringMatching(/^logs\/src\/main\.ts:4:8-4:\d+ mlx-audit\/no-tainted-log Tensor `mx\.array\(\[1, 2, 3\]\)`.* reaches `report`/);
  const expected = { 'logs/src/main.ts': [logged], 'counts/src/main.ts': [] };

  it.each([
    ['logs/src/main.ts', 'counts/src/main.ts'],
    ['counts/src/main.ts', 'logs/src/main.ts'],
  ] as const)('gives each program its own findings (%s linted first)', async (first, second) => {
    const eslint = new ESLint({ cwd: project });
    for (const file of [first, second]) {
      expect(findings(project, await eslint.lintFiles([file]))).toEqual(expected[file]);
    }
    const together = await eslint.lintFiles([first, second]);
    expect(findings(project, together)).toEqual([logged]);
  });
});
