import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { tempProject, tsconfig } from './temp-project.js';

// Issue #13, point 3: instrumented code imports the runtime at run time, so a project that has it
// only as a dev dependency (or not at all) builds, then fails in production with
// ERR_MODULE_NOT_FOUND. The build says so, on stderr, once, and still succeeds.

const require = createRequire(import.meta.url);
const TSPC = join(dirname(require.resolve('ts-patch/package.json')), 'bin', 'tspc.js');
const SOURCE = `import { core as mx } from '@frost-beta/mlx';\nexport const y = mx.zeros([2]);\n`;

function buildWith(dependencies: Record<string, Record<string, string>>) {
  const project = tempProject({ 'package.json': JSON.stringify({ type: 'module', private: true, ...dependencies }), 'src/main.ts': SOURCE });
  try {
    writeFileSync(join(project.directory, 'tsconfig.json'), tsconfig('dist', {}));
    return spawnSync(process.execPath, [TSPC, '-p', 'tsconfig.json'], { cwd: project.directory, encoding: 'utf8', timeout: 120_000 });
  } finally {
    project.remove();
  }
}

describe('a project that does not depend on the runtime', () => {
  const projects: { remove(): void }[] = [];
  afterAll(() => {
    for (const project of projects) project.remove();
  });

  it('is told, in one line on stderr, and the build succeeds', () => {
    for (const dependencies of [{}, { devDependencies: { '@mlx-audit/runtime': '^0.1.0' } }]) {
      const result = buildWith(dependencies);
      expect(result.status).toBe(0);
      expect(result.stdout).toBe('');
      const lines = result.stderr.split('\n').filter(Boolean);
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(/^mlx-audit: .*package\.json does not list @mlx-audit\/runtime in "dependencies", but the instrumented code imports @mlx-audit\/runtime\/instrument at run time: add it \(npm install @mlx-audit\/runtime\)/);
    }
  });

  it('is not told when it lists the runtime as a dependency', () => {
    const result = buildWith({ dependencies: { '@mlx-audit/runtime': '^0.1.0' } });
    expect(result.status).toBe(0);
    expect(result.stdout + result.stderr).toBe('');
  });
});
