import { randomBytes } from 'node:crypto';
import { closeSync, constants, fchmodSync, fstatSync, lstatSync, openSync, readSync, renameSync, unlinkSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { describeThrown } from '../describe-thrown.js';
import { reportOnce, reportToOperator } from '../internal-report.js';
import { writeFully } from '../sinks/write-fully.js';
import { evolveKey, isHex, keyIdOf, sealMac, type SealedRange } from './format.js';

// Seal keys (README, "Tamper evidence"). `createSealKeys` makes two files from one random key K0:
// the initial key, which the verifier needs and which belongs off the host, and the host's state
// file, which holds a key of the current epoch or a later one. Each seal uses the current key,
// then the key moves on one way, K(e+1) = HMAC(K(e), "mlx-audit-evolve-v1"), and the old one is
// zeroed: whoever takes the host later holds no key of an earlier epoch. The state file is
// rewritten atomically (a new file renamed over it), which costs about a millisecond with a
// journal, more than the seal: while a stream goes on it holds the key FILE_LEAD_EPOCHS epochs
// ahead, rewritten when the current epoch reaches it, and when the stream stops (the process
// stops, the sink closes, another key takes over) the key of the current epoch, where the next
// stream goes on from.

const FORMAT = 'mlx-audit-seal-key';
/** How every key file begins (`keyFileText`): the verifier's directory listing leaves such files out. */
export const KEY_FILE_PREFIX = `{"format":"${FORMAT}"`;
const FORMAT_VERSION = 1;
const KEY_BYTES = 32;
const MAX_FILE_BYTES = 4096;
const NO_FOLLOW = (constants as Partial<typeof constants>).O_NOFOLLOW ?? 0;
const CREATE_FLAGS = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | NO_FOLLOW;
const GROUP_OR_OTHERS = 0o077;
const WRITABLE_BY_OTHERS = 0o022;
/**
 * How far ahead of the current epoch `advance` writes the state file's key: the file is rewritten
 * once per that many seals. A later key gives no earlier one, so the file is as safe to hold as
 * the current key; after a crash the next run starts from it, and `verify` accepts the epochs a
 * run that did not stop leaves unused.
 */
export const FILE_LEAD_EPOCHS = 256;

/** A key as a key file holds it: the id of the initial key it comes from, its epoch, the key. */
export interface SealKey {
  readonly keyId: string;
  readonly epoch: number;
  readonly key: Buffer;
}

type Role = 'initial' | 'state';

export interface CreateSealKeysOptions {
  /** Where to write the initial key, for the verifier: move it off the host. */
  readonly initialKeyFile: string;
  /** Where to write the host's state file (`configure({ seal: { keyFile } })`, `MLX_AUDIT_SEAL_KEY_FILE`). */
  readonly stateFile: string;
}

/**
 * Creates a key pair of files, both mode 0600, neither overwriting an existing file: the initial
 * key (epoch 0, for `verifyTrail`) and the host's state file. Returns the key's id, which every
 * seal made with it names.
 */
export function createSealKeys(options: CreateSealKeysOptions): { readonly keyId: string } {
  const initialPath = resolve(options.initialKeyFile);
  const statePath = resolve(options.stateFile);
  if (initialPath === statePath) throw new Error('the initial key and the state file must be two files: the initial key leaves the host');
  const key = randomBytes(KEY_BYTES);
  const keyId = keyIdOf(key);
  try {
    writeNewFile(initialPath, keyFileText('initial', { keyId, epoch: 0, key }));
    try {
      writeNewFile(statePath, keyFileText('state', { keyId, epoch: 0, key }));
    } catch (error) {
      unlinkSync(initialPath);
      throw error;
    }
  } finally {
    key.fill(0);
  }
  return { keyId };
}

/**
 * Reads a key file for verification: the initial key (epoch 0), or a state file (which verifies
 * seals of its epoch and later only). Throws an Error saying what is wrong with it.
 */
export function readSealKeyFile(path: string): SealKey {
  const { role, key } = parseKeyFile(path, readSmallFile(path, false));
  if (role === 'initial' && (key.epoch !== 0 || keyIdOf(key.key) !== key.keyId)) throw new Error(`${path} is not a valid initial key: its id does not match its key`);
  return key;
}

/**
 * The host's key state, one per state file in the process (`loadSealState`), so a file sink made
 * anew by a later `configure()` carries on from the epoch the previous one reached.
 */
export class SealState {
  readonly keyId: string;
  #epoch: number;
  #key: Buffer;
  // The epoch of the key the file holds, as this process last wrote (or read) it.
  #fileEpoch: number;
  // False once the file could not be kept up to date (another process changed it).
  #fileCurrent = true;
  // The file as this process last wrote (or read) it: inode, size and modification time.
  #version: string;
  #handedOver = false;

  constructor(
    readonly path: string,
    key: SealKey,
  ) {
    this.keyId = key.keyId;
    this.#epoch = key.epoch;
    this.#fileEpoch = key.epoch;
    this.#key = Buffer.from(key.key);
    key.key.fill(0);
    this.#version = fileVersion(path);
  }

  get epoch(): number {
    return this.#epoch;
  }

  /** Whether the key went to the file sink's writer thread (`handOver`): this thread can no longer seal with it. */
  get handedOver(): boolean {
    return this.#handedOver;
  }

  /**
   * Gives the key, in a buffer of its own to transfer, to the file sink's writer thread, which
   * seals from now on (`adoptSealState` there): the key is erased here, so that the process holds
   * one copy, the one that evolves.
   */
  handOver(): HandedOverKey {
    this.refuseHandedOver();
    const key = new ArrayBuffer(this.#key.length);
    new Uint8Array(key).set(this.#key);
    this.#key.fill(0);
    this.#handedOver = true;
    return { keyId: this.keyId, epoch: this.#epoch, key };
  }

  /** The MAC of a range under the current epoch's key (the range's epoch must be this one). */
  mac(range: SealedRange): string {
    this.refuseHandedOver();
    if (range.epoch !== this.#epoch) throw new RangeError(`a seal of epoch ${range.epoch} under the key of epoch ${this.#epoch}`);
    return sealMac(this.#key, range);
  }

  private refuseHandedOver(): void {
    if (this.#handedOver) throw new Error(`the key of ${this.path} is held by the file sink's writer thread`);
  }

  /**
   * Moves to the next epoch once a seal is written, and writes its key to the state file: the
   * next key replaces the current one in memory (zeroed) and in the file (rewritten through a new
   * file renamed over it). Should the file stay behind, the operator is told: its key could forge
   * seals from its epoch on.
   */
  evolve(): void {
    this.moveOn();
    this.writeFile(this.#epoch);
  }

  /**
   * Moves to the next epoch once a seal is written, as `evolve`, while the stream goes on: the
   * file is rewritten only when the epoch reaches the key it holds, with the key FILE_LEAD_EPOCHS
   * epochs ahead. It never holds an earlier key than the one in memory.
   */
  advance(): void {
    this.moveOn();
    if (this.#fileEpoch <= this.#epoch) this.writeFile(this.#epoch + FILE_LEAD_EPOCHS);
    else this.checkFile();
  }

  /** The stream stops: the file gets the current epoch's key, where the next stream goes on from. */
  settle(): void {
    if (this.#handedOver) return;
    if (this.#fileEpoch !== this.#epoch) this.writeFile(this.#epoch);
  }

  private moveOn(): void {
    this.refuseHandedOver();
    const next = evolveKey(this.#key);
    this.#key.fill(0);
    this.#key = next;
    this.#epoch++;
  }

  /** Writes the key of `epoch` (the current one or a later one) to the file, replacing it. */
  private writeFile(epoch: number): void {
    if (!this.#fileCurrent) return;
    try {
      if (this.changedByOthers()) return;
      const key = this.keyAhead(epoch - this.#epoch);
      try {
        replaceFile(this.path, keyFileText('state', { keyId: this.keyId, epoch, key }));
      } finally {
        if (key !== this.#key) key.fill(0);
      }
      this.#fileEpoch = epoch;
      this.#version = fileVersion(this.path);
    } catch (error) {
      reportOnce(
        `seal-state:${this.path}`,
        `the seal state file ${this.path} could not be updated (${describeThrown(error)}); the key moves on in memory, but the file still holds ${this.#fileEpoch <= this.#epoch ? 'an older key, from which seals of its epoch on can be forged' : 'the key of a later epoch, from which the next run would seal, leaving out epochs that verify expects'}: fix the file and restart`,
      );
    }
  }

  /** Between rewrites: another process that uses the file is found at the next seal all the same. */
  private checkFile(): void {
    if (!this.#fileCurrent) return;
    try {
      this.changedByOthers();
    } catch (error) {
      reportOnce(`seal-state:${this.path}`, `the seal state file ${this.path} cannot be read (${describeThrown(error)}); the key moves on in memory: fix the file and restart`);
    }
  }

  /** Another process sealing with the same file would interleave epochs: each trail needs its own key pair. */
  private changedByOthers(): boolean {
    if (fileVersion(this.path) === this.#version) return false;
    this.#fileCurrent = false;
    reportToOperator(
      `the seal state file ${this.path} was changed by someone else since this process wrote its epoch ${this.#fileEpoch}: another process may use it, and each file sink needs its own key pair. This process keeps its key in memory only`,
    );
    return true;
  }

  /** The key `epochs` epochs after the current one: the current key itself for 0, otherwise a copy the caller zeroes. */
  private keyAhead(epochs: number): Buffer {
    let key = this.#key;
    for (let index = 0; index < epochs; index++) {
      const next = evolveKey(key);
      if (key !== this.#key) key.fill(0);
      key = next;
    }
    return key;
  }
}

/** Replaces a file atomically: a new file (mode 0600) renamed over it. */
function replaceFile(path: string, text: string): void {
  const temporary = join(dirname(path), `.${basename(path)}.${String(process.pid)}.${randomBytes(6).toString('hex')}.tmp`);
  writeNewFile(temporary, text);
  try {
    renameSync(temporary, path);
  } catch (error) {
    unlinkSync(temporary);
    throw error;
  }
}

/** Which file is at the path, in which state: a rename over it or a write into it changes this. */
function fileVersion(path: string): string {
  const stats = lstatSync(path, { bigint: true });
  return `${String(stats.ino)}:${String(stats.size)}:${String(stats.mtimeNs)}:${String(stats.ctimeNs)}`;
}

const states = new Map<string, SealState>();

/** A key state handed to the file sink's writer thread: the key in a buffer to transfer. */
export interface HandedOverKey {
  readonly keyId: string;
  readonly epoch: number;
  readonly key: ArrayBuffer;
}

/**
 * On the file sink's writer thread: the key state of a state file, as the application's thread
 * handed it over (`handOver`) the first time, then as this thread keeps it. The file itself was
 * read and checked there.
 */
export function adoptSealState(path: string, handed: HandedOverKey | undefined): SealState {
  const known = states.get(path);
  if (known !== undefined) return known;
  if (handed === undefined) throw new Error(`the key of ${path} was not handed to the file sink's writer thread`);
  const state = new SealState(path, { keyId: handed.keyId, epoch: handed.epoch, key: Buffer.from(handed.key) });
  states.set(path, state);
  return state;
}

/**
 * The key state of a state file, read and checked the first time (an Error says what is wrong:
 * unreadable, readable by others, not a state file), then shared within the process.
 */
export function loadSealState(path: string): SealState {
  const absolute = resolve(path);
  const known = states.get(absolute);
  if (known !== undefined) return known;
  refuseOpenDirectory(absolute);
  const { role, key } = parseKeyFile(absolute, readSmallFile(absolute, true));
  if (role !== 'state') {
    key.key.fill(0);
    throw new Error(`${absolute} is the verifier's initial key, not a state file: keep the initial key off this host and give the runtime the state file`);
  }
  const state = new SealState(absolute, key);
  states.set(absolute, state);
  return state;
}

/** Someone who can write the state file's directory could put a key of their own in its place. */
function refuseOpenDirectory(path: string): void {
  const directory = dirname(path);
  const stats = lstatSync(directory);
  if ((stats.mode & WRITABLE_BY_OTHERS) !== 0) {
    throw new Error(`refusing the seal state file ${path}: its directory is writable by others (mode ${(stats.mode & 0o7777).toString(8)}); chmod go-w ${directory}`);
  }
}

/** A key file's text, as at most 4 KiB read through one descriptor; `ownOnly` refuses a file others may read or that is not the process user's. */
function readSmallFile(path: string, ownOnly: boolean): string {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | NO_FOLLOW | ((constants as Partial<typeof constants>).O_NONBLOCK ?? 0));
  } catch (error) {
    throw new Error(`cannot read the seal key file ${path}: ${describeThrown(error)}`, { cause: error });
  }
  try {
    const stats = fstatSync(fd);
    if (!stats.isFile()) throw new Error(`${path} is not a regular file`);
    const uid = process.getuid?.();
    if (ownOnly && uid !== undefined && stats.uid !== uid) throw new Error(`refusing the seal key file ${path}: it belongs to another user (uid ${stats.uid})`);
    if (ownOnly && (stats.mode & GROUP_OR_OTHERS) !== 0) {
      throw new Error(`refusing the seal key file ${path}: its group or others may read or write it (mode ${(stats.mode & 0o777).toString(8)}); chmod 600 it`);
    }
    if (stats.size > MAX_FILE_BYTES) throw new Error(`${path} is too large to be a seal key file`);
    const buffer = Buffer.alloc(MAX_FILE_BYTES + 1);
    let length = 0;
    for (let read = -1; read !== 0 && length < buffer.length; length += read) read = readSync(fd, buffer, length, buffer.length - length, null);
    const text = buffer.toString('utf8', 0, length);
    buffer.fill(0);
    return text;
  } finally {
    closeSync(fd);
  }
}

function parseKeyFile(path: string, text: string): { readonly role: Role; readonly key: SealKey } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new Error(`${path} is not a seal key file (not JSON); make one with createSealKeys (mlx-audit keygen)`);
  }
  const { format, version, role, keyId, epoch, key } = (typeof parsed === 'object' && parsed !== null ? parsed : {}) as Readonly<Record<string, unknown>>;
  if (format !== FORMAT || version !== FORMAT_VERSION || (role !== 'initial' && role !== 'state')) {
    throw new Error(`${path} is not a seal key file of this version (format ${FORMAT}, version ${FORMAT_VERSION}); make one with createSealKeys (mlx-audit keygen)`);
  }
  if (!isHex(keyId, 16) || typeof epoch !== 'number' || !Number.isSafeInteger(epoch) || epoch < 0 || !isHex(key, KEY_BYTES * 2)) {
    // The key's value is a secret: never echoed.
    throw new Error(`${path} is a damaged seal key file (its key id, epoch or key is not valid)`);
  }
  return { role, key: { keyId, epoch, key: Buffer.from(key, 'hex') } };
}

function keyFileText(role: Role, key: SealKey): string {
  return `${JSON.stringify({ format: FORMAT, version: FORMAT_VERSION, role, keyId: key.keyId, epoch: key.epoch, key: key.key.toString('hex') })}\n`;
}

/** Writes a file that must not exist yet, mode 0600 whatever the umask. */
function writeNewFile(path: string, text: string): void {
  const fd = openSync(path, CREATE_FLAGS, 0o600);
  try {
    fchmodSync(fd, 0o600);
    writeFully(fd, Buffer.from(text, 'utf8'));
  } catch (error) {
    closeSync(fd);
    unlinkSync(path);
    throw error;
  }
  closeSync(fd);
}
