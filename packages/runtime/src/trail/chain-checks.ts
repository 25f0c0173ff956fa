import { copied, type ChainedLine } from './chained-line.js';
import { HASH_HEX_LENGTH, isHex, sha256Hex, streamSeed, TRAIL_ACTIONS } from './format.js';
import type { Location, ProblemLog } from './problem-log.js';
import type { RuntimeRecords } from './runtime-records.js';
import { lostTrack } from './stream-state.js';

// The chain, line by line: each line must carry the next number and the hash of the previous hash
// and its own bytes. A line that does not is held back (at most one, copied out of the chunk)
// until the next line tells what happened: a changed line from an inserted one, a swap from a
// deletion, a line damaged in place from one added. Lines taken into the chain go on to the
// runtime records' checks (runtime-records.ts).

/** A line held back until the next one says what happened to it. */
type Held =
  | { readonly kind: 'suspect'; readonly line: ChainedLine; readonly computed: string }
  | { readonly kind: 'ahead'; readonly line: ChainedLine }
  | { readonly kind: 'damaged'; readonly at: Location; readonly json: boolean };

export class ChainChecks {
  readonly #log: ProblemLog;
  readonly #records: RuntimeRecords;
  #held: Held | undefined;
  // Where the previous hash and a line's hashed bytes are put together to be hashed.
  #scratch = Buffer.allocUnsafe(64 * 1024);

  constructor(log: ProblemLog, records: RuntimeRecords) {
    this.#log = log;
    this.#records = records;
  }

  /** A chained line, in the order read. */
  take(line: ChainedLine): void {
    if (line.action === TRAIL_ACTIONS.fileOpened && line.record !== undefined) {
      this.resolveHeld(undefined);
      if (this.#records.opened(line, line.record)) this.next(line);
      return;
    }
    const run = line.record?.['mlx_audit.run'];
    if (line.action === TRAIL_ACTIONS.started && line.number === 1 && isHex(run, 32)) {
      this.resolveHeld(undefined);
      // Another run begins (a service restarted into the same file): the one before ends here, with its checks.
      const previous = this.#records.stream;
      if (previous !== undefined) this.#records.endStream(previous, false);
      this.#records.startStream(run, 'process', 0, { line: 0, head: streamSeed(run) }, false, line.at);
      this.next(line);
      return;
    }
    if (this.#records.stream === undefined) {
      // A trail that does not begin with a stream's head: taken as it is from its first line.
      this.#records.startStream(undefined, 'unknown', 0, { line: line.number - 1, head: '' }, true, line.at);
      this.#records.accept(line, line.stored);
      return;
    }
    this.resolveHeld(line);
  }

  /** A line that is not a chained line (not JSON, or JSON without a chain), inside a stream's chain. */
  damaged(at: Location, json: boolean): void {
    this.resolveHeld(undefined);
    this.#held = { kind: 'damaged', at, json };
  }

  /** The end of a trail: the line held back is resolved, and the last stream ends. */
  endTrail(): void {
    const stream = this.#records.stream;
    if (stream !== undefined) {
      this.resolveHeld(undefined);
      this.#records.endStream(stream, true);
    }
    this.#records.stream = undefined;
  }

  /** A line after what is held back, or the end of a stream (`undefined`): says what the held line was. */
  private resolveHeld(next: ChainedLine | undefined): void {
    const held = this.#held;
    this.#held = undefined;
    const records = this.#records;
    const stream = records.stream;
    if (held === undefined || stream === undefined) {
      if (next !== undefined) this.next(next);
      return;
    }
    switch (held.kind) {
      case 'suspect': {
        const suspect = held.line;
        if (next?.number === suspect.number + 1 && this.follows(suspect.stored, next)) {
          this.#log.report('modified', suspect.at, `line ${suspect.number} was changed: its content does not match its hash`);
          records.accept(suspect, suspect.stored);
          records.accept(next, next.stored);
        } else if (next?.number === suspect.number + 1 && this.follows(held.computed, next)) {
          this.#log.report('modified', suspect.at, `line ${suspect.number} was changed: its hash is not the one the chain gives`);
          records.accept(suspect, held.computed);
          records.accept(next, next.stored);
        } else if (next?.number === suspect.number && this.follows(stream.head, next)) {
          this.#log.report('inserted', suspect.at, `a line numbered ${suspect.number} that does not belong to this chain: inserted, or copied from another trail`);
          records.accept(next, next.stored);
        } else if (next === undefined) {
          this.#log.report('modified', suspect.at, `line ${suspect.number} was changed: it does not follow line ${stream.line}`);
          records.accept(suspect, suspect.stored);
        } else {
          this.#log.report('chain-break', suspect.at, `line ${suspect.number} does not follow line ${stream.line}: the lines around it were changed or replaced`);
          records.accept(suspect, suspect.stored);
          this.next(next);
        }
        return;
      }
      case 'ahead': {
        const ahead = held.line;
        if (next?.number === stream.line + 1 && this.follows(stream.head, next)) {
          records.accept(next, next.stored);
          if (ahead.number === stream.line + 1 && this.follows(stream.head, ahead)) {
            this.#log.report('reordered', ahead.at, `line ${ahead.number} comes before line ${next.number}: the two lines were swapped`);
            records.accept(ahead, ahead.stored);
          } else {
            this.#log.report('inserted', ahead.at, `a line numbered ${ahead.number} that does not belong to this chain: inserted, or copied from another trail`);
          }
          return;
        }
        this.missingBefore(ahead);
        if (next !== undefined) this.next(next);
        return;
      }
      case 'damaged': {
        if (next?.number === stream.line + 2) {
          this.#log.report('modified', held.at, `line ${stream.line + 1} was changed: it can no longer be read as a chained line`);
          // The damaged line's hash is unknown: the chain goes on from the line after it.
          records.accept(next, next.stored);
        } else {
          this.#log.report(held.json ? 'unchained' : 'malformed', held.at, held.json ? 'a JSON line without a chain, inside the chain' : 'not a JSON line');
          if (next !== undefined) this.next(next);
        }
        return;
      }
    }
  }

  /** A line whose fate needs no look back: it follows, or is held back to see what the next line says. */
  private next(line: ChainedLine): void {
    const stream = this.#records.stream;
    if (stream === undefined) return;
    const expected = stream.line + 1;
    if (line.number === expected) {
      const computed = this.hashAfter(stream.head, line);
      if (computed === line.stored) this.#records.accept(line, line.stored);
      else this.#held = { kind: 'suspect', line: copied(line), computed };
    } else if (line.number > expected) {
      this.#held = { kind: 'ahead', line: copied(line) };
    } else {
      this.#log.report('inserted', line.at, `line number ${line.number} again after line ${stream.line}: a line repeated, moved here, or copied from another trail`);
    }
  }

  /** Lines before `line` are missing; the chain goes on from it, whose own link cannot be checked. */
  private missingBefore(line: ChainedLine): void {
    const stream = this.#records.stream;
    if (stream === undefined) return;
    const first = stream.line + 1;
    const last = line.number - 1;
    this.#log.report('missing-lines', line.at, first === last ? `line ${first} is missing before this line` : `lines ${first} to ${last} (${last - first + 1}) are missing before this line`);
    lostTrack(stream);
    this.#records.accept(line, line.stored);
  }

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
