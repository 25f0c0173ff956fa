import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { packageOfFile, workspacePackageOfFile } from '../src/index.js';

// Issue #15 (the evaluation corpus): in a pnpm, npm or yarn workspace, `@mlx-audit/runtime` is
// linked by path, so its declarations are not under node_modules and a specifier naming the
// package (`auditEvent` of '@mlx-audit/runtime') did not match them.
const root = mkdtempSync(join(tmpdir(), 'mlxa-workspace-'));
afterAll(() => {
  rmSync(root, { recursive: true, force: true });
});

function write(path: string, text: string): string {
  mkdirSync(join(root, path, '..'), { recursive: true });
  writeFileSync(join(root, path), text);
  return join(root, path);
}

describe('the package of a file', () => {
  it('is read from the path for an installed file', () => {
    expect(packageOfFile('/app/node_modules/.pnpm/x@1/node_modules/@acme/x/dist/index.d.ts')?.name).toBe('@acme/x');
    expect(packageOfFile('/repo/packages/runtime/dist/index.d.ts')).toBeUndefined();
  });

  it('of a workspace package linked by path is the name in its nearest package.json', () => {
    write('packages/runtime/package.json', JSON.stringify({ name: '@mlx-audit/runtime' }));
    const declaration = write('packages/runtime/dist/sinks/index.d.ts', 'export {};');
    expect(workspacePackageOfFile(declaration)).toBe('@mlx-audit/runtime');
    // Asked again, from the cache, and for a sibling file.
    expect(workspacePackageOfFile(write('packages/runtime/dist/index.d.ts', 'export {};'))).toBe('@mlx-audit/runtime');
  });

  it('skips a package.json without a name, and is undefined where none has one', () => {
    write('packages/shared/package.json', JSON.stringify({ name: '@acme/shared' }));
    write('packages/shared/src/package.json', JSON.stringify({ type: 'module' }));
    expect(workspacePackageOfFile(write('packages/shared/src/index.ts', 'export {};'))).toBe('@acme/shared');
    expect(workspacePackageOfFile(write('loose/file.ts', 'export {};'))).toBeUndefined();
  });
});
