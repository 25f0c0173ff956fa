import type { LineBuffer } from '../sinks/line-buffer.js';
import { LineChainer, type ChainPosition } from './chain.js';
import { newStreamId, streamSeed } from './format.js';
import { RUN_ID } from './process-chain.js';
import { fileClosedLine, fileOpenedLine, sealLine, type OpenReason, type Seal, type SealReason } from './records.js';
import type { SealState } from './seal-key.js';

// The file sink's trail: one stream per sink, chained over every line the sink writes, its own
// records included. The sink appends to a buffer and writes it; the trail advances as lines are
// appended and is committed once they are on disk, or rolled back to what is on disk when the
// write fails (the sink cuts a failed write back off the file).

/** A file sink's sealing: the host's key state and how many lines a seal covers at most. */
export interface Sealing {
  readonly state: SealState;
  readonly everyLines: number;
}

export class FileTrail {
  readonly stream = newStreamId();
  readonly #chain: LineChainer;
  #committed: ChainPosition;
  #openings = 0;
  #committedOpenings = 0;
  #sealing: Sealing | undefined;
  // The last line a seal covers, and the line of that seal itself (which the next seal covers): as
  // appended, and as on disk.
  #sealedThrough = 0;
  #lastSealLine = 0;
  #committedSeals = { sealedThrough: 0, lastSealLine: 0 };
  // A seal appended but not on disk yet, and the key state that made it: the key moves on once
  // the seal is written (`commit`), and a seal lost to a failed write is made again, over more
  // lines, with the same key.
  #unwrittenSeal: { readonly seal: Seal; readonly state: SealState } | undefined;
  #finished = false;

  constructor() {
    this.#committed = { line: 0, head: streamSeed(this.stream) };
    this.#chain = new LineChainer(this.#committed);
  }

  get sealing(): Sealing | undefined {
    return this.#sealing;
  }

  set sealing(sealing: Sealing | undefined) {
    this.#sealing = sealing;
  }

  /** Set once the process stops: from then on every batch ends with a seal (events of exit listeners). */
  get finished(): boolean {
    return this.#finished;
  }

  finish(): void {
    this.#finished = true;
  }

  /** Where the stream stands on disk. */
  get position(): ChainPosition {
    return this.#committed;
  }

  /**
   * The first record of every file the sink opens: the stream, and where the file continues it
   * from. It names the key that seals what follows (`declared`, by default the current one).
   */
  appendOpened(target: LineBuffer, reason: OpenReason, path: string, previousFile: string | undefined, declared: Sealing | undefined = this.#sealing): void {
    const sealing = declared;
    this.#chain.appendText(
      fileOpenedLine({
        stream: this.stream,
        run: RUN_ID,
        index: this.#openings,
        reason,
        path,
        previousFile,
        previous: this.#chain.position,
        seal: sealing === undefined ? undefined : { keyId: sealing.state.keyId, epoch: sealing.state.epoch },
      }),
      target,
    );
    this.#openings++;
  }

  /** One line of a batch (`source[start, end)`, newline included), chained; returns the bytes appended. */
  appendLine(source: Buffer, start: number, end: number, target: LineBuffer): number {
    return this.#chain.appendLine(source, start, end, target);
  }

  appendClosed(target: LineBuffer): void {
    this.#chain.appendText(fileClosedLine(this.stream), target);
  }

  /** Whether a seal is due by its interval. */
  sealDue(): boolean {
    return this.#sealing !== undefined && this.#chain.line - this.#sealedThrough >= this.#sealing.everyLines;
  }

  /** Whether lines that no seal covers were written (a seal itself needs none). */
  hasUnsealedLines(): boolean {
    const line = this.#chain.line;
    return this.#sealing !== undefined && line > this.#sealedThrough && line !== this.#lastSealLine;
  }

  /** Whether a seal waits to be written: the next seal needs the key it moves on to, so the sink writes first. */
  get sealUnwritten(): boolean {
    return this.#unwrittenSeal !== undefined;
  }

  /**
   * Appends a seal of every line since the last one, under the current epoch's key. The key
   * moves on once the seal is on disk (`commit`), not before: a seal lost to a failed write is
   * made again, over more lines, with the same key.
   */
  appendSeal(target: LineBuffer, reason: SealReason): Seal {
    const sealing = this.#sealing;
    if (sealing === undefined) throw new Error('no seal key');
    if (this.#unwrittenSeal !== undefined) throw new Error('the previous seal is not written yet');
    const { line, head } = this.#chain.position;
    const range = { stream: this.stream, epoch: sealing.state.epoch, from: this.#sealedThrough + 1, to: line, head };
    const seal: Seal = { ...range, keyId: sealing.state.keyId, mac: sealing.state.mac(range), reason };
    this.#chain.appendText(sealLine(seal), target);
    this.#sealedThrough = seal.to;
    this.#lastSealLine = seal.to + 1;
    this.#unwrittenSeal = { seal, state: sealing.state };
    return seal;
  }

  /**
   * The stream stops here for this key (the process stops, the sink closes, another key takes
   * over): the state file gets the current epoch's key, so that what seals next goes on from it.
   */
  settleKey(): void {
    this.#sealing?.state.settle();
  }

  /**
   * What was appended is on disk. A seal among it destroys its key: the state moves on to the
   * next epoch (the state file kept ahead while the stream goes on, at the current epoch when it
   * stops; see SealState).
   */
  commit(): void {
    this.#committed = this.#chain.position;
    this.#committedOpenings = this.#openings;
    this.#committedSeals = { sealedThrough: this.#sealedThrough, lastSealLine: this.#lastSealLine };
    const unwritten = this.#unwrittenSeal;
    if (unwritten === undefined) return;
    this.#unwrittenSeal = undefined;
    if (unwritten.seal.reason === 'interval' || unwritten.seal.reason === 'rotation') unwritten.state.advance();
    else unwritten.state.evolve();
  }

  /** What was appended was not written: back to what is on disk. */
  rollback(): void {
    this.#chain.moveTo(this.#committed);
    this.#openings = this.#committedOpenings;
    ({ sealedThrough: this.#sealedThrough, lastSealLine: this.#lastSealLine } = this.#committedSeals);
    this.#unwrittenSeal = undefined;
  }
}
