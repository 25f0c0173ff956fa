import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { Plan } from '../src/plan/collect.js';
import { MLX_AUDIT } from './mlx-audit-command.js';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));

function plan(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [MLX_AUDIT, ...args], { cwd: ROOT, encoding: 'utf8' });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('mlx-audit plan', () => {
  it('reports the sites found, how many are instrumented, and those left as written with why, as JSON', () => {
    const result = plan('plan', '-p', 'test-fixtures/inference-service/tsconfig.audited.json', '--json');
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    const report = JSON.parse(result.stdout) as Plan;
    expect(Object.keys(report)).toEqual(['project', 'found', 'instrumented', 'leftAsWritten', 'problems', 'sites', 'trainingScopes']);
    expect(report.problems).toEqual([]);
    // The training step's call of the function nn.valueAndGrad returned runs as a training scope.
    expect(report.trainingScopes).toEqual([{ file: 'src/train.ts', line: 44, column: 27, fn: 'train', callee: 'lossAndGrad' }]);
    expect(report.project).toBe('test-fixtures/inference-service/tsconfig.audited.json');
    const { sites } = report;
    expect(sites.find((site) => site.id === 'core.load')).toMatchObject({ kind: 'model-load', mode: 'event', instrumented: true, file: 'src/checkpoint.ts', fn: 'readSafetensors', args: ['path'] });
    expect(sites.find((site) => site.kind === 'inference' && site.file === 'src/serve.ts')).toMatchObject({ id: 'nn.Module#forward', mode: 'event', args: ['tensor'] });
    expect(sites.filter((site) => site.kind === 'layer-composition').every((site) => site.mode === 'errors' && site.file === 'src/model.ts')).toBe(true);
    // The model's `super()`: found, left as written, and why.
    const superCall = sites.find((site) => site.id === 'nn.Module' && site.fn === 'SentimentClassifier#constructor');
    expect(superCall).toMatchObject({ mode: 'off', instrumented: false });
    expect(report.leftAsWritten).toContainEqual({ file: 'src/model.ts', line: superCall?.line, column: superCall?.column, id: 'nn.Module', why: 'super(...) must stay a direct call' });
    expect(report.found).toBe(sites.length);
    expect(report.instrumented).toBe(sites.filter((site) => site.instrumented).length);
    expect(report.instrumented + report.leftAsWritten.length).toBe(report.found);
    expect(report.instrumented).toBeGreaterThan(0);
  });

  it('renders a table a reviewer reads, with what each argument logs, and the same numbers', () => {
    const result = plan('plan', '-p', 'test-fixtures/inference-service/tsconfig.audited.json');
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('| Location | Binding | Kind | Logged | Function | Arguments (role: what is logged) |');
    expect(result.stdout).toMatch(/\| src\/checkpoint\.ts:\d+:\d+ \| `core\.load` \| model-load \| every call \| readSafetensors \| #1 path: as given/);
    expect(result.stdout).toMatch(/\| src\/model\.ts:\d+:\d+ \| `nn\.Module` \| module-construction \| left as written: super\(\.\.\.\) must stay a direct call \| SentimentClassifier#constructor \|/);
    const json = JSON.parse(plan('plan', '-p', 'test-fixtures/inference-service/tsconfig.audited.json', '--json').stdout) as Plan;
    const event = json.sites.filter((site) => site.mode === 'event').length;
    const errors = json.sites.filter((site) => site.mode === 'errors').length;
    expect(result.stdout).toContain(
      `${json.found} MLX call sites found: ${json.instrumented} instrumented (${event} log every call, ${errors} log errors only), ${json.leftAsWritten.length} left as written.`,
    );
  });

  it('says what is wrong with bad options, and how to use it', () => {
    expect(plan('--help').status).toBe(0);
    expect(plan('bogus').status).toBe(2);
    // An unknown option: one line saying so and the usage, exit 2, no stack trace (#13).
    const unknown = plan('plan', '--bogus');
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toMatch(/^mlx-audit plan: Unknown option '--bogus'/);
    expect(unknown.stderr).toContain('Usage: mlx-audit plan');
    expect(unknown.stderr).not.toMatch(/node:internal|^\s+at /m);
    // A stray argument is not taken for the project.
    const stray = plan('plan', 'tsconfig.json');
    expect(stray.status).toBe(2);
    expect(stray.stderr).toMatch(/^mlx-audit plan: Unexpected argument 'tsconfig.json'/);
    const missing = plan('plan', '-p', 'no/such/tsconfig.json');
    expect(missing.status).toBe(1);
    expect(missing.stderr).toContain('no/such/tsconfig.json');
  });
});
