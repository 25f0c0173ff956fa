import { cpSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { mlxAudit } from './run-cli.js';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const PACKAGE = fileURLToPath(new URL('..', import.meta.url));

describe('mlx-audit', () => {
  it('lists its commands, and exits 2 when given none', () => {
    const none = mlxAudit(ROOT, []);
    expect(none.status).toBe(2);
    expect(none.stdout).toMatch(/^Usage: mlx-audit <command> \[options\]/);
    for (const command of ['plan', 'build', 'verify', 'detect', 'keygen']) expect(none.stdout).toContain(`mlx-audit ${command} `);
    expect(mlxAudit(ROOT, ['--help']).status).toBe(0);
  });

  it('says an unknown command in one line with the usage, exit 2, no stack', () => {
    const result = mlxAudit(ROOT, ['plna']);
    expect(result.status).toBe(2);
    expect(result.stderr.split('\n')[0]).toBe("mlx-audit: unknown command 'plna'");
    expect(result.stderr).not.toMatch(/^\s+at /m);
  });

  it('runs the transformer’s plan', () => {
    const result = mlxAudit(ROOT, ['plan', '-p', 'test-fixtures/inference-service/tsconfig.json', '--json']);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect((JSON.parse(result.stdout) as { found: number }).found).toBeGreaterThan(10);
  });

  describe('installed without the transformer', () => {
    // A node_modules with the CLI and its dependencies (the runtime, the monitor) only: a machine that verifies trails.
    const directory = mkdtempSync(join(tmpdir(), 'mlx-audit-cli-'));
    afterAll(() => {
      rmSync(directory, { recursive: true, force: true });
    });
    const installed = join(directory, 'node_modules', '@mlx-audit');
    mkdirSync(installed, { recursive: true });
    cpSync(join(PACKAGE, 'dist'), join(installed, 'cli', 'dist'), { recursive: true });
    cpSync(join(PACKAGE, 'package.json'), join(installed, 'cli', 'package.json'));
    // Every dependency of the package as installed beside it (the workspace's and the registry's), the transformer (a peer) left out.
    const { dependencies } = JSON.parse(readFileSync(join(PACKAGE, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
    for (const dependency of Object.keys(dependencies)) {
      const link = join(directory, 'node_modules', dependency);
      mkdirSync(dirname(link), { recursive: true });
      symlinkSync(realpathSync(join(PACKAGE, 'node_modules', dependency)), link);
    }
    const command = join(installed, 'cli', 'dist', 'cli.js');

    it.each(['plan', 'build'])('%s says in one line what to install, exit 2', (name) => {
      const result = mlxAudit(directory, [name], command);
      expect(result.status).toBe(2);
      expect(result.stdout).toBe('');
      expect(result.stderr).toBe(
        `mlx-audit ${name}: needs @mlx-audit/transformer, which is not installed here: pnpm add -D @mlx-audit/transformer ts-patch@^4.0.1 typescript@~6.0 (or npm install --save-dev …)\n`,
      );
    });
  });
});
