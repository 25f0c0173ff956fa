import { readFileSync } from 'node:fs';

/** The installed package a file belongs to, read from its path (`…/node_modules/<name>/…`). */
export interface PackageLocation {
  /** `@frost-beta/mlx` */
  readonly name: string;
  /** The package's folder, `…/node_modules/@frost-beta/mlx`. */
  readonly root: string;
}

const NODE_MODULES = '/node_modules/';

/**
 * Finds the package of an installed file. pnpm's layout nests packages
 * (`node_modules/.pnpm/x@1/node_modules/x/…`), so the last `node_modules` segment decides.
 */
export function packageOfFile(fileName: string): PackageLocation | undefined {
  const path = fileName.replaceAll('\\', '/');
  const at = path.lastIndexOf(NODE_MODULES);
  if (at === -1) return undefined;
  const rest = path.slice(at + NODE_MODULES.length).split('/');
  const first = rest[0];
  if (first === undefined || first === '') return undefined;
  const segments = first.startsWith('@') ? 2 : 1;
  if (rest.length <= segments) return undefined;
  const name = rest.slice(0, segments).join('/');
  return { name, root: path.slice(0, at + NODE_MODULES.length) + name };
}

const workspacePackages = new Map<string, string | null>();

/**
 * The name in the nearest package.json above a file that is not installed under `node_modules`:
 * a workspace package linked by path (pnpm, npm and yarn workspaces resolve `@acme/shared` to
 * `packages/shared/…`), which a specifier names by its package name. Undefined when no
 * package.json with a name is found. Answers are kept per folder.
 */
export function workspacePackageOfFile(fileName: string): string | undefined {
  const path = fileName.replaceAll('\\', '/');
  const folders: string[] = [];
  let name: string | null | undefined;
  for (let folder = path.slice(0, path.lastIndexOf('/')); folder !== ''; folder = folder.slice(0, folder.lastIndexOf('/'))) {
    name = workspacePackages.get(folder);
    if (name !== undefined) break;
    folders.push(folder);
    name = packageNameIn(folder);
    if (name !== null) break;
    if (!folder.includes('/')) break;
  }
  for (const folder of folders) workspacePackages.set(folder, name ?? null);
  return name ?? undefined;
}

function packageNameIn(folder: string): string | null {
  try {
    const manifest = JSON.parse(readFileSync(`${folder}/package.json`, 'utf8')) as { name?: unknown };
    return typeof manifest.name === 'string' && manifest.name !== '' ? manifest.name : null;
  } catch {
    return null;
  }
}
