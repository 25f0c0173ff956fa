import {
  closeSync,
  constants,
  fchmodSync,
  fstatSync,
  ftruncateSync,
  lstatSync,
  mkdirSync,
  openSync,
  readSync,
  renameSync,
  unlinkSync,
  type BigIntStats,
} from 'node:fs';
import { dirname, resolve } from 'node:path';
import { describeThrown } from '../describe-thrown.js';
import { reportOnce, reportToOperator } from '../internal-report.js';
import type { AuditSink } from './sink.js';
import { LineBuffer, forEachJoin } from './line-buffer.js';
import { writeFully } from './write-fully.js';

export interface FileSinkOptions {
  /** The log file. Its directory is created (mode 0700) if missing. */
  readonly path: string;
  /** Rotate before a write would take the file past this many bytes (default 64 MiB). */
  readonly maxBytes?: number;
  /** Rotated files kept besides the current one: `<path>.1` (newest) to `<path>.<maxFiles>` (default 5). */
  readonly maxFiles?: number;
}

export const DEFAULT_MAX_BYTES = 64 * 1024 * 1024;
export const DEFAULT_MAX_FILES = 5;

// Windows has neither O_NOFOLLOW nor O_DIRECTORY: links are refused by an lstat check instead.
const optionalConstants = constants as Partial<typeof constants>;
const NO_FOLLOW = optionalConstants.O_NOFOLLOW;
const DIRECTORY = optionalConstants.O_DIRECTORY;
// Read as well as append: the last byte of a file opened again says whether it ends in a torn
// line. Non-blocking: opening a FIFO planted at the path must not hang the program.
const OPEN_FLAGS = constants.O_RDWR | constants.O_APPEND | constants.O_CREAT | (NO_FOLLOW ?? 0) | (optionalConstants.O_NONBLOCK ?? 0);
const NEWLINE = 0x0a;
const WRITABLE_BY_OTHERS = 0o022;
const ROOT_UID = 0;

/**
 * JSON lines appended to a file only its owner can read. See the README ("The file sink") for
 * what it refuses and why: in short, nothing that lets someone else choose where the log goes or
 * read it, nothing that is not its own file, and never a torn line followed by another.
 */
export function fileSink(options: FileSinkOptions): AuditSink {
  return new RotatingFile(resolve(options.path), options.maxBytes ?? DEFAULT_MAX_BYTES, options.maxFiles ?? DEFAULT_MAX_FILES);
}

class RotatingFile implements AuditSink {
  readonly name = 'file';
  private fd: number | undefined;
  /** Bytes in the file, every one of them part of a complete line. */
  private size = 0;
  /** Set when this batch found no way to rotate: the file grows past maxBytes rather than lose events. */
  private rotationBlocked = false;
  private readonly pending = new LineBuffer();

  constructor(
    private readonly path: string,
    private readonly maxBytes: number,
    private readonly maxFiles: number,
  ) {}

  write(batch: { readonly lines: readonly string[] }): void {
    this.rotationBlocked = false;
    const { lines } = batch;
    const pending = this.pending;
    try {
      this.openCurrent();
      // Encoded into one buffer, joined a group at a time (see forEachJoin), written once per
      // batch, or once per file when the batch takes the file past its size.
      forEachJoin(lines, (text, bytes, group) => {
        if (this.size + pending.length + bytes <= this.maxBytes) pending.append(text, bytes);
        else this.appendRotating(group);
      });
      this.flush();
    } catch (error) {
      // Opened again, and checked again, on the next batch: a problem that is fixed heals.
      this.abandon();
      throw error;
    } finally {
      pending.clear();
    }
  }

  close(): void {
    if (this.fd === undefined) return;
    const fd = this.fd;
    this.fd = undefined;
    closeSync(fd);
  }

  /** Writes to the file now at the path: one that was renamed (log rotation) or deleted is left for a new one. */
  private openCurrent(): void {
    if (this.fd !== undefined && !this.stillAtPath(this.fd)) this.close();
    if (this.fd === undefined) this.open();
  }

  /** Whether the open file is still the one at the path, whose size (truncated by copytruncate?) it takes again. */
  private stillAtPath(fd: number): boolean {
    const open = fstatSync(fd, { bigint: true });
    const current = lstatIfPresent(this.path);
    if (current?.dev === open.dev && current.ino === open.ino) {
      this.size = Number(open.size);
      return true;
    }
    // Every time: a deleted audit log is news for the operator, and rotation happens rarely.
    reportToOperator(
      open.nlink === 0n
        ? `${this.path} was deleted; the file sink writes to a new ${this.path}`
        : `${this.path} was renamed or replaced by another program (log rotation?); the file sink writes to a new ${this.path}`,
    );
    return false;
  }

  private open(): void {
    const directory = dirname(this.path);
    const directoryFd = openDirectory(directory);
    try {
      if (NO_FOLLOW === undefined) refuseSymlink(this.path);
      const fd = openRefusingLinks(this.path);
      try {
        const stats = fstatSync(fd, { bigint: true });
        if (!stats.isFile()) throw new Error(`${this.path} is not a regular file`);
        if (!ownedByThisUser(stats)) throw new Error(`${this.path} belongs to another user`);
        // Another name for the same file (a hard link to someone's file): appending and fchmod
        // would change that file.
        if (stats.nlink > 1n) throw new Error(`refusing ${this.path}: it has ${stats.nlink} hard links, so it is also another file`);
        if (directoryFd !== undefined) refuseMovedDirectory(directory, directoryFd);
        fchmodSync(fd, 0o600);
        this.size = Number(stats.size);
        if (this.size > 0 && lastByte(fd, this.size) !== NEWLINE) this.endTornLine(fd);
        this.fd = fd;
      } catch (error) {
        closeSync(fd);
        throw error;
      }
    } finally {
      if (directoryFd !== undefined) closeSync(directoryFd);
    }
  }

  /**
   * A file that ends in the middle of a line (cut short by a crash, or by a failed write whose
   * truncation failed too): a newline keeps that fragment on a line of its own, where a reader
   * skips one unparsable line, instead of joining it to the next event.
   */
  private endTornLine(fd: number): void {
    writeFully(fd, Buffer.from('\n'));
    this.size += 1;
    reportToOperator(`${this.path} ended in a partial line; the file sink started a new line after it`);
  }

  /** Line by line, rotating before a line that would take the file past its size. */
  private appendRotating(lines: readonly string[]): void {
    const pending = this.pending;
    for (const line of lines) {
      const bytes = Buffer.byteLength(line, 'utf8');
      if (!this.rotationBlocked && this.size + pending.length > 0 && this.size + pending.length + bytes > this.maxBytes) {
        this.flush();
        this.rotate();
      }
      pending.append(line, bytes);
    }
  }

  /** Writes what is pending; a write that fails (a full disk) is cut back off the file whole. */
  private flush(): void {
    const pending = this.pending;
    if (pending.length === 0 || this.fd === undefined) return;
    try {
      writeFully(this.fd, pending.contents());
    } catch (error) {
      this.cutBackTo(this.fd, this.size);
      throw error;
    }
    this.size += pending.length;
    pending.clear();
  }

  /** Truncates to the end of the last complete line. Should that fail too, `endTornLine` acts when the file is opened again. */
  private cutBackTo(fd: number, size: number): void {
    try {
      ftruncateSync(fd, size);
    } catch (error) {
      reportToOperator(`${this.path}: a failed write could not be cut back off (${describeThrown(error)}); a partial line remains`);
    }
  }

  /** Closes the file after a failure, without letting a second error hide the first. */
  private abandon(): void {
    try {
      this.close();
    } catch {
      // The descriptor is gone either way.
    }
  }

  /**
   * Each usable slot's file moves to the next usable slot (the oldest is overwritten), `<path>`
   * to the first. A slot holding what is not a file of ours is skipped; with no usable slot, or a
   * rename that fails, the file grows past maxBytes rather than lose events.
   */
  private rotate(): void {
    const slots = this.usableSlots();
    if (this.maxFiles > 0 && slots.length === 0) {
      this.rotationBlocked = true;
      reportOnce(`file-rotation:${this.path}`, `${this.path} cannot rotate: no rotation slot is free; the file grows past maxBytes`);
      return;
    }
    this.close();
    try {
      if (slots.length === 0) unlinkSync(this.path);
      else {
        for (let index = slots.length - 1; index >= 1; index--) renameIfPresent(slotAt(slots, index - 1), slotAt(slots, index));
        renameSync(this.path, slotAt(slots, 0));
      }
    } catch (error) {
      this.rotationBlocked = true;
      reportOnce(`file-rotation:${this.path}`, `rotating ${this.path} failed (${describeThrown(error)}); the file grows past maxBytes until a later batch can rotate it`);
    }
    this.open();
  }

  /**
   * `<path>.1` to `<path>.<maxFiles>`, less the slots that hold something other than a file of
   * this user's (a directory, a FIFO, a link, another user's file): never ours to move, overwrite
   * or delete.
   */
  private usableSlots(): string[] {
    const slots: string[] = [];
    for (let index = 1; index <= this.maxFiles; index++) {
      const slot = `${this.path}.${index}`;
      const stats = lstatIfPresent(slot);
      if (stats === undefined || (stats.isFile() && ownedByThisUser(stats))) slots.push(slot);
      else reportOnce(`file-slot:${slot}`, `${slot} is not a file of the file sink's; rotation leaves it alone and uses the next slot`);
    }
    return slots;
  }
}

function slotAt(slots: readonly string[], index: number): string {
  const slot = slots[index];
  if (slot === undefined) throw new RangeError(`no rotation slot ${index}`);
  return slot;
}

/**
 * The log's directory, after creating what is missing of it (0700). Whoever can replace the
 * directory or write into it could choose where events go or swap the file, so it is refused
 * when it is a symbolic link (opened with O_NOFOLLOW), owned by a user other than this one or
 * root, or writable by its group or by others. Returns it open (held while the file is opened,
 * to check it did not move meanwhile), or undefined where directories cannot be opened.
 */
function openDirectory(directory: string): number | undefined {
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
function refuseMovedDirectory(directory: string, directoryFd: number): void {
  const held = fstatSync(directoryFd, { bigint: true });
  const current = lstatIfPresent(directory);
  if (current?.dev !== held.dev || current.ino !== held.ino) throw new Error(`refusing ${directory}: it was replaced while the log was opened`);
}

function ownedByThisUser(stats: BigIntStats): boolean {
  const uid = process.getuid?.();
  return uid === undefined || stats.uid === BigInt(uid);
}

function lastByte(fd: number, size: number): number | undefined {
  const byte = Buffer.alloc(1);
  return readSync(fd, byte, 0, 1, size - 1) === 1 ? byte[0] : undefined;
}

function lstatIfPresent(path: string): BigIntStats | undefined {
  try {
    return lstatSync(path, { bigint: true });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

function openRefusingLinks(path: string): number {
  try {
    return openSync(path, OPEN_FLAGS, 0o600);
  } catch (error) {
    // What O_NOFOLLOW answers for a link: say so rather than "too many symbolic links".
    if ((error as NodeJS.ErrnoException).code === 'ELOOP') throw new Error(`refusing to write through the symbolic link ${path}`, { cause: error });
    throw error;
  }
}

function renameIfPresent(from: string, to: string): void {
  try {
    renameSync(from, to);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
}

/** Where open cannot refuse a link itself: look first (a race remains, documented). */
function refuseSymlink(path: string): void {
  if (lstatIfPresent(path)?.isSymbolicLink() === true) throw new Error(`${path} is a symbolic link`);
}
