import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Plan } from '../src/plan/collect.js';
import { tempProject, tsconfig } from './temp-project.js';
import { MLX_AUDIT } from './mlx-audit-command.js';

// Issue #13, point 5: a configured entry whose module does not exist (or whose name is declared
// nowhere) was accepted silently, and the user's generate() was left uninstrumented. The build
// says so on stderr, one line per entry, and still instruments the rest; `mlx-audit plan` lists
// it in its text and JSON.

const require = createRequire(import.meta.url);
const TSPC = join(dirname(require.resolve('ts-patch/package.json')), 'bin', 'tspc.js');

const GOOD = { module: './src/generate.ts', name: 'generate', kind: 'inference' };
const TYPO_MODULE = { module: './src/genrate.ts', name: 'generate', kind: 'inference', id: 'typo.module' };
const TYPO_NAME = { module: './src/generate.ts', name: 'generte', kind: 'inference', id: 'typo.name' };

const project = tempProject({
  'package.json': JSON.stringify({ type: 'module', private: true, dependencies: { '@mlx-audit/runtime': '^0.1.0' } }),
  'src/generate.ts': `export function generate(prompt: string): string { return prompt; }\n`,
  'src/main.ts': `import { generate } from './generate.js';\nexport const reply = generate('hello');\n`,
});
afterAll(() => {
  project.remove();
});

function build(entries: readonly object[]): { status: number | null; stdout: string; stderr: string; main: string } {
  writeFileSync(join(project.directory, 'tsconfig.json'), tsconfig('dist', { entries }));
  const result = spawnSync(process.execPath, [TSPC, '-p', 'tsconfig.json'], { cwd: project.directory, encoding: 'utf8', timeout: 120_000 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr, main: readFileSync(join(project.directory, 'dist', 'main.js'), 'utf8') };
}

function plan(entries: readonly object[], ...args: string[]): { status: number | null; stdout: string; stderr: string } {
  writeFileSync(join(project.directory, 'tsconfig.plan.json'), tsconfig('dist', { entries }));
  const result = spawnSync(process.execPath, [MLX_AUDIT, 'plan', '-p', 'tsconfig.plan.json', ...args], { cwd: project.directory, encoding: 'utf8' });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

const MODULE_LINE = `entry 'typo.module' matches nothing, so its calls are not audited: its module './src/genrate.ts' is no file of the program, nor on disk`;
const NAME_LINE = `entry 'typo.name' matches nothing, so its calls are not audited: './src/generate.ts' declares no function, class, variable or class member 'generte' (did you mean 'generate'?); fix 'name': fn, Class, Class#method or Class.staticMethod, as declared.`;

describe('a configured entry that matches nothing (real tspc)', () => {
  it('is said on stderr, one line each, and the build succeeds with the rest instrumented', () => {
    const result = build([GOOD, TYPO_MODULE, TYPO_NAME]);
    expect(result.status).toBe(0);
    expect(result.stdout).toBe('');
    const lines = result.stderr.split('\n').filter(Boolean);
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(new RegExp(`^mlx-audit: ${MODULE_LINE.replaceAll(/[.*()?']/g, '\\$&')} \\(.*/src/genrate\\.ts, \\.js\\.\\.\\.\\); fix 'module': a path relative to .*, or a package name\\.$`));
    expect(lines[1]).toBe(`mlx-audit: ${NAME_LINE}`);
    expect(result.main).toContain('./src/generate.ts:generate');
  });

  it('is not said when every entry resolves', () => {
    const result = build([GOOD]);
    expect(result.status).toBe(0);
    expect(result.stdout + result.stderr).toBe('');
    expect(result.main).toContain('./src/generate.ts:generate');
  });
});

describe('mlx-audit plan with an entry that matches nothing', () => {
  it('lists it in the JSON, with its reason', () => {
    const result = plan([GOOD, TYPO_MODULE, TYPO_NAME], '--json');
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    const report = JSON.parse(result.stdout) as Plan;
    expect(Object.keys(report)).toEqual(['project', 'found', 'instrumented', 'leftAsWritten', 'problems', 'sites', 'trainingScopes']);
    expect(report.problems).toEqual([
      { id: 'typo.module', module: './src/genrate.ts', name: 'generate', reason: 'module-not-found', message: expect.stringContaining(MODULE_LINE) as unknown },
      { id: 'typo.name', module: './src/generate.ts', name: 'generte', reason: 'name-not-declared', message: NAME_LINE },
    ]);
    expect(report.sites.map((site) => site.id)).toEqual(['./src/generate.ts:generate']);
  });

  it('says it under the counts of the table', () => {
    const result = plan([GOOD, TYPO_NAME]);
    expect(result.status).toBe(0);
    expect(result.stdout).toContain(`1 MLX call sites found: 1 instrumented (1 log every call, 0 log errors only), 0 left as written.\n\n1 configured entry matches nothing:\n- ${NAME_LINE}\n`);
  });

  it('an empty list when every entry resolves', () => {
    const report = JSON.parse(plan([GOOD], '--json').stdout) as Plan;
    expect(report.problems).toEqual([]);
    expect(plan([GOOD]).stdout).not.toContain('matches nothing');
  });
});
