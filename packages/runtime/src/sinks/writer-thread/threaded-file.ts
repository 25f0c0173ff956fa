import { lateFailureOfCurrentBatch, noteSinkFailure, type LateFailure } from '../../dispatch.js';
import { reportToOperator } from '../../internal-report.js';
import { TRAIL_CONTROL, type TrailControl, type TrailedSink } from '../../trail/control.js';
import type { Sealing } from '../../trail/file-trail.js';
import { canonicalLines } from '../../trail/process-chain.js';
import { forEachJoin } from '../line-buffer.js';
import { RotatingFile } from '../rotating-file.js';
import type { AuditSink } from '../sink.js';
import type { FileSettings, SealingRequest } from './protocol.js';
import { writerThread, type EncodedGroups, type WriterClient, type WriterThread } from './writer-host.js';

/**
 * The file sink as the application's thread holds it: each batch encoded into a buffer of its
 * own and handed, with the buffer, to the writer thread, which chains, seals and writes it
 * (RotatingFile there). A failure there is counted on this sink when the writer thread reports it
 * (at the latest at the next flush), as a failed write is. Undefined where the writer thread
 * cannot run.
 */
export function threadedFile(settings: FileSettings): AuditSink | undefined {
  const writer = writerThread();
  if (writer === undefined) return undefined;
  const file = new ThreadedFile(writer, settings);
  return file.started ? file : undefined;
}

class ThreadedFile implements AuditSink, TrailedSink, WriterClient {
  readonly name = 'file';
  readonly #writer: WriterThread;
  readonly #settings: FileSettings;
  readonly #sink: number;
  readonly started: boolean;
  // Where the writer thread is gone, the sink on this thread that took over.
  #here: RotatingFile | undefined;
  #closeFailure: string | undefined;
  #finished = false;
  // The writes handed over and not known to be done, each with how to count its batch lost should it fail.
  readonly #lateFailures: [number, LateFailure][] = [];

  readonly [TRAIL_CONTROL]: TrailControl = {
    setSealing: (sealing) => {
      this.setSealing(sealing);
    },
    finish: () => {
      this.finish();
    },
  };

  constructor(writer: WriterThread, settings: FileSettings) {
    this.#writer = writer;
    this.#settings = settings;
    this.#sink = writer.register(this);
    this.started = writer.post({ kind: 'open', sink: this.#sink, settings });
  }

  write(batch: { readonly lines: readonly string[] }): void {
    if (this.#here !== undefined) {
      this.#here.write(batch);
      return;
    }
    const number = this.#writer.write(this.#sink, joinLines(canonicalLines(batch)));
    if (number === undefined) {
      this.hereNow().write(batch);
      return;
    }
    this.#lateFailures.push([number, lateFailureOfCurrentBatch()]);
    // From the process's end on (what exit listeners record) no turn of the loop is left: each batch is on disk before write returns.
    if (this.#finished) this.#writer.settle();
    this.forgetWritten();
  }

  close(): void {
    if (this.#here !== undefined) {
      this.#here.close();
      return;
    }
    this.#closeFailure = undefined;
    if (this.#writer.post({ kind: 'close', sink: this.#sink })) this.#writer.settle();
    this.#writer.unregister(this.#sink);
    const failure = this.takeCloseFailure();
    if (failure !== undefined) throw new Error(failure);
  }

  /** What the writer thread said of the close, if it failed (set by `failed` while `settle` waits). */
  private takeCloseFailure(): string | undefined {
    const failure = this.#closeFailure;
    this.#closeFailure = undefined;
    return failure;
  }

  failed(request: 'write' | 'close', number: number, description: string): void {
    if (request === 'close') {
      this.#closeFailure = description;
      return;
    }
    noteSinkFailure(this, description);
    const index = this.#lateFailures.findIndex(([written]) => written === number);
    if (index >= 0) this.#lateFailures.splice(index, 1)[0]?.[1]();
  }

  /** Drops what is kept of the writes the writer thread has done (a failure is reported before its request counts as done). */
  private forgetWritten(): void {
    const done = this.#writer.done;
    // Failures of the requests done so far are in the port already: made before they are forgotten.
    this.#writer.drainReplies();
    let written = 0;
    while (written < this.#lateFailures.length && (this.#lateFailures[written]?.[0] ?? Infinity) <= done) written++;
    if (written > 0) this.#lateFailures.splice(0, written);
  }

  writerLost(): void {
    this.hereNow();
  }

  private setSealing(sealing: Sealing | undefined): void {
    if (this.#here !== undefined) {
      this.#here[TRAIL_CONTROL].setSealing(sealing?.state.handedOver === true ? undefined : sealing);
      return;
    }
    let request: SealingRequest | undefined;
    if (sealing !== undefined) {
      const { state } = sealing;
      request = { path: state.path, everyLines: sealing.everyLines, handedOver: state.handedOver ? undefined : state.handOver() };
    }
    this.#writer.post({ kind: 'seal', sink: this.#sink, sealing: request }, request?.handedOver?.key);
  }

  private finish(): void {
    if (this.#here !== undefined) {
      this.#here[TRAIL_CONTROL].finish();
      return;
    }
    // The process stops: what is unsealed is sealed, and on disk before the process goes.
    this.#finished = true;
    if (this.#writer.post({ kind: 'finish', sink: this.#sink })) this.#writer.settle();
  }

  /** The sink on this thread, made the first time the writer thread is found gone. */
  private hereNow(): RotatingFile {
    if (this.#here === undefined) {
      this.#here = new RotatingFile(this.#settings.path, this.#settings.maxBytes, this.#settings.maxFiles);
      reportToOperator(`the file sink for ${this.#settings.path} writes on the application's thread from now on, in a new stream of its trail`);
    }
    return this.#here;
  }
}

/** The lines joined a group at a time (see forEachJoin), for the writer thread to encode into its ring. */
function joinLines(lines: readonly string[]): EncodedGroups {
  const groups: (readonly [string, number])[] = [];
  let bytes = 0;
  forEachJoin(lines, (text, length) => {
    groups.push([text, length]);
    bytes += length;
  });
  return { groups, bytes };
}
