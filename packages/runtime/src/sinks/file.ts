import { chmodSync, closeSync, constants, fchmodSync, fstatSync, lstatSync, mkdirSync, openSync, renameSync, unlinkSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
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

// O_NOFOLLOW makes open fail on a symbolic link; Windows has no such flag (see `refuseSymlink`).
const NO_FOLLOW = (constants as Partial<typeof constants>).O_NOFOLLOW;
const OPEN_FLAGS = constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT | (NO_FOLLOW ?? 0);

/**
 * JSON lines appended to a file only its owner can read: created 0600 (and `fchmod`ed, since
 * the creation mode passes through the umask and does not apply to an existing file), never
 * through a symbolic link (someone who can write the directory could otherwise point the log at
 * another file), never a file another user owns. Rotates by size. The file is opened on the
 * first write and reopened after a failure, so a fixed problem heals.
 */
export function fileSink(options: FileSinkOptions): AuditSink {
  return new RotatingFile(resolve(options.path), options.maxBytes ?? DEFAULT_MAX_BYTES, options.maxFiles ?? DEFAULT_MAX_FILES);
}

class RotatingFile implements AuditSink {
  readonly name = 'file';
  private fd: number | undefined;
  private size = 0;
  private readonly pending = new LineBuffer();

  constructor(
    private readonly path: string,
    private readonly maxBytes: number,
    private readonly maxFiles: number,
  ) {}

  write(batch: { readonly lines: readonly string[] }): void {
    this.open();
    const { lines } = batch;
    const pending = this.pending;
    try {
      // Encoded into one buffer, joined a group at a time (see forEachJoin), written once per
      // batch, or once per file when the batch takes the file past its size.
      forEachJoin(lines, (text, bytes, group) => {
        if (this.size + pending.length + bytes <= this.maxBytes) pending.append(text, bytes);
        else this.appendRotating(group);
      });
      this.flush();
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

  private open(): void {
    if (this.fd !== undefined) return;
    const directory = dirname(this.path);
    if (mkdirSync(directory, { recursive: true, mode: 0o700 }) !== undefined) chmodSync(directory, 0o700);
    if (NO_FOLLOW === undefined) refuseSymlink(this.path);
    const fd = openRefusingLinks(this.path);
    try {
      const stats = fstatSync(fd);
      if (!stats.isFile()) throw new Error(`${this.path} is not a regular file`);
      if (process.getuid !== undefined && stats.uid !== process.getuid()) throw new Error(`${this.path} belongs to another user`);
      fchmodSync(fd, 0o600);
      this.size = stats.size;
      this.fd = fd;
    } catch (error) {
      closeSync(fd);
      throw error;
    }
  }

  /** Line by line, rotating before a line that would take the file past its size. */
  private appendRotating(lines: readonly string[]): void {
    const pending = this.pending;
    for (const line of lines) {
      const bytes = Buffer.byteLength(line, 'utf8');
      if (this.size + pending.length > 0 && this.size + pending.length + bytes > this.maxBytes) {
        this.flush();
        this.rotate();
      }
      pending.append(line, bytes);
    }
  }

  /** Writes what is pending. */
  private flush(): void {
    const pending = this.pending;
    if (pending.length === 0 || this.fd === undefined) return;
    writeFully(this.fd, pending.contents());
    this.size += pending.length;
    pending.clear();
  }

  /** `<path>.<n>` becomes `<path>.<n+1>` (the oldest is overwritten), `<path>` becomes `<path>.1`. */
  private rotate(): void {
    this.close();
    for (let index = this.maxFiles - 1; index >= 1; index--) renameIfPresent(`${this.path}.${index}`, `${this.path}.${index + 1}`);
    if (this.maxFiles >= 1) renameIfPresent(this.path, `${this.path}.1`);
    else unlinkSync(this.path);
    this.open();
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
  try {
    if (lstatSync(path).isSymbolicLink()) throw new Error(`${path} is a symbolic link`);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
}
