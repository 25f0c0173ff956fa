import { closeSync, fchmodSync, fstatSync, ftruncateSync, readSync, renameSync, unlinkSync } from 'node:fs';
import { dirname } from 'node:path';
import { describeThrown } from '../describe-thrown.js';
import { reportOnce, reportToOperator } from '../internal-report.js';
import { TRAIL_CONTROL, type TrailControl, type TrailedSink } from '../trail/control.js';
import { FileTrail, type Sealing } from '../trail/file-trail.js';
import { canonicalLines } from '../trail/process-chain.js';
import type { OpenReason, SealReason } from '../trail/records.js';
import type { AuditSink } from './sink.js';
import { LineBuffer, forEachJoin } from './line-buffer.js';
import { writeFully } from './write-fully.js';
import { lstatIfPresent, openDirectory, openRefusingLinks, ownedByThisUser, refuseMovedDirectory, refuseSymlinkWhereOpenCannot, renameIfPresent } from './safe-paths.js';

const NEWLINE = 0x0a;
// What the chain adds to an object line at most (`,"trail.line":<16 digits>,"event.hash":"<64>"}`):
// counted before a line is appended, so a file rotates before the chained line would pass maxBytes.
const CHAIN_BYTES = 112;

/**
 * JSON lines appended to a file only its owner can read. See the README ("The file sink") for
 * what it refuses and why: in short, nothing that lets someone else choose where the log goes or
 * read it, nothing that is not its own file, and never a torn line followed by another. Every
 * line is chained, and sealed when a seal key is configured (README, "Tamper evidence").
 *
 * It runs where it is made: on the file sink's writer thread (writer-thread/), or, where that
 * thread cannot run, on the application's (sinks/file.ts).
 */
export class RotatingFile implements AuditSink, TrailedSink {
  readonly name = 'file';
  private fd: number | undefined;
  /** Bytes in the file, every one of them part of a complete line. */
  private size = 0;
  /** Set when this batch found no way to rotate: the file grows past maxBytes rather than lose events. */
  private rotationBlocked = false;
  private readonly pending = new LineBuffer();
  // A group of lines encoded once, which the trail then chains line by line into `pending`.
  private readonly staged = new LineBuffer();
  private readonly trail = new FileTrail();
  // Why the next file is opened, and where the one before it went (its opened record says so).
  private openReason: OpenReason = 'start';
  private previousFile: string | undefined;

  readonly [TRAIL_CONTROL]: TrailControl = {
    setSealing: (sealing) => {
      this.setSealing(sealing);
    },
    finish: () => {
      this.finish();
    },
  };

  constructor(
    private readonly path: string,
    private readonly maxBytes: number,
    private readonly maxFiles: number,
  ) {}

  write(batch: { readonly lines: readonly string[] }): void {
    const lines = canonicalLines(batch);
    this.writeWith(() => {
      // Encoded a group at a time (see forEachJoin), chained line by line.
      forEachJoin(lines, (text, bytes) => {
        this.staged.clear();
        this.staged.append(text, bytes);
        this.appendChained(this.staged.contents());
      });
    });
  }

  /** A batch's lines already encoded, one after another, each ending in a newline (what the writer thread receives). */
  writeEncoded(source: Buffer): void {
    this.writeWith(() => {
      this.appendChained(source);
    });
  }

  /**
   * One batch: what `append` chains is written once, or once per file when the batch takes the
   * file past its size, or per seal.
   */
  private writeWith(append: () => void): void {
    this.rotationBlocked = false;
    try {
      this.openCurrent();
      append();
      this.flush();
      if (this.trail.finished) this.seal('exit');
    } catch (error) {
      // What was not written is not in the chain; opened again, and checked again, on the next
      // batch: a problem that is fixed heals.
      this.trail.rollback();
      this.abandon();
      throw error;
    } finally {
      this.pending.clear();
      this.staged.clear();
    }
  }

  /** The stream ends here, meant: a last record and a last seal say so, then the file is closed. */
  close(): void {
    if (this.fd === undefined) return;
    try {
      this.trail.appendClosed(this.pending);
      this.flush();
      this.seal('close');
    } catch (error) {
      this.trail.rollback();
      throw error;
    } finally {
      this.pending.clear();
      // The stream ended (its closed record may be on disk even if its last seal is not): what
      // this key seals next goes on from its current epoch.
      this.trail.settleKey();
      this.closeFile();
    }
  }

  private closeFile(): void {
    if (this.fd === undefined) return;
    const fd = this.fd;
    this.fd = undefined;
    closeSync(fd);
  }

  /** Chains the lines of `source` (encoded lines) into what is pending, rotating and sealing on the way. */
  private appendChained(source: Buffer): void {
    const { pending } = this;
    for (let start = 0; start < source.length; ) {
      const newline = source.indexOf(NEWLINE, start);
      const end = newline === -1 ? source.length : newline + 1;
      if (!this.rotationBlocked && this.size + pending.length > 0 && this.size + pending.length + end - start + CHAIN_BYTES > this.maxBytes) {
        this.flush();
        this.rotate();
      }
      this.trail.appendLine(source, start, end, pending);
      if (this.trail.sealDue()) this.seal('interval');
      start = end;
    }
  }

  /**
   * Seals what no seal covers yet. A seal by interval is written with the rest of the batch;
   * the others (rotation, exit, close) at once. Its key moves on once it is on disk (the trail's
   * `commit`, after a write), so a seal still waiting is written before the next is made.
   */
  private seal(reason: SealReason): void {
    if (this.fd === undefined || !this.trail.hasUnsealedLines()) return;
    if (this.trail.sealUnwritten) this.flush();
    this.trail.appendSeal(this.pending, reason);
    if (reason !== 'interval') this.flush();
  }

  private setSealing(sealing: Sealing | undefined): void {
    const current = this.trail.sealing;
    if (current?.state === sealing?.state) {
      this.trail.sealing = sealing;
      return;
    }
    // A record names the next key, and the previous key seals it with the lines before it: only
    // the holder of the previous key can hand the trail over to another.
    if (this.fd !== undefined && sealing !== undefined) {
      this.appendNow(() => {
        this.trail.appendOpened(this.pending, 'rekeyed', this.path, this.path, sealing);
      });
    }
    this.sealNow('close');
    // What the previous key seals next (a later configuration, the next run) goes on from here.
    this.trail.settleKey();
    this.trail.sealing = sealing;
  }

  private finish(): void {
    this.sealNow('exit');
    this.trail.settleKey();
    this.trail.finish();
  }

  /** A seal outside a batch (reconfiguration, exit): a failure is reported, never thrown. */
  private sealNow(reason: SealReason): void {
    this.appendNow(() => {
      this.seal(reason);
    });
  }

  /** Writes what `append` adds, outside a batch: a failure is reported, never thrown. */
  private appendNow(append: () => void): void {
    try {
      append();
      this.flush();
    } catch (error) {
      this.trail.rollback();
      this.abandon();
      reportToOperator(`writing the trail's own record to ${this.path} failed (${describeThrown(error)}); its last lines are not sealed`);
    } finally {
      this.pending.clear();
    }
  }

  /** Writes to the file now at the path: one that was renamed (log rotation) or deleted is left for a new one. */
  private openCurrent(): void {
    if (this.fd !== undefined && !this.stillAtPath(this.fd)) this.closeFile();
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
    this.openReason = open.nlink === 0n ? 'deleted' : 'moved';
    this.previousFile = this.path;
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
        // The file's first line of this stream: where the file continues the stream from.
        this.trail.appendOpened(this.pending, this.openReason, this.path, this.previousFile);
        this.openReason = 'reopen';
        this.previousFile = this.path;
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
    this.trail.commit();
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
      this.closeFile();
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
    // The file leaves whole sealed: its last seal is its last line.
    this.seal('rotation');
    this.closeFile();
    try {
      if (slots.length === 0) unlinkSync(this.path);
      else {
        for (let index = slots.length - 1; index >= 1; index--) renameIfPresent(slotAt(slots, index - 1), slotAt(slots, index));
        renameSync(this.path, slotAt(slots, 0));
      }
      this.openReason = 'rotation';
      this.previousFile = slots[0];
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
