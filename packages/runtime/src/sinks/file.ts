import { closeSync, fchmodSync, fstatSync, ftruncateSync, readSync, renameSync, unlinkSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { describeThrown } from '../describe-thrown.js';
import { reportOnce, reportToOperator } from '../internal-report.js';
import type { AuditSink } from './sink.js';
import { LineBuffer, forEachJoin } from './line-buffer.js';
import { writeFully } from './write-fully.js';
import { lstatIfPresent, openDirectory, openRefusingLinks, ownedByThisUser, refuseMovedDirectory, refuseSymlinkWhereOpenCannot, renameIfPresent } from './safe-paths.js';

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

const NEWLINE = 0x0a;

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
      refuseSymlinkWhereOpenCannot(this.path);
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

function lastByte(fd: number, size: number): number | undefined {
  const byte = Buffer.alloc(1);
  return readSync(fd, byte, 0, 1, size - 1) === 1 ? byte[0] : undefined;
}
