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
  // The last line a written seal covers, and the line of that seal itself (which the next seal covers).
  #sealedThrough = 0;
  #lastSealLine = 0;
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
    return this.#sealing !== undefined && this.#chain.position.line - this.#sealedThrough >= this.#sealing.everyLines;
  }

  /** Whether lines that no seal covers were written (a seal itself needs none). */
  hasUnsealedLines(): boolean {
    const { line } = this.#chain.position;
    return this.#sealing !== undefined && line > this.#sealedThrough && line !== this.#lastSealLine;
  }

  /**
   * Appends a seal of every line since the last one, under the current epoch's key. The key
   * moves on only once the seal is on disk (`sealWritten`): a seal lost to a failed write is made
   * again, over more lines, with the same key.
   */
  appendSeal(target: LineBuffer, reason: SealReason): Seal {
    const sealing = this.#sealing;
    if (sealing === undefined) throw new Error('no seal key');
    const { line, head } = this.#chain.position;
    const range = { stream: this.stream, epoch: sealing.state.epoch, from: this.#sealedThrough + 1, to: line, head };
    const seal: Seal = { ...range, keyId: sealing.state.keyId, mac: sealing.state.mac(range), reason };
    this.#chain.appendText(sealLine(seal), target);
    return seal;
  }

  /** The seal is on disk: its lines are sealed, and its key is destroyed. */
  sealWritten(seal: Seal): void {
    this.#sealedThrough = seal.to;
    this.#lastSealLine = seal.to + 1;
    this.#sealing?.state.evolve();
  }

  /** What was appended is on disk. */
  commit(): void {
    this.#committed = this.#chain.position;
    this.#committedOpenings = this.#openings;
  }

  /** What was appended was not written: back to what is on disk. */
  rollback(): void {
    this.#chain.moveTo(this.#committed);
    this.#openings = this.#committedOpenings;
  }
}
