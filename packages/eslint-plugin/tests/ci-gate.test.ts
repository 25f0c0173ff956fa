import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';
import { DOCS_BASE_URL } from '../src/util/create-rule.js';
import { createProject, eslintCli, eslintConfig, findings, ROOT, type CliResult } from './project.js';

// The plugin as a CI gate: the real ESLint CLI in a real project whose eslint.config.js enables a
// preset, as the README shows. Two fixtures with findings (two TypeScript programs that both
// have a model.ts, a checkpoint.ts and a train.ts) and one written to pass every rule.

interface SarifLog {
  version: string;
  runs: {
    tool: { driver: { name: string; rules: { id: string; helpUri: string; shortDescription?: { text: string } }[] } };
    results: {
      ruleId: string;
      level: string;
      message: { text: string };
      locations: { physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number; startColumn: number; endLine?: number; endColumn?: number } } }[];
    }[];
  }[];
}

const withFindings = createProject({ fixtures: ['inference-service', 'training'], files: { 'eslint.config.js': eslintConfig('recommended') } });

let jsonRun: CliResult | undefined;
/** `eslint -f json .` without worker threads, run once: the reference the other runs are compared with. */
function referenceRun(): { status: number | null; results: ESLint.LintResult[] } {
  jsonRun ??= eslintCli(withFindings, ['--concurrency', 'off', '-f', 'json', '.']);
  return { status: jsonRun.status, results: JSON.parse(jsonRun.stdout) as ESLint.LintResult[] };
}

describe('eslint with a preset, as a CI gate', () => {
  it('exits 1 on findings and reports each with its rule, file and position', () => {
    const { status, results } = referenceRun();
    expect(status).toBe(1);
    // The reviewed findings of test-fixtures/no-tainted-log.snap.md (the training fixture's loss
    // and validation lines are metrics, not reported).
    expect(findings(withFindings, results)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^inference-service\/src\/main\.ts:76:89-76:\d+ mlx-audit\/no-tainted-log Model output /),
      ]),
    );
    expect(results.filter((result) => result.fatalErrorCount > 0)).toEqual([]);
  });

  it('exits 0 on a project that passes every rule (test-fixtures/audited-service with `all`)', () => {
    const clean = createProject({ fixtures: ['audited-service'], files: { 'eslint.config.js': eslintConfig('all') } });
    const result = eslintCli(clean, ['-f', 'json', '.']);
    expect(result.stderr).toBe('');
    const results = JSON.parse(result.stdout) as ESLint.LintResult[];
    expect(results.map((file) => file.filePath.slice(clean.length + 1))).toContain('audited-service/src/server.ts');
    expect(findings(clean, results)).toEqual([]);
    expect(result.status).toBe(0);
  });

  it('exits 2 with a message naming the rule and the option on a configuration error', () => {
    const misconfigured = createProject({
      files: {
        'eslint.config.js': eslintConfig('recommended', { 'mlx-audit/no-tainted-log': ['error', { crossFileDept: 3 }] }),
        'src/index.ts': 'export const answer = 42;\n',
        'tsconfig.json': JSON.stringify({ extends: './tsconfig.fixture.json', include: ['src'] }),
      },
    });
    const result = eslintCli(misconfigured, ['.']);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('mlx-audit/no-tainted-log');
    expect(result.stderr).toContain('crossFileDept');
  });

  it('writes SARIF 2.1.0 for code scanning with every finding, its rule (with help URI), file and region', () => {
    const { results } = referenceRun();
    const run = eslintCli(withFindings, ['-f', '@microsoft/eslint-formatter-sarif', '-o', 'eslint.sarif', '.']);
    expect(run.status).toBe(1);
    const sarif = JSON.parse(readFileSync(join(withFindings, 'eslint.sarif'), 'utf8')) as SarifLog;
    expect(sarif.version).toBe('2.1.0');
    expect(sarif.runs).toHaveLength(1);
    const [{ tool, results: sarifResults } = { tool: undefined, results: [] }] = sarif.runs;

    const messages = results.flatMap((file) => file.messages.map((message) => ({ file: file.filePath, message })));
    expect(messages.length).toBeGreaterThan(0);
    // The formatter lists the rules that have results, each with its page.
    const ruleIds = [...new Set(messages.map(({ message }) => message.ruleId))].sort();
    expect(tool?.driver.rules.map((rule) => rule.id).sort()).toEqual(ruleIds);
    for (const rule of tool?.driver.rules ?? []) {
      const name = rule.id.replace(/^mlx-audit\//, '');
      expect(rule.helpUri).toBe(`${DOCS_BASE_URL}/${name}.md`);
      expect(existsSync(join(ROOT, 'rules-docs', `${name}.md`))).toBe(true);
      expect(rule.shortDescription?.text).toMatch(/^(Enforce|Require|Disallow) /);
    }

    expect(sarifResults).toHaveLength(messages.length);
    const located = sarifResults.map((result) => {
      const [location] = result.locations;
      return {
        ruleId: result.ruleId,
        level: result.level,
        text: result.message.text,
        uri: location?.physicalLocation.artifactLocation.uri,
        region: location?.physicalLocation.region,
      };
    });
    for (const { file, message } of messages) {
      expect(located).toContainEqual({
        ruleId: message.ruleId,
        level: 'error',
        text: message.message,
        uri: pathToFileURL(file).href,
        region: { startLine: message.line, startColumn: message.column, endLine: message.endLine, endColumn: message.endColumn },
      });
    }
  });

  it('gives the same findings with two worker threads (--concurrency 2) as without', () => {
    const { results } = referenceRun();
    const threaded = eslintCli(withFindings, ['--concurrency', '2', '-f', 'json', '.']);
    expect(threaded.status).toBe(1);
    const threadedResults = JSON.parse(threaded.stdout) as ESLint.LintResult[];
    expect(threadedResults.length).toBeGreaterThan(10);
    expect(findings(withFindings, threadedResults).sort()).toEqual(findings(withFindings, results).sort());
  });
});
