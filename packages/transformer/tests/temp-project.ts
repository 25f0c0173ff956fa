import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const PACKAGE = fileURLToPath(new URL('..', import.meta.url));

/**
 * A project in a temporary folder, set up as a user's would be: MLX, the runtime and the
 * transformer in its `node_modules` (linked to this workspace's), so `"transform":
 * "@mlx-audit/transformer"` resolves as it does for them. `files` are paths relative to it.
 */
export function tempProject(files: Readonly<Record<string, string>>): { readonly directory: string; remove(): void } {
  const directory = mkdtempSync(join(tmpdir(), 'mlxa-project-'));
  for (const [name, target] of [
    ['@frost-beta/mlx', realpathSync(join(PACKAGE, 'node_modules', '@frost-beta', 'mlx'))],
    ['@types/node', realpathSync(join(PACKAGE, 'node_modules', '@types', 'node'))],
    ['@mlx-audit/runtime', realpathSync(join(PACKAGE, 'node_modules', '@mlx-audit', 'runtime'))],
    ['@mlx-audit/transformer', PACKAGE],
  ] as const) {
    mkdirSync(dirname(join(directory, 'node_modules', name)), { recursive: true });
    symlinkSync(target, join(directory, 'node_modules', name), 'dir');
  }
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(dirname(join(directory, name)), { recursive: true });
    writeFileSync(join(directory, name), text);
  }
  return {
    directory,
    remove: () => {
      rmSync(directory, { recursive: true, force: true });
    },
  };
}

/** A tsconfig for a project of {@link tempProject}: ESM, MLX's own settings (see test-fixtures), `plugin` as the transformer's entry if given. */
export function tsconfig(outDir: string, plugin?: Readonly<Record<string, unknown>>): string {
  return JSON.stringify({
    compilerOptions: {
      target: 'es2022',
      module: 'nodenext',
      moduleResolution: 'nodenext',
      // MLX ships .ts sources that use `require` and fail strict checks (see test-fixtures).
      types: ['node'],
      strict: false,
      skipLibCheck: true,
      rootDir: 'src',
      outDir,
      ...(plugin === undefined ? {} : { plugins: [{ transform: '@mlx-audit/transformer', ...plugin }] }),
    },
    include: ['src'],
  });
}
