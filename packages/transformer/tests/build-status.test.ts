import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { tempProject, tsconfig } from './temp-project.js';

// Issue #12, defect 4: tsc exits 2 on any diagnostic, warnings included, so a warning of ours
// must not be a diagnostic unless asked for; errors still fail the build. Real tsc and tspc, on a
// project set up as a user would (`"transform": "@mlx-audit/transformer"` from node_modules).

const require = createRequire(import.meta.url);
const TSC = require.resolve('typescript/bin/tsc');
// ts-patch exports no subpaths: its `tspc` bin sits beside its package.json.
const TSPC = join(dirname(require.resolve('ts-patch/package.json')), 'bin', 'tspc.js');

// MLXA101 today: a file that imports the runtime itself, whose MLX calls are left as written.
// (Until #12's optional-chain work, `x?.sum().item()` was one too, and failed the build.)
const WARNING_SITE = `import * as audit from '@mlx-audit/runtime/instrument';
import { core as mx } from '@frost-beta/mlx';
export const probe = typeof audit;
export const x = mx.ones([2]);
`;

const project = tempProject({
  'package.json': JSON.stringify({ type: 'module', private: true, dependencies: { '@mlx-audit/runtime': '^0.1.0' } }),
  'src/main.ts': `import { core as mx } from '@frost-beta/mlx';\nexport const y = mx.zeros([2]);\n`,
  'src/self.ts': WARNING_SITE,
});
afterAll(() => {
  project.remove();
});

/** Builds the project with `plugin` as its transformer entry (none: plain tsc) and says what the user sees. */
function build(plugin: Record<string, unknown> | undefined): { status: number | null; transcript: string } {
  const name = plugin === undefined ? 'tsconfig.plain.json' : 'tsconfig.json';
  writeFileSync(join(project.directory, name), tsconfig(plugin === undefined ? 'dist' : 'dist-audited', plugin));
  const result = spawnSync(process.execPath, [plugin === undefined ? TSC : TSPC, '-p', name], { cwd: project.directory, encoding: 'utf8', timeout: 120_000 });
  const command = `${plugin === undefined ? 'tsc' : 'tspc'} -p ${name}`;
  return { status: result.status, transcript: `$ ${command}\nexit status: ${String(result.status)}\n--- stdout\n${result.stdout}--- stderr\n${result.stderr}` };
}

describe('the exit status of a build with the transformer (real tspc)', () => {
  it('the project builds with plain tsc: the baseline the transformer must keep', () => {
    expect(build(undefined).status).toBe(0);
  });

  it('a site that gets a warning: the build still succeeds, and prints nothing', async () => {
    const { status, transcript } = build({});
    await expect(transcript).toMatchFileSnapshot('__snapshots__/build-status/warning-site.txt');
    expect(status).toBe(0);
    // Not silent for want of running: the other file's call is instrumented.
    expect(readFileSync(join(project.directory, 'dist-audited', 'main.js'), 'utf8')).toContain('"core.zeros"');
  });

  it('"warnings": true reports the warning as tsc does, which fails the build like any diagnostic', async () => {
    const { status, transcript } = build({ warnings: true });
    await expect(transcript).toMatchFileSnapshot('__snapshots__/build-status/warnings-on.txt');
    expect(transcript).toContain('src/self.ts(1,1): warning TS990101: MLXA101: Not instrumented:');
    expect(status).toBe(2);
  });

  it('bad options: an error, which fails the build', async () => {
    const { status, transcript } = build({ kinds: { inference: 'loud' } });
    await expect(transcript).toMatchFileSnapshot('__snapshots__/build-status/bad-options.txt');
    expect(transcript).toContain('error TS990002: MLXA002:');
    expect(status).not.toBe(0);
  });
});
