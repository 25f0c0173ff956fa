import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads';
import { describeThrown } from '../../describe-thrown.js';
import { reportOnce, reportToOperator } from '../../internal-report.js';
import { RUN_ID, RUN_ID_DATA_KEY } from '../../trail/process-chain.js';
import { encodeText } from '../line-buffer.js';
import { PROGRESS, PROGRESS_SLOTS, type WriterData, type WriterReply, type WriterRequest } from './protocol.js';

// The application's side of the file sink's writer thread: starts it the first time a file sink
// is made, hands it requests, waits for them where the runtime must know they are done (a flush,
// a close, the process's end), and makes what it reports: failures are counted on the sink that
// had them, reports go to stderr from this thread.

/** What a file sink of this thread hears from the writer thread. */
export interface WriterClient {
  /** A request of this sink failed on the writer thread (`number`: a write's request number). */
  failed(request: 'write' | 'close', number: number, description: string): void;
  /** The writer thread is gone: the sink carries on on this thread. */
  writerLost(): void;
}

/** Waiting longer than this for the writer thread means it is stuck (a write that never returns). */
const SETTLE_TIMEOUT_MS = 30_000;
/** A writer thread not listening this long after it was started did not start. */
const START_TIMEOUT_MS = 10_000;
/**
 * The ring the batches are encoded into, shared with the writer thread: a batch costs no
 * allocation (a buffer per batch would be external memory, which makes V8 collect more often).
 * It also bounds what is handed over and not yet written: past it, a write waits for the writer
 * thread (a disk slower than the events). A batch larger than the ring goes in a buffer of its own.
 */
export const RING_BYTES = 8 * 1024 * 1024;

/** A batch's lines, joined a group at a time, with each group's UTF-8 length. */
export interface EncodedGroups {
  readonly groups: readonly (readonly [text: string, bytes: number])[];
  readonly bytes: number;
}

// From the compiled package, the writer next to this module; from the sources (the tests run
// them), the compiled writer, since a thread of its own cannot load TypeScript.
const WRITER_URL = import.meta.url.endsWith('.ts')
  ? new URL('../../../dist/sinks/writer-thread/writer.js', import.meta.url)
  : new URL('./writer.js', import.meta.url);

class WriterThread {
  readonly #worker: Worker;
  readonly #port: MessagePort;
  readonly #progress: Int32Array;
  readonly #clients = new Map<number, WriterClient>();
  #nextSink = 1;
  #posted = 0;
  readonly #ring = new SharedArrayBuffer(RING_BYTES);
  readonly #ringView = Buffer.from(this.#ring);
  // Positions in the ring count bytes from the start and never wrap (a position's place is
  // position % RING_BYTES): where the next batch goes, and where the free part begins.
  #head = 0;
  #tail = 0;
  // The writes in the ring not known to be done, in order: [request number, end position].
  readonly #inFlight: [number, number][] = [];
  #lost = false;
  readonly #started = performance.now();

  constructor() {
    const channel = new MessageChannel();
    const shared = new SharedArrayBuffer(PROGRESS_SLOTS * Int32Array.BYTES_PER_ELEMENT);
    this.#progress = new Int32Array(shared);
    this.#port = channel.port1;
    const data: WriterData & Record<typeof RUN_ID_DATA_KEY, string> = { port: channel.port2, progress: shared, ring: this.#ring, [RUN_ID_DATA_KEY]: RUN_ID };
    // None of the application's node options: they are its own (`-e` code, loaders), and the
    // writer runs compiled JavaScript of this package only.
    this.#worker = new Worker(WRITER_URL, { workerData: data, transferList: [channel.port2], execArgv: [] });
    // Neither keeps the process alive: the exit hooks wait for what is handed over.
    this.#worker.unref();
    this.#port.on('message', (reply: WriterReply) => {
      this.apply(reply);
    });
    this.#port.unref();
    this.#worker.on('error', (error) => {
      this.lose(`failed: ${describeThrown(error)}`);
    });
    this.#worker.on('exit', (code) => {
      this.lose(`stopped (exit code ${String(code)})`);
    });
  }

  get lost(): boolean {
    return this.#lost;
  }

  /** A new file sink's number on the writer thread. */
  register(client: WriterClient): number {
    const sink = this.#nextSink++;
    this.#clients.set(sink, client);
    return sink;
  }

  unregister(sink: number): void {
    this.#clients.delete(sink);
  }

  /** Requests the writer thread has done (they are done in order). */
  get done(): number {
    return Atomics.load(this.#progress, PROGRESS.done);
  }

  /** Hands a request other than a write over; false if the writer thread is gone. */
  post(request: Exclude<WriterRequest, { kind: 'write' }>, transfer?: ArrayBuffer): boolean {
    if (this.#lost) return false;
    this.#port.postMessage(request, transfer === undefined ? [] : [transfer]);
    this.#posted++;
    return true;
  }

  /**
   * Hands a batch over, encoded into the ring (waiting for room while the writer thread is
   * behind); false if the writer thread is gone. Returns the write's request number otherwise.
   */
  write(sink: number, encoded: EncodedGroups): number | undefined {
    if (this.#lost) return undefined;
    const number = this.#posted + 1;
    const { bytes } = encoded;
    if (bytes > RING_BYTES) {
      const own = Buffer.allocUnsafeSlow(bytes);
      encodeInto(own, 0, encoded);
      this.#port.postMessage({ kind: 'write', sink, number, source: own.buffer } satisfies WriterRequest, [own.buffer]);
    } else {
      let start = this.#head;
      // A batch lies in one piece: one that would cross the ring's end starts at its beginning.
      if ((start % RING_BYTES) + bytes > RING_BYTES) start += RING_BYTES - (start % RING_BYTES);
      const end = start + bytes;
      if (!this.waitForRoom(end)) return undefined;
      const offset = start % RING_BYTES;
      encodeInto(this.#ringView, offset, encoded);
      this.#inFlight.push([number, end]);
      this.#head = end;
      this.#port.postMessage({ kind: 'write', sink, number, source: { offset, length: bytes } } satisfies WriterRequest);
    }
    this.#posted++;
    return number;
  }

  /**
   * Waits until the writer thread has done every request handed over, then makes what it
   * reported. False, and the writer thread counted as lost, if it does not finish in time.
   */
  settle(): boolean {
    if (this.#lost) return false;
    if (!this.waitUntilStarted()) {
      this.lose(`did not start within ${String(START_TIMEOUT_MS / 1000)} s`);
      return false;
    }
    if (!this.waitUntilDone(this.#posted)) {
      this.lose(`did not finish its writes within ${String(SETTLE_TIMEOUT_MS / 1000)} s`);
      return false;
    }
    this.drainReplies();
    return true;
  }

  /** Waits until the ring is free up to `end` (a position); false if the writer thread is lost meanwhile. */
  private waitForRoom(end: number): boolean {
    while (end - this.freeFrom() > RING_BYTES) {
      const [oldest] = this.#inFlight[0] ?? [this.#posted];
      if (!this.waitUntilDone(oldest)) {
        this.lose(`did not finish its writes within ${String(SETTLE_TIMEOUT_MS / 1000)} s`);
        return false;
      }
    }
    return true;
  }

  /** Where the free part of the ring begins: after the last write done. */
  private freeFrom(): number {
    const done = Atomics.load(this.#progress, PROGRESS.done);
    while (this.#inFlight.length > 0 && (this.#inFlight[0]?.[0] ?? Infinity) <= done) {
      const [, end] = this.#inFlight.shift() ?? [0, this.#head];
      this.#tail = end;
    }
    if (this.#inFlight.length === 0) this.#tail = this.#head;
    return this.#tail;
  }

  private waitUntilStarted(): boolean {
    const deadline = this.#started + START_TIMEOUT_MS;
    while (Atomics.load(this.#progress, PROGRESS.ready) === 0) {
      const left = deadline - performance.now();
      if (left <= 0) return false;
      Atomics.wait(this.#progress, PROGRESS.ready, 0, left);
    }
    return true;
  }

  /** Blocks this thread until `count` requests are done (Atomics.wait: no event loop needed, so at exit too). */
  private waitUntilDone(count: number): boolean {
    const deadline = performance.now() + SETTLE_TIMEOUT_MS;
    for (;;) {
      const done = Atomics.load(this.#progress, PROGRESS.done);
      if (done >= count) return true;
      const left = deadline - performance.now();
      if (left <= 0) return false;
      Atomics.wait(this.#progress, PROGRESS.done, done, left);
    }
  }

  /** What the writer thread reported and the event loop has not delivered yet, now. */
  drainReplies(): void {
    for (let received = receiveMessageOnPort(this.#port); received !== undefined; received = receiveMessageOnPort(this.#port)) {
      this.apply(received.message as WriterReply);
    }
  }

  private apply(reply: WriterReply): void {
    if (reply.kind === 'report') {
      if (reply.key === undefined) reportToOperator(reply.message);
      else reportOnce(reply.key, reply.message);
      return;
    }
    this.#clients.get(reply.sink)?.failed(reply.request, reply.number, reply.description);
  }

  /** Ends the thread; its 'exit' event then makes the sinks carry on on this thread. */
  async stop(): Promise<void> {
    const exited = new Promise<void>((resolve) => {
      this.#worker.once('exit', () => {
        resolve();
      });
    });
    await this.#worker.terminate();
    await exited;
  }

  /** The writer thread is gone: what it had not written is lost, and every file sink carries on on this thread. */
  private lose(why: string): void {
    if (this.#lost) return;
    this.drainReplies();
    this.#lost = true;
    const unwritten = this.#posted - Atomics.load(this.#progress, PROGRESS.done);
    this.#inFlight.length = 0;
    reportToOperator(
      `the file sink's writer thread ${why}; ${String(unwritten)} requests handed to it may not be done, and the file sinks write on the application's thread from now on (unsealed: the seal key went with the thread)`,
    );
    void this.#worker.terminate().catch(() => undefined);
    for (const client of this.#clients.values()) client.writerLost();
    this.#clients.clear();
  }
}

/** The groups encoded one after another into `target` from `offset`. */
function encodeInto(target: Buffer, offset: number, encoded: EncodedGroups): void {
  let at = offset;
  for (const [text, bytes] of encoded.groups) at += encodeText(target, at, text, bytes);
}

let writer: WriterThread | undefined;
let unavailable = false;

/** The writer thread, started the first time; undefined where it cannot start (reported once). */
export function writerThread(): WriterThread | undefined {
  if (writer !== undefined && !writer.lost) return writer;
  if (unavailable || writer !== undefined) return undefined;
  try {
    writer = new WriterThread();
    return writer;
  } catch (error) {
    unavailable = true;
    reportOnce('writer-thread', `the file sink's writer thread cannot start (${describeThrown(error)}); the file sink writes on the application's thread`);
    return undefined;
  }
}

/** Waits for every file sink's writes handed over so far (flushAuditLog, exit). Never throws. */
export function settleFileWrites(): void {
  if (writer === undefined || writer.lost) return;
  try {
    writer.settle();
  } catch (error) {
    reportOnce('writer-settle', `waiting for the file sink's writer thread failed: ${describeThrown(error)}`);
  }
}

export type { WriterThread };

/** Ends the writer thread as a crash of it would (its file sinks then write on the application's thread): for the tests of that path. */
export async function stopWriterThread(): Promise<void> {
  if (writer === undefined || writer.lost) return;
  await writer.stop();
}
