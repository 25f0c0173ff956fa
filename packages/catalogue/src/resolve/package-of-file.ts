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
