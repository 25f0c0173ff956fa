import { createHash, type Hash } from 'node:crypto';
import { close, closeSync, constants, fstatSync, open, openSync, read, readSync } from 'node:fs';
import { rememberHash, sameVersion, versionOf, type FileVersion } from './file-version.js';

// A file's SHA-256, read in chunks through one descriptor: never the whole file in memory. The
// version is taken from the open descriptor (what is hashed is that file, whatever the path names
// meanwhile) and checked again at the end, so a file rewritten while it is read is said to be, not
// given a hash that matches no version of it.

const CHUNK_BYTES = 1 << 20;
// A FIFO put where the model was does not hang the open; it is then refused as not a regular file.
const OPEN_FLAGS = constants.O_RDONLY | constants.O_NONBLOCK;

export interface HashedFile {
  readonly sha256: string;
  readonly size: number;
  readonly version: FileVersion;
}

/** Why a file has no hash: an error code (`ENOENT`, `EACCES`) or one of the fixed reasons below. */
export interface HashProblem {
  readonly problem: string;
}

export type HashOutcome = HashedFile | HashProblem;

export const NOT_A_FILE = 'not a regular file';
export const CHANGED_SINCE_CALL = 'replaced or rewritten after the call';
export const CHANGED_WHILE_HASHED = 'rewritten while it was hashed';

export function isHashed(outcome: HashOutcome): outcome is HashedFile {
  return 'sha256' in outcome;
}

/** An fs error as a problem: its code, never its message (which holds the path). */
export function problemOf(error: unknown): HashProblem {
  const code = typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
  return { problem: typeof code === 'string' ? code : 'unreadable' };
}

/**
 * The file at `path`, hashed now, synchronously (enforce mode, and what is left at exit). With
 * `expected`, a file that is no longer that version is not hashed. The hash is remembered for its
 * version (file-version.ts).
 */
export function hashFileSync(path: string, expected: FileVersion | undefined): HashOutcome {
  let descriptor: number;
  try {
    descriptor = openSync(path, OPEN_FLAGS);
  } catch (error) {
    return problemOf(error);
  }
  try {
    const version = openedVersion(descriptor, expected);
    if (!('key' in version)) return version;
    const hash = createHash('sha256');
    return concluded(descriptor, version, hash, readRest(descriptor, hash, 0));
  } catch (error) {
    return problemOf(error);
  } finally {
    closeQuietly(descriptor);
  }
}

/** The version of an open file, or why it is not to be hashed. */
function openedVersion(descriptor: number, expected: FileVersion | undefined): FileVersion | HashProblem {
  const stats = fstatSync(descriptor, { bigint: true });
  if (!stats.isFile()) return { problem: NOT_A_FILE };
  const version = versionOf(stats);
  return expected === undefined || sameVersion(expected, version) ? version : { problem: CHANGED_SINCE_CALL };
}

/** Reads from `position` to the end into `hash`, synchronously; the position reached. */
function readRest(descriptor: number, hash: Hash, position: number): number {
  const buffer = Buffer.allocUnsafe(CHUNK_BYTES);
  for (;;) {
    const count = readSync(descriptor, buffer, 0, CHUNK_BYTES, position);
    if (count === 0) return position;
    hash.update(buffer.subarray(0, count));
    position += count;
  }
}

/** The hash, if the file is still the version it was when opened and every byte of it was read. */
function concluded(descriptor: number, version: FileVersion, hash: Hash, bytesRead: number): HashOutcome {
  const after = versionOf(fstatSync(descriptor, { bigint: true }));
  if (!sameVersion(version, after) || bytesRead !== version.size) return { problem: CHANGED_WHILE_HASHED };
  const sha256 = hash.digest('hex');
  rememberHash(version, sha256);
  return { sha256, size: version.size, version };
}

function closeQuietly(descriptor: number): void {
  try {
    closeSync(descriptor);
  } catch {
    // Already closed, or never valid: nothing to release.
  }
}

/**
 * One file hashed in the background, one chunk per read, off the event loop's thread. At exit,
 * `finishNow` reads what is left synchronously, on the same descriptor; a read still in flight
 * then finds the hash settled and only closes the descriptor.
 */
export class BackgroundHash {
  #descriptor: number | undefined;
  #version: FileVersion | undefined;
  readonly #hash = createHash('sha256');
  // Made at the first read, in the background: nothing of the hash is allocated on the load's path.
  #buffer: Buffer | undefined;
  #position = 0;
  /** An open or a read is in flight: its callback, not `settle`, closes the descriptor. */
  #busy = false;
  #settled = false;

  constructor(
    readonly path: string,
    /** The version the call saw; a file that is another version by the time it is opened is not hashed. */
    private readonly expected: FileVersion | undefined,
    private readonly done: (outcome: HashOutcome) => void,
  ) {}

  /** Bytes still to read, as far as known. */
  get remaining(): number {
    return (this.#version?.size ?? this.expected?.size ?? 0) - this.#position;
  }

  start(): void {
    this.#busy = true;
    open(this.path, OPEN_FLAGS, (error, descriptor) => {
      this.#busy = false;
      if (this.#settled) {
        if (error === null) close(descriptor, () => undefined);
        return;
      }
      if (error !== null) {
        this.settle(problemOf(error));
        return;
      }
      this.#descriptor = descriptor;
      this.guard(() => {
        const version = openedVersion(descriptor, this.expected);
        if (!('key' in version)) this.settle(version);
        else {
          this.#version = version;
          this.readNext();
        }
      });
    });
  }

  /** Hashes what is left now, synchronously. */
  finishNow(): void {
    if (this.#settled) return;
    const descriptor = this.#descriptor;
    const version = this.#version;
    // Not open yet: the whole file, through a descriptor of its own.
    if (descriptor === undefined || version === undefined) {
      this.settle(hashFileSync(this.path, this.expected));
      return;
    }
    this.guard(() => {
      this.settle(concluded(descriptor, version, this.#hash, readRest(descriptor, this.#hash, this.#position)));
    });
  }

  /** Gives up (at exit, past the time the runtime may take), with a reason. */
  abandon(problem: string): void {
    if (!this.#settled) this.settle({ problem });
  }

  private readNext(): void {
    const descriptor = this.#descriptor;
    const version = this.#version;
    if (descriptor === undefined || version === undefined) return;
    this.#busy = true;
    const buffer = (this.#buffer ??= Buffer.allocUnsafe(CHUNK_BYTES));
    read(descriptor, buffer, 0, CHUNK_BYTES, this.#position, (error, count) => {
      this.#busy = false;
      if (this.#settled) {
        close(descriptor, () => undefined);
        return;
      }
      if (error !== null) {
        this.settle(problemOf(error));
        return;
      }
      if (count === 0) {
        this.guard(() => {
          this.settle(concluded(descriptor, version, this.#hash, this.#position));
        });
        return;
      }
      this.#hash.update(buffer.subarray(0, count));
      this.#position += count;
      this.readNext();
    });
  }

  /** Runs a synchronous step; an fs error settles the hash rather than escape into a callback. */
  private guard(step: () => void): void {
    try {
      step();
    } catch (error) {
      this.settle(problemOf(error));
    }
  }

  private settle(outcome: HashOutcome): void {
    if (this.#settled) return;
    this.#settled = true;
    if (!this.#busy && this.#descriptor !== undefined) closeQuietly(this.#descriptor);
    this.done(outcome);
  }
}
