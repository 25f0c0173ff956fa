import { isCount, type ChainedLine, type RuntimeRecord } from './chained-line.js';
import { HASH_HEX_LENGTH, isHex, streamSeed, TRAIL_ACTIONS } from './format.js';
import type { Location, ProblemLog } from './problem-log.js';
import type { SealVerifier } from './seal-verification.js';
import { lostTrack, newStream, streamSummary, unsealedLines, type Stream, type StreamSummary } from './stream-state.js';

// The streams of a trail and the runtime's own records that shape them: a file's opened record
// continues its stream from the file before (or starts one); seals, stopped and closed records are
// checked as the chain (chain-checks.ts) takes them in; at its end, a stream must be sealed and
// stopped. An opened record comes here before the chain checks its line: it says where the chain
// goes on from.

export class RuntimeRecords {
  /** The stream being read; undefined before a trail's first chained line. */
  stream: Stream | undefined;
  /** The streams ended, in the order they ended. */
  readonly summaries: StreamSummary[] = [];
  readonly #log: ProblemLog;
  readonly #seals: SealVerifier;
  readonly #live: boolean;

  constructor(log: ProblemLog, seals: SealVerifier, live: boolean) {
    this.#log = log;
    this.#seals = seals;
    this.#live = live;
  }

  startTrail(): void {
    this.stream = undefined;
    this.#seals.startTrail();
  }

  startStream(id: string | undefined, kind: Stream['kind'], index: number, from: { line: number; head: string }, startsMidStream: boolean, at: Location): void {
    this.stream = newStream(id, kind, index, from, startsMidStream, at);
  }

  /**
   * A file's opened record, with no line held back: it continues the current stream (from the line
   * and chain value it names) or starts another. Whether the chain takes the line itself in next.
   */
  opened(line: ChainedLine, record: RuntimeRecord): boolean {
    const id = record['trail.stream'];
    const index = record['trail.file.index'];
    const previousLine = record['trail.previous.line'];
    const previousHash = record['trail.previous.hash'];
    if (!isHex(id, 32) || !isCount(index) || !isCount(previousLine) || !isHex(previousHash, HASH_HEX_LENGTH)) {
      this.#log.report('malformed', line.at, `a ${TRAIL_ACTIONS.fileOpened} record without a valid stream, index or previous line`);
      return false;
    }
    const stream = this.stream;
    if (stream?.id === id) {
      if (index <= stream.index) {
        this.#log.report('inserted', line.at, `stream ${id} opened its file #${index} before: this file, or this record, is a copy`);
        return false;
      }
      if (index > stream.index + 1) {
        this.#log.report('missing-file', line.at, `${index - stream.index - 1} file(s) of stream ${id} are missing before this one: it continues from line ${previousLine}, the files before it end at line ${stream.line}`);
        lostTrack(stream);
      } else if (previousLine > stream.line) {
        if (line.at.line === 1) this.#log.report('truncated-file', stream.lastAt, `${stream.lastAt.file} ends at line ${stream.line}, but ${line.at.file} continues from line ${previousLine}: lines ${stream.line + 1} to ${previousLine} were cut off its end`);
        else this.#log.report('missing-lines', line.at, `lines ${stream.line + 1} to ${previousLine} are missing before this line`);
        lostTrack(stream);
      } else if (previousLine < stream.line || previousHash !== stream.head) {
        this.#log.report('chain-break', line.at, `this file continues from line ${previousLine} with another hash than the line the files before it end with (${stream.line}): the end of the previous file was changed`);
        lostTrack(stream);
      }
      stream.index = index;
      stream.line = previousLine;
      stream.head = previousHash;
    } else {
      if (stream !== undefined) this.endStream(stream, false);
      if (index === 0) {
        if (previousLine !== 0 || previousHash !== streamSeed(id)) this.#log.report('chain-break', line.at, `the first file of stream ${id} does not start from the stream's seed`);
        this.startStream(id, 'file', 0, { line: 0, head: streamSeed(id) }, false, line.at);
      } else {
        if (stream !== undefined) {
          this.#log.report('missing-file', line.at, `this file continues stream ${id} from its file #${index}: the stream's earlier files are missing`);
        }
        this.startStream(id, 'file', index, { line: previousLine, head: previousHash }, stream === undefined, line.at);
      }
    }
    return true;
  }

  /** A line taken into the chain, with the hash the chain goes on from: what it says is checked now. */
  accept(line: ChainedLine, head: string): void {
    const stream = this.stream;
    if (stream === undefined) return;
    const previousHead = stream.head;
    stream.line = line.number;
    stream.head = head;
    stream.lastAt = line.at;
    const wasSeal = stream.lastWasSeal;
    stream.lastWasSeal = false;
    if (line.action === TRAIL_ACTIONS.seal && line.record !== undefined) {
      this.#seals.seal(stream, line, line.record, previousHead);
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
    else if (line.action === TRAIL_ACTIONS.fileOpened) this.#seals.opened(stream, line, record);
  }

  /**
   * The end of a stream, with no line held back: by the end of the trail (`last`), or by the next
   * stream's start. A live trail's last stream may still be being written.
   */
  endStream(stream: Stream, last: boolean): void {
    const open = last && this.#live;
    const unsealed = unsealedLines(stream);
    const mustBeSealed = stream.seals > 0 || stream.keyId !== undefined || (this.#seals.keysGiven && stream.kind === 'file');
    if (mustBeSealed && unsealed > 0 && !open) {
      const first = stream.firstUnsealed ?? { at: stream.lastAt, number: stream.line };
      const message =
        stream.seals === 0
          ? `stream ${stream.id ?? '(unknown)'} carries no seal: its lines were written without a seal key, or its seals were stripped`
          : `lines ${first.number} to ${stream.line} come after the stream's last seal: whoever held the host could have rewritten them`;
      this.#log.report('unsealed', first.at, message);
    }
    if (!stream.stopped && !open) {
      this.#log.report('not-stopped', stream.lastAt, `stream ${stream.id ?? '(unknown)'} ends at line ${stream.line} without ${TRAIL_ACTIONS.stopped}: the process crashed or was killed, or the trail was cut`);
    }
    this.#seals.streamEnded(stream);
    this.summaries.push(streamSummary(stream));
  }
}
