import type { Location } from './problem-log.js';

// What the verifier knows of the stream it is reading (a file sink's stream across its files, or a
// process run), updated line by line, and the summary it reports of the stream once it ends.

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

export interface Stream {
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

/** A stream that goes on from line `from.line`, whose chain value is `from.head`, starting at `at`. */
export function newStream(id: string | undefined, kind: Stream['kind'], index: number, from: { line: number; head: string }, startsMidStream: boolean, at: Location): Stream {
  return {
    id,
    kind,
    index,
    line: from.line,
    head: from.head,
    firstLine: from.line + 1,
    firstFile: at.file,
    lastAt: { file: at.file, line: at.line },
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

/**
 * Lines (and seals among them) are missing: the next seal's range cannot be checked to continue
 * the last one seen, nor its epoch to be exactly the next; only to be no earlier.
 */
export function lostTrack(stream: Stream): void {
  stream.rangeKnown = false;
  if (stream.nextEpoch !== undefined) stream.epochFloor = stream.nextEpoch;
  stream.nextEpoch = undefined;
}

/** Lines after the last seal record (which itself needs no seal), or all of them before any seal. */
export function unsealedLines(stream: Stream): number {
  return stream.line - stream.rangeEnd - (stream.seals > 0 ? 1 : 0);
}

export function streamSummary(stream: Stream): StreamSummary {
  return {
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
    unsealedLines: Math.max(0, unsealedLines(stream)),
    epochs: stream.firstEpoch === undefined || stream.nextEpoch === undefined ? undefined : { first: stream.firstEpoch, last: stream.nextEpoch - 1 },
  };
}
