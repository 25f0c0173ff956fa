import { closeSync, constants, fchmodSync, fstatSync, lstatSync, mkdirSync, openSync, renameSync, type BigIntStats } from 'node:fs';
import { dirname } from 'node:path';

// Where the file sink may write, and what it refuses: links, directories others can write or
// replace, files that are not its own (README, "The file sink").

// Windows has neither O_NOFOLLOW nor O_DIRECTORY: links are refused by an lstat check instead.
const optionalConstants = constants as Partial<typeof constants>;
const NO_FOLLOW = optionalConstants.O_NOFOLLOW;
const DIRECTORY = optionalConstants.O_DIRECTORY;
// Read as well as append: the last byte of a file opened again says whether it ends in a torn
// line. Non-blocking: opening a FIFO planted at the path must not hang the program.
const OPEN_FLAGS = constants.O_RDWR | constants.O_APPEND | constants.O_CREAT | (NO_FOLLOW ?? 0) | (optionalConstants.O_NONBLOCK ?? 0);
const WRITABLE_BY_OTHERS = 0o022;
const ROOT_UID = 0;

/**
 * The log's directory, after creating what is missing of it (0700). Whoever can replace the
 * directory or write into it could choose where events go or swap the file, so it is refused
 * when it is a symbolic link (opened with O_NOFOLLOW), owned by a user other than this one or
 * root, or writable by its group or by others. Returns it open (held while the file is opened,
 * to check it did not move meanwhile), or undefined where directories cannot be opened.
 */
export function openDirectory(directory: string): number | undefined {
  const created = createMissing(directory);
  if (DIRECTORY === undefined || NO_FOLLOW === undefined) {
    if (lstatSync(directory).isSymbolicLink()) throw new Error(`refusing ${directory}: the directory is a symbolic link`);
    return undefined;
  }
  let fd: number;
  try {
    fd = openSync(directory, constants.O_RDONLY | DIRECTORY | NO_FOLLOW);
  } catch (error) {
    if (lstatIfPresent(directory)?.isSymbolicLink() === true) throw new Error(`refusing ${directory}: the directory is a symbolic link`, { cause: error });
    throw error;
  }
  try {
    const stats = fstatSync(fd, { bigint: true });
    if (!ownedByThisUser(stats) && stats.uid !== BigInt(ROOT_UID)) throw new Error(`refusing ${directory}: it is owned by another user (uid ${stats.uid})`);
    // mkdir's mode passes through the umask.
    if (created) fchmodSync(fd, 0o700);
    else if ((Number(stats.mode) & WRITABLE_BY_OTHERS) !== 0) {
      throw new Error(`refusing ${directory}: it is writable by others (mode ${(Number(stats.mode) & 0o7777).toString(8)}); make it writable by its owner only (chmod go-w)`);
    }
    return fd;
  } catch (error) {
    closeSync(fd);
    throw error;
  }
}

/**
 * Creates the missing directories of the path, one at a time, each 0700. Where something must
 * be created, the first directory that exists may not be a symbolic link, nor may any directory
 * created (someone racing to replace it): whoever can write the parent of a link chooses where
 * the new directories go. Returns whether the last one was created here.
 */
function createMissing(directory: string): boolean {
  const missing: string[] = [];
  let existing = directory;
  let stats = lstatIfPresent(existing);
  while (stats === undefined && dirname(existing) !== existing) {
    missing.unshift(existing);
    existing = dirname(existing);
    stats = lstatIfPresent(existing);
  }
  if (missing.length === 0) return false;
  if (stats?.isSymbolicLink() === true) throw new Error(`refusing to create ${missing[0] ?? directory}: ${existing} is a symbolic link`);
  let created = false;
  for (const component of missing) {
    try {
      mkdirSync(component, { mode: 0o700 });
      created = true;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      created = false;
    }
    if (!lstatSync(component).isDirectory()) throw new Error(`refusing ${component}: it is a symbolic link or not a directory`);
  }
  return created;
}

/** The directory checked through its descriptor must still be the one at its path once the file is open. */
export function refuseMovedDirectory(directory: string, directoryFd: number): void {
  const held = fstatSync(directoryFd, { bigint: true });
  const current = lstatIfPresent(directory);
  if (current?.dev !== held.dev || current.ino !== held.ino) throw new Error(`refusing ${directory}: it was replaced while the log was opened`);
}

export function ownedByThisUser(stats: BigIntStats): boolean {
  const uid = process.getuid?.();
  return uid === undefined || stats.uid === BigInt(uid);
}

export function lstatIfPresent(path: string): BigIntStats | undefined {
  try {
    return lstatSync(path, { bigint: true });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

export function openRefusingLinks(path: string): number {
  try {
    return openSync(path, OPEN_FLAGS, 0o600);
  } catch (error) {
    // What O_NOFOLLOW answers for a link: say so rather than "too many symbolic links".
    if ((error as NodeJS.ErrnoException).code === 'ELOOP') throw new Error(`refusing to write through the symbolic link ${path}`, { cause: error });
    throw error;
  }
}

export function renameIfPresent(from: string, to: string): void {
  try {
    renameSync(from, to);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
}

/** Where open cannot refuse a link itself (no O_NOFOLLOW): look first (a race remains, documented). */
export function refuseSymlinkWhereOpenCannot(path: string): void {
  if (NO_FOLLOW === undefined && lstatIfPresent(path)?.isSymbolicLink() === true) throw new Error(`${path} is a symbolic link`);
}
