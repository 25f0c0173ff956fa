import type { ChainChecks } from './chain-checks.js';
import { isHead, isJsonObject, readChainedLine, type ChainedLine } from './chained-line.js';
import { TRAIL_ACTIONS } from './format.js';
import { readLines } from './line-reader.js';
import { trailProblem, type Location, type ProblemLog } from './problem-log.js';
import type { ProblemKind, TrailProblem } from './problems.js';
import type { RuntimeRecords } from './runtime-records.js';
import type { TrailsRead } from './verification-result.js';

// Reads a trail's files in order, line by line in constant memory, and hands each chained line to
// the chain's checks. What a file's top says is judged once the file shows a chain: unreadable
// lines there are problems of a chained file, but a file without any chain is one problem
// (`no-chain`), not one per line.

// Reports of unreadable lines at the top of a file wait until the file shows a chain; at most this many.
const MAX_DEFERRED = 100;

export class TrailReader implements TrailsRead {
  /** The files read, in order. */
  readonly files: string[] = [];
  /** Lines read, in all files. */
  lines = 0;
  readonly #log: ProblemLog;
  readonly #chain: ChainChecks;
  readonly #records: RuntimeRecords;
  // The file being read.
  #file = '';
  #fileLine = 0;
  #chainedInFile = 0;
  #deferred: TrailProblem[] = [];
  #deferredOmitted = 0;

  constructor(log: ProblemLog, chain: ChainChecks, records: RuntimeRecords) {
    this.#log = log;
    this.#chain = chain;
    this.#records = records;
  }

  /** One trail: its files, oldest first. Never throws for what it reads. */
  async readTrail(files: readonly string[]): Promise<void> {
    this.#records.startTrail();
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
        this.files.push(file);
      } catch (error) {
        this.#log.report('unreadable', { file, line: 0 }, `cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? 'unreadable'}`);
      }
      this.endFile();
    }
    this.#chain.endTrail();
  }

  private onLine(source: Buffer, start: number, end: number, terminated: boolean): void {
    this.#fileLine++;
    this.lines++;
    const at = { file: this.#file, line: this.#fileLine };
    if (!terminated) {
      this.#log.report('partial-line', at, 'the file ends in the middle of this line (a crash during a write, or a cut)');
      return;
    }
    const line = readChainedLine(at, source, start, end);
    if (line === undefined) {
      this.damaged(at, isJsonObject(source, start, end));
      return;
    }
    this.#chainedInFile++;
    if (this.#chainedInFile === 1) this.firstChainedLineOfFile(line);
    this.#chain.take(line);
  }

  /** The first chained line of every file opens a stream, or continues one: the file sink begins each file so. */
  private firstChainedLineOfFile(line: ChainedLine): void {
    for (const deferred of this.#deferred) this.#log.report(deferred.kind, deferred, deferred.message);
    if (this.#deferredOmitted > 0) this.#log.report('malformed', { file: this.#file, line: 0 }, `${this.#deferredOmitted} more unreadable lines at the top of the file`);
    this.#deferred = [];
    if (!isHead(line)) {
      this.#log.report('missing-opening', line.at, `${this.#file} does not begin with its ${TRAIL_ACTIONS.fileOpened} record: its first lines were deleted, or the file sink did not write it`);
    }
  }

  private endFile(): void {
    if (this.#chainedInFile === 0 && this.#fileLine > 0 && this.#deferred.length + this.#deferredOmitted > 0) {
      this.#log.report('no-chain', { file: this.#file, line: 0 }, `no line of ${this.#file} carries a chain (trail.line, event.hash): it was not written by the file sink, or was rewritten without one`);
    } else {
      for (const deferred of this.#deferred) this.#log.report(deferred.kind, deferred, deferred.message);
    }
    this.#deferred = [];
  }

  /** A line that is not a chained line: not JSON (`json` false), or JSON without a chain. */
  private damaged(at: Location, json: boolean): void {
    if (this.#records.stream === undefined || this.#chainedInFile === 0) {
      this.defer(json ? 'unchained' : 'malformed', at, json ? 'a JSON line without a chain' : 'not a JSON line');
      return;
    }
    this.#chain.damaged(at, json);
  }

  private defer(kind: ProblemKind, at: Location, message: string): void {
    if (this.#deferred.length < MAX_DEFERRED) this.#deferred.push(trailProblem(kind, at, message));
    else this.#deferredOmitted++;
  }
}
