import { isPathModule, SOURCE_EXTENSION } from '../user-entries.js';
import { packageOfFile } from './package-of-file.js';

// Where a file is, the way user entries say it, and the path helpers behind it: shared with the
// transformer (`code.filepath` is a file's path relative to the project root, made the same way).

/** `/`-separated, without a trailing `/`: how every path is compared. */
export function normalisePath(path: string): string {
  return path.replaceAll('\\', '/').replace(/\/+$/, '');
}

/** `path` relative to `root` (a normalised folder) when it lies inside it, else `path` itself, normalised. */
export function relativePath(root: string, path: string): string {
  const normalised = normalisePath(path);
  return normalised.startsWith(`${root}/`) ? normalised.slice(root.length + 1) : normalised;
}

/**
 * The key of an entry's module for a file: the package name for an installed file (an `@types`
 * package names the package it types), else the path relative to the project root without extension.
 */
export function moduleKeyOfFile(fileName: string, projectRoot: string): string {
  const location = packageOfFile(fileName);
  if (location !== undefined) return location.name.replace(/^@types\/(?:([^_]+)__)?/, (_, scope?: string) => (scope === undefined ? '' : `@${scope}/`));
  return stripExtension(relativePath(projectRoot, fileName));
}

/** The same key for what a user wrote: a path starts with `.` or `/`, or ends with a source extension; anything else is a package. */
export function moduleKeyOfSpecifier(module: string, projectRoot: string): string {
  return isPathModule(module) ? stripExtension(relativePath(projectRoot, joinPath(projectRoot, module))) : module;
}

function joinPath(root: string, relative: string): string {
  if (relative.startsWith('/')) return normalisePath(relative);
  const parts = root.split('/');
  for (const part of relative.replaceAll('\\', '/').split('/')) {
    if (part === '..') parts.pop();
    else if (part !== '.' && part !== '') parts.push(part);
  }
  return parts.join('/');
}

function stripExtension(path: string): string {
  return path.replace(SOURCE_EXTENSION, '');
}
