import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, realpathSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { tempProject, tsconfig } from './temp-project.js';
import { MLX_AUDIT } from './mlx-audit-command.js';

// Issue #13, point 1: under TypeScript 7, `tspc` crashes inside ts-patch ("reading 'LineFeed'")
// before the transformer is loaded, so the transformer cannot say anything. `mlx-audit build`
// checks the versions first and says so in one line; otherwise it is tspc, exit code included.

const require = createRequire(import.meta.url);
const TS_PATCH = dirname(realpathSync(require.resolve('ts-patch/package.json')));
const SOURCE = `import { core as mx } from '@frost-beta/mlx';\nexport const y = mx.zeros([2]);\n`;
const MANIFEST = JSON.stringify({ type: 'module', private: true, dependencies: { '@mlx-audit/runtime': '^0.1.0' } });

const projects: { remove(): void }[] = [];
afterEach(() => {
  for (const project of projects.splice(0)) project.remove();
});

function project(files: Record<string, string>): string {
  const created = tempProject({ 'package.json': MANIFEST, 'tsconfig.json': tsconfig('dist', {}), ...files });
  projects.push(created);
  return created.directory;
}

/** A package written into the project's node_modules: a stand-in for another installed version. */
function installedPackage(directory: string, name: string, files: Record<string, string>): void {
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(dirname(join(directory, 'node_modules', name, file)), { recursive: true });
    writeFileSync(join(directory, 'node_modules', name, file), text);
  }
}

function mlxAudit(directory: string, ...args: string[]) {
  return spawnSync(process.execPath, [MLX_AUDIT, ...args], { cwd: directory, encoding: 'utf8', timeout: 120_000 });
}

describe('mlx-audit build', () => {
  it('runs tspc with the transformer when TypeScript and ts-patch are supported', () => {
    const directory = project({ 'src/main.ts': SOURCE });
    symlinkSync(TS_PATCH, join(directory, 'node_modules', 'ts-patch'), 'dir');
    const result = mlxAudit(directory, 'build', '-p', 'tsconfig.json');
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(readFileSync(join(directory, 'dist', 'main.js'), 'utf8')).toContain('@mlx-audit/runtime/instrument');
  });

  it("exits as tspc does, printing tspc's diagnostics", () => {
    const directory = project({ 'src/main.ts': `${SOURCE}export const wrong: number = 'text';\n` });
    symlinkSync(TS_PATCH, join(directory, 'node_modules', 'ts-patch'), 'dir');
    const direct = spawnSync(process.execPath, [join(TS_PATCH, 'bin', 'tspc.js'), '-p', 'tsconfig.json'], { cwd: directory, encoding: 'utf8', timeout: 120_000 });
    const wrapped = mlxAudit(directory, 'build', '-p', 'tsconfig.json');
    expect(direct.status).not.toBe(0);
    expect(wrapped.status).toBe(direct.status);
    expect(wrapped.stdout).toBe(direct.stdout);
    expect(wrapped.stdout).toContain("error TS2322: Type 'string' is not assignable to type 'number'");
  });

  it('refuses TypeScript 7 in one line saying what to install, without running tspc', () => {
    const directory = project({ 'src/main.ts': SOURCE });
    installedPackage(directory, 'ts-patch', {
      'package.json': JSON.stringify({ name: 'ts-patch', version: '4.0.1', bin: { tspc: './bin/tspc.js' } }),
      'bin/tspc.js': "require('node:fs').writeFileSync('tspc-ran', '');\n",
    });
    installedPackage(directory, 'typescript', { 'package.json': JSON.stringify({ name: 'typescript', version: '7.0.2' }) });
    const result = mlxAudit(directory, 'build', '-p', 'tsconfig.json');
    expect(result.status).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe('mlx-audit: TypeScript 7.0.2 is not supported by mlx-audit, which needs >=5.4 <6.1 (the JavaScript compiler API): install typescript@~6.0\n');
    expect(() => readFileSync(join(directory, 'tspc-ran'))).toThrow();
  });

  it('says in one line that ts-patch is missing, whatever NODE_PATH holds', () => {
    const directory = project({ 'src/main.ts': SOURCE });
    // pnpm's command shims put its store on NODE_PATH, where require.resolve would find a ts-patch.
    const result = spawnSync(process.execPath, [MLX_AUDIT, 'build'], {
      cwd: directory,
      encoding: 'utf8',
      timeout: 120_000,
      env: { ...process.env, NODE_PATH: dirname(TS_PATCH) },
    });
    expect(result.status).toBe(2);
    expect(result.stderr).toBe(`mlx-audit: ts-patch is not installed in ${realpathSync(directory)}: install ts-patch@^4.0.1 typescript@~6.0\n`);
  });

  it('builds with another ts-patch major, saying it is not the tested one', () => {
    const directory = project({ 'src/main.ts': SOURCE });
    installedPackage(directory, 'ts-patch', {
      'package.json': JSON.stringify({ name: 'ts-patch', version: '3.3.0', bin: { tspc: './bin/tspc.js' } }),
      'bin/tspc.js': "process.stdout.write(process.argv.slice(2).join(' '));\n",
    });
    installedPackage(directory, 'typescript', { 'package.json': JSON.stringify({ name: 'typescript', version: '6.0.3' }) });
    const result = mlxAudit(directory, 'build', '-p', 'tsconfig.json', '--noEmit');
    expect(result.status).toBe(0);
    expect(result.stdout).toBe('-p tsconfig.json --noEmit');
    expect(result.stderr).toBe('mlx-audit: ts-patch 3.3.0 is not the version mlx-audit is tested with (^4.0.1); building with it anyway\n');
  });
});
