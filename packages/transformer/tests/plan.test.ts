import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const CLI = fileURLToPath(new URL('../dist/cli.js', import.meta.url));

function plan(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [CLI, ...args], { cwd: ROOT, encoding: 'utf8' });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

interface PlannedSite {
  id: string;
  kind: string;
  mode: string;
  file: string;
  line: number;
  fn: string | null;
  args: string[];
}

describe('mlx-audit plan', () => {
  it('lists every MLX call site of the inference service as JSON', () => {
    const result = plan('plan', '-p', 'test-fixtures/inference-service/tsconfig.audited.json', '--json');
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    const sites = JSON.parse(result.stdout) as PlannedSite[];
    expect(sites.find((site) => site.id === 'core.load')).toMatchObject({ kind: 'model-load', mode: 'event', file: 'src/checkpoint.ts', fn: 'readSafetensors', args: ['path'] });
    expect(sites.find((site) => site.kind === 'inference' && site.file === 'src/serve.ts')).toMatchObject({ id: 'nn.Module#forward', mode: 'event', args: ['tensor'] });
    expect(sites.filter((site) => site.kind === 'layer-composition').every((site) => site.mode === 'errors' && site.file === 'src/model.ts')).toBe(true);
    expect(sites.find((site) => site.id === 'nn.Module' && site.fn === 'SentimentClassifier#constructor')?.mode).toBe('off');
  });

  it('renders a table a reviewer reads, with what each argument logs', () => {
    const result = plan('plan', '-p', 'test-fixtures/inference-service/tsconfig.audited.json');
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('| Location | Binding | Kind | Logged | Function | Arguments (role: what is logged) |');
    expect(result.stdout).toMatch(/\| src\/checkpoint\.ts:\d+:\d+ \| `core\.load` \| model-load \| every call \| readSafetensors \| #1 path: as given/);
    expect(result.stdout).toMatch(/\d+ MLX call sites: \d+ log every call, \d+ log errors only, \d+ are not instrumented\./);
  });

  it('says what is wrong with bad options, and how to use it', () => {
    expect(plan('--help').status).toBe(0);
    expect(plan('bogus').status).toBe(2);
    const missing = plan('plan', '-p', 'no/such/tsconfig.json');
    expect(missing.status).toBe(1);
    expect(missing.stderr).toContain('no/such/tsconfig.json');
  });
});
