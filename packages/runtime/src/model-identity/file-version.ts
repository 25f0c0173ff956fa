import type { BigIntStats } from 'node:fs';

/**
 * Which file, in which state: device and inode say which file is at the path (a rename or a copy
 * over it gives another inode), size and modification time say whether it was rewritten in place,
 * and the change time catches a rewrite whose modification time was set back (`touch -d`): no
 * process can set it. Read with nanoseconds (a `bigint` stat), so two writes in a second differ.
 */
export interface FileVersion {
  /** `device:inode`. */
  readonly key: string;
  readonly size: number;
  readonly modified: bigint;
  readonly changed: bigint;
}

export function versionOf(stats: BigIntStats): FileVersion {
  return { key: `${stats.dev}:${stats.ino}`, size: Number(stats.size), modified: stats.mtimeNs, changed: stats.ctimeNs };
}

export function sameVersion(a: FileVersion, b: FileVersion): boolean {
  return a.key === b.key && a.size === b.size && a.modified === b.modified && a.changed === b.changed;
}

// Hashes by file version. Bounded: the oldest entry goes when it is full (a Map keeps insertion order).
const MAX_CACHED_FILES = 4096;
const hashes = new Map<string, { readonly version: FileVersion; readonly sha256: string }>();

/** The SHA-256 of a file in this very version, if it was hashed before: a reload of an unchanged file is not read again. */
export function cachedHash(version: FileVersion): string | undefined {
  const cached = hashes.get(version.key);
  return cached !== undefined && sameVersion(cached.version, version) ? cached.sha256 : undefined;
}

export function rememberHash(version: FileVersion, sha256: string): void {
  hashes.delete(version.key);
  if (hashes.size >= MAX_CACHED_FILES) {
    const oldest = hashes.keys().next();
    if (oldest.done !== true) hashes.delete(oldest.value);
  }
  hashes.set(version.key, { version, sha256 });
}
