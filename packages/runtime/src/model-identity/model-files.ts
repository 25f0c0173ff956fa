import { readdirSync, statSync, type BigIntStats } from 'node:fs';
import { join } from 'node:path';
import type { SiteArgumentRole } from '../contract.js';
import { locate } from '../location.js';
import { versionOf, type FileVersion } from './file-version.js';
import { NOT_A_FILE, problemOf } from './hash-file.js';

// The files a model load or save names: each local path argument, and for a directory the files
// under it. Found with `stat` and `readdir` only (cheap, and bounded), when the call is recorded
// or, in enforce mode, before it runs; hashing comes after (hash-file.ts).

/** Files listed (and hashed) per call; past that, `mlx.files` ends with `{type: 'omitted', count}`. */
export const MAX_FILES = 256;
/** Directory entries looked at per call, and how deep: a path to `/` costs a bounded walk. */
const MAX_ENTRIES = 1024;
const MAX_DEPTH = 4;

export interface NamedFile {
  /** The path to open: as given, or joined under the directory given. */
  readonly path: string;
  readonly version: FileVersion | undefined;
  /** Why it cannot be hashed (`ENOENT`, `not a regular file`), when it cannot. */
  readonly problem: string | undefined;
}

export interface NamedFiles {
  /** The first path argument, as `file.path` shows it (before the path policy). */
  readonly shown: string;
  readonly files: readonly NamedFile[];
  /** True for one path argument that is not a directory: `file.hash.sha256` rather than `mlx.files`. */
  readonly single: boolean;
  /** Files past `MAX_FILES`, left out (not hashed). */
  readonly omitted: number;
  /** Path arguments that are no local file (a URL): nothing the runtime can hash. */
  readonly remote: number;
}

/** The files named by a call's path arguments (roles `path` and `path-or-weights`); undefined when it has none. */
export function namedFiles(args: readonly unknown[], roles: readonly SiteArgumentRole[]): NamedFiles | undefined {
  let shown: string | undefined;
  let paths = 0;
  let remote = 0;
  const walk = new Walk();
  for (let index = 0; index < args.length; index++) {
    const role = roles[Math.min(index, roles.length - 1)];
    const value = args[index];
    if ((role !== 'path' && role !== 'path-or-weights') || typeof value !== 'string') continue;
    const location = locate(value);
    shown ??= location.shown;
    paths++;
    if (location.local) walk.add(location.shown, 0);
    else remote++;
  }
  if (shown === undefined) return undefined;
  const single = paths === 1 && walk.files.length === 1 && walk.files[0]?.path === shown;
  return { shown, files: walk.files, single, omitted: walk.omitted, remote };
}

/** A bounded, sorted walk: dot-entries (`.git`, `.cache`) are left out, links to files followed, links to directories not (no cycles). */
class Walk {
  readonly files: NamedFile[] = [];
  omitted = 0;
  #entries = 0;

  add(path: string, depth: number): void {
    let stats: BigIntStats | undefined;
    try {
      stats = statSync(path, { bigint: true, throwIfNoEntry: false });
    } catch (error) {
      this.file(path, undefined, problemOf(error).problem);
      return;
    }
    if (stats === undefined) this.file(path, undefined, 'ENOENT');
    else if (stats.isFile()) this.file(path, versionOf(stats), undefined);
    // Only a directory given as the argument is walked from a link: one found inside is not.
    else if (stats.isDirectory()) this.directory(path, depth);
    else this.file(path, undefined, NOT_A_FILE);
  }

  private file(path: string, version: FileVersion | undefined, problem: string | undefined): void {
    if (this.files.length >= MAX_FILES) this.omitted++;
    else this.files.push({ path, version, problem });
  }

  private directory(path: string, depth: number): void {
    let entries;
    try {
      entries = readdirSync(path, { withFileTypes: true });
    } catch (error) {
      this.file(path, undefined, problemOf(error).problem);
      return;
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      if (++this.#entries > MAX_ENTRIES) return;
      if (entry.name.startsWith('.')) continue;
      const child = join(path, entry.name);
      if (entry.isDirectory()) {
        if (depth + 1 < MAX_DEPTH) this.directory(child, depth + 1);
      } else if (entry.isFile() || (entry.isSymbolicLink() && linksToFile(child))) this.add(child, depth + 1);
    }
  }
}

function linksToFile(path: string): boolean {
  try {
    return statSync(path, { throwIfNoEntry: false })?.isFile() === true;
  } catch {
    return false;
  }
}
