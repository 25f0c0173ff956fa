import type { MessagePort } from 'node:worker_threads';
import type { ForwardedReport } from '../../internal-report.js';
import type { HandedOverKey } from '../../trail/seal-key.js';

// What the application's thread and the file sink's writer thread say to each other. Requests go
// one way, in order, over one port; the writer thread counts each one done in shared memory, so
// the application's thread can wait for them (at a flush, at exit) without its event loop.

/** The settings of one file sink, as `fileSink` resolved them. */
export interface FileSettings {
  readonly path: string;
  readonly maxBytes: number;
  readonly maxFiles: number;
}

/** A seal key for one sink: the state file, and its key the first time the state file is used. */
export interface SealingRequest {
  readonly path: string;
  readonly everyLines: number;
  readonly handedOver: HandedOverKey | undefined;
}

export type WriterRequest =
  | { readonly kind: 'open'; readonly sink: number; readonly settings: FileSettings }
  /**
   * A batch's lines, encoded one after another: in the shared ring, or (larger than the ring) in a
   * transferred buffer of their own. `number` is the request's, counted from 1.
   */
  | { readonly kind: 'write'; readonly sink: number; readonly number: number; readonly source: RingSlice | ArrayBuffer }
  | { readonly kind: 'seal'; readonly sink: number; readonly sealing: SealingRequest | undefined }
  | { readonly kind: 'finish'; readonly sink: number }
  | { readonly kind: 'close'; readonly sink: number };

/** Where a batch lies in the ring: the writer thread reads it there before the request counts as done, and the ring's space is used again only after. */
export interface RingSlice {
  readonly offset: number;
  readonly length: number;
}

export type WriterReply =
  /** A request of a sink that failed (its number for a write): `description` is what it threw (describeThrown). */
  | { readonly kind: 'failed'; readonly sink: number; readonly request: 'write' | 'close'; readonly number: number; readonly description: string }
  | ({ readonly kind: 'report' } & ForwardedReport);

/** Int32 slots of the shared progress buffer. */
export const PROGRESS = {
  /** Requests the writer thread has done. */
  done: 0,
  /** 1 once the writer thread listens. */
  ready: 1,
} as const;
export const PROGRESS_SLOTS = 2;

/** The writer thread's `workerData` (besides the run's id, see trail/process-chain.ts). */
export interface WriterData {
  readonly port: MessagePort;
  readonly progress: SharedArrayBuffer;
  readonly ring: SharedArrayBuffer;
}
