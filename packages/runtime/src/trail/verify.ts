import { hashedEnd, lineNumberBefore } from './chain.js';
import { evolveKey, HASH_HEX_LENGTH, HASH_PREFIX, isHex, sealMac, sha256Hex, streamSeed, TRAIL_ACTIONS } from './format.js';
import { readLines } from './line-reader.js';
import { PROBLEM_KINDS, type ProblemKind, type TrailProblem } from './problems.js';
import type { SealKey } from './seal-key.js';
import { findTrails } from './trail-files.js';

// Verifies trails line by line, in constant memory (a chunk, and at most one line held back to
// tell a swap from a deletion or an edit from an insertion). A line's hash is found at a fixed
// distance from its end and its number just before it; only the runtime's own records (file
// opened, seal, stopped, closed) are parsed as JSON. What each problem kind means: problems.ts.

export interface VerifyOptions {
  /**
   * Seal keys (`readSealKeyFile`): the initial key of each key pair the trail was sealed with.
   * Without one, seals are checked for their ranges and epochs but not their MACs; with one, a
   * stream without seals is a problem (its seals may have been stripped).
   */
  readonly keys?: readonly SealKey[];
  /**
   * The newest stream may still be being written (a running service): its lines after the last
   * seal and its missing `stopped` record are not problems. Default false.
   */
  readonly live?: boolean;
  /** Problems reported at most; the rest are counted in `problemsOmitted` (default 1000). */
  readonly maxProblems?: number;
}

/** One stream of a trail: a file sink's (its opened records name it) or a process run's (other sinks). */
export interface StreamSummary {
  readonly id: string | undefined;
  readonly kind: 'file' | 'process' | 'unknown';
  readonly firstFile: string;
  readonly lastFile: string;
  /** Its first and last line numbers in the trail. */
  readonly firstLine: number;
  readonly lastLine: number;
  /** Its first file continues it from a file that is gone (rotated away, by retention or by hand). */
  readonly startsMidStream: boolean;
  /** It has its `mlx-audit.stopped` or `mlx-audit.file-closed` record. */
  readonly stopped: boolean;
  readonly keyId: string | undefined;
  readonly seals: number;
  /** Line ranges covered by seals that passed every check available (with a key, their MAC too). */
  readonly sealedRanges: readonly { readonly from: number; readonly to: number }[];
  /** Lines after its last seal (its final seal itself excepted). */
  readonly unsealedLines: number;
  readonly epochs: { readonly first: number; readonly last: number } | undefined;
}

export interface TrailVerification {
  /** No problem of any kind. */
  readonly intact: boolean;
  readonly problems: readonly TrailProblem[];
  readonly problemsOmitted: number;
  /** The files verified, each trail's oldest first. */
  readonly files: readonly string[];
  /** Files of a directory left out (not JSON lines: a key file, a compressed copy). */
  readonly skipped: readonly { readonly file: string; readonly reason: string }[];
  /** Lines read. */
  readonly lines: number;
  readonly streams: readonly StreamSummary[];
  /**
   * `verified`: every seal's MAC was checked under a key given; `unverified`: the trail has seals
   * but no key was given for them; `unsealed`: the trail has no seal.
   */
  readonly sealing: 'verified' | 'unverified' | 'unsealed';
}

/**
 * Verifies the trails in `paths` (files, or directories of a file sink's files with their
 * rotated copies). Never throws for what it reads: an unreadable file is a problem of the result.
 */
export async function verifyTrail(paths: string | readonly string[], options: VerifyOptions = {}): Promise<TrailVerification> {
  const found = await findTrails(typeof paths === 'string' ? [paths] : paths);
  const verifier = new Verifier(options);
  for (const { file, reason } of found.unreadable) verifier.problem('unreadable', { file, line: 0 }, `cannot read ${file}: ${reason}`);
  for (const trail of found.trails) await verifier.verifyTrail(trail.files);
  return verifier.result(found.skipped);
}

interface Location {
  readonly file: string;
  readonly line: number;
}

/**
 * A chained line: its number and stored hash, and where its hashed bytes are (`source[start, end)`:
 * the chunk being read, or a copy of the line's own when it is held back).
 */
interface ChainedLine {
  readonly at: Location;
  readonly number: number;
  readonly stored: string;
  readonly source: Buffer;
  readonly start: number;
  readonly end: number;
  readonly action: string | undefined;
  readonly record: Readonly<Record<string, unknown>> | undefined;
}

/** A line held back until the next one says what happened to it. */
type Held =
  | { readonly kind: 'suspect'; readonly line: ChainedLine; readonly computed: string }
  | { readonly kind: 'ahead'; readonly line: ChainedLine }
  | { readonly kind: 'damaged'; readonly at: Location; readonly json: boolean };

interface Stream {
  id: string | undefined;
  kind: StreamSummary['kind'];
  index: number;
  line: number;
  head: string;
  firstLine: number;
  firstFile: string;
  lastAt: Location;
  startsMidStream: boolean;
  stopped: boolean;
  keyId: string | undefined;
  // A new key named mid-stream: it takes over once a seal of the current key covers the record naming it.
  pendingKey: { readonly keyId: string; readonly epoch: number } | undefined;
  seals: number;
  // The last line a seal covers (known once a seal was seen, or from the stream's start).
  rangeEnd: number;
  rangeKnown: boolean;
  lastWasSeal: boolean;
  // The first line after the last seal record (or the stream's first line, before any seal).
  firstUnsealed: { readonly at: Location; readonly number: number } | undefined;
  nextEpoch: number | undefined;
  // After a stream that did not stop cleanly, a crash may have used up epochs: the first epoch only has a floor.
  epochFloor: number | undefined;
  firstEpoch: number | undefined;
  sealedRanges: { from: number; to: number }[];
  keyReported: boolean;
}

const RUNTIME_ACTION = Buffer.from('"event.action":"mlx-audit.');
// How far into a line its action is looked for (the runtime's records have it within 200 bytes).
const ACTION_WITHIN = 384;
const QUOTE = 0x22;
const PARSED_ACTIONS = new Set<string>([TRAIL_ACTIONS.fileOpened, TRAIL_ACTIONS.seal, TRAIL_ACTIONS.fileClosed, TRAIL_ACTIONS.started, TRAIL_ACTIONS.stopped]);
// Reports of unreadable lines at the top of a file wait until the file shows a chain; at most this many.
const MAX_DEFERRED = 100;

class Verifier {
  readonly #problems: TrailProblem[] = [];
  #omitted = 0;
  readonly #maxProblems: number;
  readonly #live: boolean;
  readonly #keys = new Map<string, SealKey>();
  // The last key derived per key id, so consecutive epochs cost one HMAC each.
  readonly #derived = new Map<string, { epoch: number; key: Buffer }>();
  readonly #files: string[] = [];
  readonly #streams: StreamSummary[] = [];
  #lines = 0;
  #anySeal = false;
  #anyUnverifiedSeal = false;

  // The trail being verified.
  #stream: Stream | undefined;
  #held: Held | undefined;
  // Per key id: the last epoch of the last stream it sealed, and whether that stream stopped cleanly.
  #keyHistory = new Map<string, { lastEpoch: number; clean: boolean }>();
  // The file being read.
  #file = '';
  #fileLine = 0;
  #chainedInFile = 0;
  #deferred: TrailProblem[] = [];
  #deferredOmitted = 0;
  #scratch = Buffer.allocUnsafe(64 * 1024);

  constructor(options: VerifyOptions) {
    this.#maxProblems = options.maxProblems ?? 1000;
    this.#live = options.live ?? false;
    for (const key of options.keys ?? []) this.#keys.set(key.keyId, key);
  }

  async verifyTrail(files: readonly string[]): Promise<void> {
    this.#stream = undefined;
    this.#keyHistory = new Map();
    for (const file of files) {
      this.#file = file;
      this.#fileLine = 0;
      this.#chainedInFile = 0;
      this.#deferred = [];
      this.#deferredOmitted = 0;
      try {
        await readLines(file, (source, start, end, terminated) => {
          this.onLine(source, start, end, terminated);
        });
        this.#files.push(file);
      } catch (error) {
        this.problem('unreadable', { file, line: 0 }, `cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? 'unreadable'}`);
      }
      this.endFile();
    }
    this.endTrail();
  }

  private endTrail(): void {
    const stream = this.#stream;
    if (stream !== undefined) this.endStream(stream, true);
    this.#stream = undefined;
  }

  problem(kind: ProblemKind, at: Location, message: string): void {
    if (this.#problems.length >= this.#maxProblems) this.#omitted++;
    else this.#problems.push({ kind, class: PROBLEM_KINDS[kind], file: at.file, line: at.line, message });
  }

  result(skipped: FoundSkipped): TrailVerification {
    if (this.#files.length === 0 && this.#problems.length === 0) this.problem('empty', { file: '', line: 0 }, 'no trail file to verify');
    else if (this.#lines === 0 && this.#files.length > 0) this.problem('empty', { file: this.#files[0] ?? '', line: 0 }, 'the trail holds no line');
    return {
      intact: this.#problems.length === 0 && this.#omitted === 0,
      problems: this.#problems,
      problemsOmitted: this.#omitted,
      files: this.#files,
      skipped,
      lines: this.#lines,
      streams: this.#streams,
      sealing: !this.#anySeal ? 'unsealed' : this.#anyUnverifiedSeal ? 'unverified' : 'verified',
    };
  }

  // ---- reading -------------------------------------------------------------------------------

  private onLine(source: Buffer, start: number, end: number, terminated: boolean): void {
    this.#fileLine++;
    this.#lines++;
    const at = { file: this.#file, line: this.#fileLine };
    if (!terminated) {
      this.problem('partial-line', at, 'the file ends in the middle of this line (a crash during a write, or a cut)');
      return;
    }
    const hashed = hashedEnd(source, start, end);
    const number = hashed === undefined ? undefined : lineNumberBefore(source, start, hashed)?.number;
    if (hashed === undefined || number === undefined) {
      this.damaged(at, isJsonObject(source, start, end));
      return;
    }
    const storedAt = hashed + HASH_PREFIX.length;
    const action = runtimeAction(source, start, hashed);
    const line: ChainedLine = {
      at,
      number,
      stored: source.toString('latin1', storedAt, storedAt + HASH_HEX_LENGTH),
      source,
      start,
      end: hashed,
      action,
      record: action !== undefined && PARSED_ACTIONS.has(action) ? parseObject(source, start, end) : undefined,
    };
    this.#chainedInFile++;
    if (this.#chainedInFile === 1) this.firstChainedLineOfFile(line);
    this.take(line);
  }

  /** The first chained line of every file opens a stream, or continues one: the file sink begins each file so. */
  private firstChainedLineOfFile(line: ChainedLine): void {
    for (const deferred of this.#deferred) this.problem(deferred.kind, deferred, deferred.message);
    if (this.#deferredOmitted > 0) this.problem('malformed', { file: this.#file, line: 0 }, `${this.#deferredOmitted} more unreadable lines at the top of the file`);
    this.#deferred = [];
    if (!isHead(line)) {
      this.problem('missing-opening', line.at, `${this.#file} does not begin with its ${TRAIL_ACTIONS.fileOpened} record: its first lines were deleted, or the file sink did not write it`);
    }
  }

  private endFile(): void {
    if (this.#chainedInFile === 0 && this.#fileLine > 0 && this.#deferred.length + this.#deferredOmitted > 0) {
      this.problem('no-chain', { file: this.#file, line: 0 }, `no line of ${this.#file} carries a chain (trail.line, event.hash): it was not written by the file sink, or was rewritten without one`);
    } else {
      for (const deferred of this.#deferred) this.problem(deferred.kind, deferred, deferred.message);
    }
    this.#deferred = [];
  }

  /** A line that is not a chained line: not JSON (`json` false), or JSON without a chain. */
  private damaged(at: Location, json: boolean): void {
    if (this.#stream === undefined || this.#chainedInFile === 0) {
      this.defer(json ? 'unchained' : 'malformed', at, json ? 'a JSON line without a chain' : 'not a JSON line');
      return;
    }
    this.resolveHeld(undefined);
    this.#held = { kind: 'damaged', at, json };
  }

  private defer(kind: ProblemKind, at: Location, message: string): void {
    if (this.#deferred.length < MAX_DEFERRED) this.#deferred.push({ kind, class: PROBLEM_KINDS[kind], file: at.file, line: at.line, message });
    else this.#deferredOmitted++;
  }

  // ---- the chain ------------------------------------------------------------------------------

  private take(line: ChainedLine): void {
    if (line.action === TRAIL_ACTIONS.fileOpened && line.record !== undefined) {
      this.opening(line, line.record);
      return;
    }
    const run = line.record?.['mlx_audit.run'];
    if (line.action === TRAIL_ACTIONS.started && line.number === 1 && isHex(run, 32)) {
      this.resolveHeld(undefined);
      this.startStream(run, 'process', 0, { line: 0, head: streamSeed(run) }, false);
      this.next(line);
      return;
    }
    if (this.#stream === undefined) {
      // A trail that does not begin with a stream's head: taken as it is from its first line.
      this.startStream(undefined, 'unknown', 0, { line: line.number - 1, head: '' }, true);
      this.accept(line, line.stored);
      return;
    }
    this.resolveHeld(line);
  }

  /** A line after what is held back, or the end of a stream (`undefined`): says what the held line was. */
  private resolveHeld(next: ChainedLine | undefined): void {
    const held = this.#held;
    this.#held = undefined;
    const stream = this.#stream;
    if (held === undefined || stream === undefined) {
      if (next !== undefined) this.next(next);
      return;
    }
    switch (held.kind) {
      case 'suspect': {
        const suspect = held.line;
        if (next?.number === suspect.number + 1 && this.follows(suspect.stored, next)) {
          this.problem('modified', suspect.at, `line ${suspect.number} was changed: its content does not match its hash`);
          this.accept(suspect, suspect.stored);
          this.accept(next, next.stored);
        } else if (next?.number === suspect.number + 1 && this.follows(held.computed, next)) {
          this.problem('modified', suspect.at, `line ${suspect.number} was changed: its hash is not the one the chain gives`);
          this.accept(suspect, held.computed);
          this.accept(next, next.stored);
        } else if (next?.number === suspect.number && this.follows(stream.head, next)) {
          this.problem('inserted', suspect.at, `a line numbered ${suspect.number} that does not belong to this chain: inserted, or copied from another trail`);
          this.accept(next, next.stored);
        } else if (next === undefined) {
          this.problem('modified', suspect.at, `line ${suspect.number} was changed: it does not follow line ${stream.line}`);
          this.accept(suspect, suspect.stored);
        } else {
          this.problem('chain-break', suspect.at, `line ${suspect.number} does not follow line ${stream.line}: the lines around it were changed or replaced`);
          this.accept(suspect, suspect.stored);
          this.next(next);
        }
        return;
      }
      case 'ahead': {
        const ahead = held.line;
        if (next?.number === stream.line + 1 && this.follows(stream.head, next)) {
          this.accept(next, next.stored);
          if (ahead.number === stream.line + 1 && this.follows(stream.head, ahead)) {
            this.problem('reordered', ahead.at, `line ${ahead.number} comes before line ${next.number}: the two lines were swapped`);
            this.accept(ahead, ahead.stored);
          } else {
            this.problem('inserted', ahead.at, `a line numbered ${ahead.number} that does not belong to this chain: inserted, or copied from another trail`);
          }
          return;
        }
        this.missingBefore(ahead);
        if (next !== undefined) this.next(next);
        return;
      }
      case 'damaged': {
        if (next?.number === stream.line + 2) {
          this.problem('modified', held.at, `line ${stream.line + 1} was changed: it can no longer be read as a chained line`);
          // The damaged line's hash is unknown: the chain goes on from the line after it.
          this.accept(next, next.stored);
        } else {
          this.problem(held.json ? 'unchained' : 'malformed', held.at, held.json ? 'a JSON line without a chain, inside the chain' : 'not a JSON line');
          if (next !== undefined) this.next(next);
        }
        return;
      }
    }
  }

  /** A line whose fate needs no look back: it follows, or is held back to see what the next line says. */
  private next(line: ChainedLine): void {
    const stream = this.#stream;
    if (stream === undefined) return;
    const expected = stream.line + 1;
    if (line.number === expected) {
      const computed = this.hashAfter(stream.head, line);
      if (computed === line.stored) this.accept(line, line.stored);
      else this.#held = { kind: 'suspect', line: copied(line), computed };
    } else if (line.number > expected) {
      this.#held = { kind: 'ahead', line: copied(line) };
    } else {
      this.problem('inserted', line.at, `line number ${line.number} again after line ${stream.line}: a line repeated, moved here, or copied from another trail`);
    }
  }

  /** Lines before `line` are missing; the chain goes on from it, whose own link cannot be checked. */
  private missingBefore(line: ChainedLine): void {
    const stream = this.#stream;
    if (stream === undefined) return;
    const first = stream.line + 1;
    const last = line.number - 1;
    this.problem('missing-lines', line.at, first === last ? `line ${first} is missing before this line` : `lines ${first} to ${last} (${last - first + 1}) are missing before this line`);
    lostTrack(stream);
    this.accept(line, line.stored);
  }

  // ---- streams --------------------------------------------------------------------------------

  private opening(line: ChainedLine, record: Readonly<Record<string, unknown>>): void {
    this.resolveHeld(undefined);
    const id = record['trail.stream'];
    const index = record['trail.file.index'];
    const previousLine = record['trail.previous.line'];
    const previousHash = record['trail.previous.hash'];
    if (!isHex(id, 32) || !isCount(index) || !isCount(previousLine) || !isHex(previousHash, HASH_HEX_LENGTH)) {
      this.problem('malformed', line.at, `a ${TRAIL_ACTIONS.fileOpened} record without a valid stream, index or previous line`);
      return;
    }
    const stream = this.#stream;
    if (stream?.id === id) {
      if (index <= stream.index) {
        this.problem('inserted', line.at, `stream ${id} opened its file #${index} before: this file, or this record, is a copy`);
        return;
      }
      if (index > stream.index + 1) {
        this.problem('missing-file', line.at, `${index - stream.index - 1} file(s) of stream ${id} are missing before this one: it continues from line ${previousLine}, the files before it end at line ${stream.line}`);
        lostTrack(stream);
      } else if (previousLine > stream.line) {
        if (line.at.line === 1) this.problem('truncated-file', stream.lastAt, `${stream.lastAt.file} ends at line ${stream.line}, but ${line.at.file} continues from line ${previousLine}: lines ${stream.line + 1} to ${previousLine} were cut off its end`);
        else this.problem('missing-lines', line.at, `lines ${stream.line + 1} to ${previousLine} are missing before this line`);
        lostTrack(stream);
      } else if (previousLine < stream.line || previousHash !== stream.head) {
        this.problem('chain-break', line.at, `this file continues from line ${previousLine} with another hash than the line the files before it end with (${stream.line}): the end of the previous file was changed`);
        lostTrack(stream);
      }
      stream.index = index;
      stream.line = previousLine;
      stream.head = previousHash;
    } else {
      if (stream !== undefined) this.endStream(stream, false);
      if (index === 0) {
        if (previousLine !== 0 || previousHash !== streamSeed(id)) this.problem('chain-break', line.at, `the first file of stream ${id} does not start from the stream's seed`);
        this.startStream(id, 'file', 0, { line: 0, head: streamSeed(id) }, false);
      } else {
        if (stream !== undefined) {
          this.problem('missing-file', line.at, `this file continues stream ${id} from its file #${index}: the stream's earlier files are missing`);
        }
        this.startStream(id, 'file', index, { line: previousLine, head: previousHash }, stream === undefined);
      }
    }
    this.next(line);
  }

  private startStream(id: string | undefined, kind: StreamSummary['kind'], index: number, from: { line: number; head: string }, startsMidStream: boolean): void {
    this.#stream = {
      id,
      kind,
      index,
      line: from.line,
      head: from.head,
      firstLine: from.line + 1,
      firstFile: this.#file,
      lastAt: { file: this.#file, line: this.#fileLine },
      startsMidStream,
      stopped: false,
      keyId: undefined,
      pendingKey: undefined,
      seals: 0,
      rangeEnd: from.line,
      rangeKnown: !startsMidStream,
      lastWasSeal: false,
      firstUnsealed: undefined,
      nextEpoch: undefined,
      epochFloor: undefined,
      firstEpoch: undefined,
      sealedRanges: [],
      keyReported: false,
    };
  }

  /** A line taken into the chain, with the hash the chain goes on from: what it says is checked now. */
  private accept(line: ChainedLine, head: string): void {
    const stream = this.#stream;
    if (stream === undefined) return;
    const previousHead = stream.head;
    stream.line = line.number;
    stream.head = head;
    stream.lastAt = line.at;
    const wasSeal = stream.lastWasSeal;
    stream.lastWasSeal = false;
    if (line.action === TRAIL_ACTIONS.seal && line.record !== undefined) {
      this.seal(stream, line, line.record, previousHead);
      return;
    }
    if (wasSeal || stream.firstUnsealed === undefined) stream.firstUnsealed = { at: line.at, number: line.number };
    const record = line.record;
    if (record === undefined) return;
    if (line.action === TRAIL_ACTIONS.stopped) stream.stopped = true;
    else if (line.action === TRAIL_ACTIONS.fileClosed && (record['trail.stream'] === stream.id || stream.id === undefined)) {
      // A stream taken up in the middle learns its id from its closing record.
      stream.id ??= isHex(record['trail.stream'], 32) ? record['trail.stream'] : undefined;
      stream.stopped = true;
    }
    else if (line.action === TRAIL_ACTIONS.fileOpened) this.openedSealing(stream, line, record);
  }

  /** An opened record names the key that seals the stream and the epoch of its next seal. */
  private openedSealing(stream: Stream, line: ChainedLine, record: Readonly<Record<string, unknown>>): void {
    const keyId = record['trail.seal.key_id'];
    const epoch = record['trail.seal.epoch'];
    if (!isHex(keyId, 16) || !isCount(epoch)) return;
    if (stream.keyId !== undefined && keyId !== stream.keyId) {
      // The current key must seal this record before the new key counts (see `seal`).
      stream.pendingKey = { keyId, epoch };
      return;
    }
    this.expectKey(stream, keyId);
    if (!this.epochAsExpected(stream, epoch)) {
      this.problem('seal-epoch', line.at, `the file opens at key epoch ${epoch}, not ${describeExpected(stream)}: the stream was resealed with a later key`);
    }
    stream.nextEpoch = epoch;
    stream.epochFloor = undefined;
  }

  /** The stream is sealed by `keyId` from here: its epochs continue from where that key was last seen. */
  private expectKey(stream: Stream, keyId: string): void {
    if (stream.keyId === keyId) return;
    if (stream.keyId !== undefined && stream.nextEpoch !== undefined) this.#keyHistory.set(stream.keyId, { lastEpoch: stream.nextEpoch - 1, clean: true });
    stream.keyId = keyId;
    stream.nextEpoch = undefined;
    stream.epochFloor = undefined;
    const history = this.#keyHistory.get(keyId);
    if (history === undefined) return;
    if (history.clean) stream.nextEpoch = history.lastEpoch + 1;
    else stream.epochFloor = history.lastEpoch;
  }

  private epochAsExpected(stream: Stream, epoch: number): boolean {
    if (stream.nextEpoch !== undefined) return epoch === stream.nextEpoch;
    return stream.epochFloor === undefined || epoch >= stream.epochFloor;
  }

  private seal(stream: Stream, line: ChainedLine, record: Readonly<Record<string, unknown>>, previousHead: string): void {
    const { 'trail.stream': id, 'trail.seal.key_id': keyId, 'trail.seal.epoch': epoch, 'trail.seal.from': from, 'trail.seal.to': to, 'trail.seal.head': head, 'trail.seal.mac': mac } = record;
    stream.lastWasSeal = true;
    this.#anySeal = true;
    if (!isHex(id, 32) || !isHex(keyId, 16) || !isCount(epoch) || !isCount(from) || !isCount(to) || !isHex(head, HASH_HEX_LENGTH) || !isHex(mac, HASH_HEX_LENGTH)) {
      this.problem('seal-invalid', line.at, 'a seal record without a valid stream, key id, epoch, range, head or MAC');
      return;
    }
    stream.seals++;
    let valid = true;
    // A stream's key changes only where an opened record says so (a new run, or a new key mid-run).
    if (stream.keyId === undefined) this.expectKey(stream, keyId);
    const ownKey = keyId === stream.keyId;
    if (!ownKey) {
      valid = false;
      this.problem('seal-invalid', line.at, `the seal was made with key ${keyId}, not with the stream's key ${String(stream.keyId)}`);
    }
    if (id !== stream.id && stream.id !== undefined) {
      valid = false;
      this.problem('seal-invalid', line.at, `the seal names stream ${id}, not this stream (${stream.id}): it was copied from another trail`);
    }
    if ((stream.rangeKnown && from !== stream.rangeEnd + 1) || to !== line.number - 1 || from > to) {
      valid = false;
      this.problem('seal-range', line.at, `the seal covers lines ${from} to ${to}; the lines it must cover are ${stream.rangeKnown ? String(stream.rangeEnd + 1) : 'those'} to ${line.number - 1}`);
    } else if (head !== previousHead) {
      valid = false;
      this.problem('seal-head', line.at, `the seal's chain value is not the one of line ${to}: lines up to it were rewritten`);
    }
    if (!this.epochAsExpected(stream, epoch)) {
      valid = false;
      this.problem(
        'seal-epoch',
        line.at,
        `the seal was made with the key of epoch ${epoch}, not ${describeExpected(stream)}: ${epoch > (stream.nextEpoch ?? stream.epochFloor ?? 0) ? 'a later key, taken from the host, resealed these lines' : 'an old key was used again'}`,
      );
    }
    // A MAC that could not be checked (no key given for it, already said) leaves the seal's structure to go by.
    const checked = ownKey ? this.checkMac(stream, line, { stream: id, epoch, from, to, head }, keyId, mac) : 'invalid';
    if (checked === 'invalid') valid = false;
    stream.firstEpoch ??= epoch;
    stream.nextEpoch = epoch + 1;
    stream.epochFloor = undefined;
    stream.rangeEnd = to;
    stream.rangeKnown = true;
    stream.firstUnsealed = undefined;
    if (valid && checked === 'verified') addRange(stream.sealedRanges, Math.max(from, stream.firstLine), to);
    const pending = stream.pendingKey;
    stream.pendingKey = undefined;
    if (valid && pending !== undefined) {
      this.expectKey(stream, pending.keyId);
      if (!this.epochAsExpected(stream, pending.epoch)) this.problem('seal-epoch', line.at, `the new key starts at epoch ${pending.epoch}, not ${describeExpected(stream)}`);
      stream.nextEpoch = pending.epoch;
      stream.epochFloor = undefined;
    }
  }

  /**
   * Whether the MAC verifies under the epoch's key: `verified` (or, when no key at all was given,
   * taken on its structure), `invalid`, or `unchecked` when the key given cannot check it.
   */
  private checkMac(stream: Stream, line: ChainedLine, range: { stream: string; epoch: number; from: number; to: number; head: string }, keyId: string, mac: string): 'verified' | 'invalid' | 'unchecked' {
    if (this.#keys.size === 0) {
      this.#anyUnverifiedSeal = true;
      return 'verified';
    }
    const key = this.keyOf(keyId, range.epoch);
    if (key === undefined) {
      this.#anyUnverifiedSeal = true;
      if (!stream.keyReported) {
        stream.keyReported = true;
        const given = this.#keys.get(keyId);
        this.problem(
          'seal-key',
          line.at,
          given === undefined ? `the seals of this stream were made with key ${keyId}, which was not given` : `the seal is of epoch ${range.epoch}, before the key given (epoch ${given.epoch}): give the initial key`,
        );
      }
      return 'unchecked';
    }
    if (sealMac(key, range) === mac) return 'verified';
    this.problem('seal-invalid', line.at, `the seal of lines ${range.from} to ${range.to} does not verify under the key of epoch ${range.epoch}`);
    return 'invalid';
  }

  /** The key of an epoch, derived forward from the key given (or the last one derived). */
  private keyOf(keyId: string, epoch: number): Buffer | undefined {
    const given = this.#keys.get(keyId);
    if (given === undefined || epoch < given.epoch) return undefined;
    let derived = this.#derived.get(keyId);
    if (derived === undefined || derived.epoch > epoch) derived = { epoch: given.epoch, key: given.key };
    while (derived.epoch < epoch) derived = { epoch: derived.epoch + 1, key: evolveKey(derived.key) };
    this.#derived.set(keyId, derived);
    return derived.key;
  }

  /** The end of a stream: by the end of the trail (`last`), or by the next stream's start. */
  private endStream(stream: Stream, last: boolean): void {
    this.resolveHeld(undefined);
    const open = last && this.#live;
    // Lines after the last seal record (which itself needs no seal), or all of them before any seal.
    const unsealed = stream.line - stream.rangeEnd - (stream.seals > 0 ? 1 : 0);
    const mustBeSealed = stream.seals > 0 || stream.keyId !== undefined || (this.#keys.size > 0 && stream.kind === 'file');
    if (mustBeSealed && unsealed > 0 && !open) {
      const first = stream.firstUnsealed ?? { at: stream.lastAt, number: stream.line };
      const message =
        stream.seals === 0
          ? `stream ${stream.id ?? '(unknown)'} carries no seal: its lines were written without a seal key, or its seals were stripped`
          : `lines ${first.number} to ${stream.line} come after the stream's last seal: whoever held the host could have rewritten them`;
      this.problem('unsealed', first.at, message);
    }
    if (!stream.stopped && !open) {
      this.problem('not-stopped', stream.lastAt, `stream ${stream.id ?? '(unknown)'} ends at line ${stream.line} without ${TRAIL_ACTIONS.stopped}: the process crashed or was killed, or the trail was cut`);
    }
    if (stream.keyId !== undefined && stream.nextEpoch !== undefined) this.#keyHistory.set(stream.keyId, { lastEpoch: stream.nextEpoch - 1, clean: stream.stopped });
    this.#streams.push({
      id: stream.id,
      kind: stream.kind,
      firstFile: stream.firstFile,
      lastFile: stream.lastAt.file,
      firstLine: stream.firstLine,
      lastLine: stream.line,
      startsMidStream: stream.startsMidStream,
      stopped: stream.stopped,
      keyId: stream.keyId,
      seals: stream.seals,
      sealedRanges: stream.sealedRanges,
      unsealedLines: Math.max(0, unsealed),
      epochs: stream.firstEpoch === undefined || stream.nextEpoch === undefined ? undefined : { first: stream.firstEpoch, last: stream.nextEpoch - 1 },
    });
  }

  // ---- hashing --------------------------------------------------------------------------------

  private follows(previous: string, line: ChainedLine): boolean {
    return this.hashAfter(previous, line) === line.stored;
  }

  /** SHA-256 of the previous hash's 64 characters, then the line's hashed bytes. */
  private hashAfter(previous: string, hashed: ChainedLine): string {
    const needed = HASH_HEX_LENGTH + hashed.end - hashed.start;
    if (needed > this.#scratch.length) this.#scratch = Buffer.allocUnsafe(Math.max(needed, this.#scratch.length * 2));
    const scratch = this.#scratch;
    scratch.write(previous, 0, HASH_HEX_LENGTH, 'latin1');
    hashed.source.copy(scratch, HASH_HEX_LENGTH, hashed.start, hashed.end);
    return sha256Hex(scratch.subarray(0, needed));
  }
}

type FoundSkipped = TrailVerification['skipped'];

/**
 * Lines (and seals among them) are missing: the next seal's range cannot be checked to continue
 * the last one seen, nor its epoch to be exactly the next; only to be no earlier.
 */
function lostTrack(stream: Stream): void {
  stream.rangeKnown = false;
  if (stream.nextEpoch !== undefined) stream.epochFloor = stream.nextEpoch;
  stream.nextEpoch = undefined;
}

function copied(line: ChainedLine): ChainedLine {
  return { ...line, source: Buffer.from(line.source.subarray(line.start, line.end)), start: 0, end: line.end - line.start };
}

function isHead(line: ChainedLine): boolean {
  return line.action === TRAIL_ACTIONS.fileOpened || (line.action === TRAIL_ACTIONS.started && line.number === 1);
}

function describeExpected(stream: Stream): string {
  if (stream.nextEpoch !== undefined) return `epoch ${stream.nextEpoch}, the next one`;
  return `at least epoch ${stream.epochFloor ?? 0}`;
}

function isCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

function addRange(ranges: { from: number; to: number }[], from: number, to: number): void {
  if (to < from) return;
  const last = ranges.at(-1);
  if (last !== undefined && last.to + 1 >= from) last.to = Math.max(last.to, to);
  else ranges.push({ from, to });
}

/**
 * The runtime action a line names (`mlx-audit.…`), read without parsing it; undefined for any
 * other. The runtime writes `event.action` among a record's first fields, so only the start of a
 * line is searched: a record made to hide its action further on is taken for an event (and then
 * neither stops nor seals anything).
 */
function runtimeAction(source: Buffer, start: number, hashed: number): string | undefined {
  const found = source.subarray(start, Math.min(hashed, start + ACTION_WITHIN)).indexOf(RUNTIME_ACTION);
  if (found === -1) return undefined;
  const nameStart = start + found + RUNTIME_ACTION.length - 'mlx-audit.'.length;
  const nameEnd = source.indexOf(QUOTE, nameStart);
  return nameEnd === -1 || nameEnd > hashed ? undefined : source.toString('latin1', nameStart, nameEnd);
}

function parseObject(source: Buffer, start: number, end: number): Readonly<Record<string, unknown>> | undefined {
  try {
    const value: unknown = JSON.parse(source.toString('utf8', start, end));
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

function isJsonObject(source: Buffer, start: number, end: number): boolean {
  return source[start] === 0x7b && parseObject(source, start, end) !== undefined;
}
