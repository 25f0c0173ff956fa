import { KeyedState } from './keyed-state.js';
import type { Observation } from './rule.js';

export interface RunOf {
  /** The key of the run's state: its `mlx_audit.run`, else its process id. */
  readonly key: string;
  /** The run's id, when a record of the runtime named it. */
  readonly run: string | undefined;
}

/**
 * Which process run an event belongs to. Only the runtime's records carry `mlx_audit.run` (the
 * lifecycle records, the file sink's opened records); the other events carry `process.pid`, so a
 * run is the one its process last named. A process id reused by a later run is told apart by that
 * run's `started` record; without any record, the process id is the run.
 */
export class RunResolver {
  readonly #runByProcess: KeyedState<number | undefined, string>;
  // The answer for the last process asked about: a trail's events mostly come from one process in
  // a row, and the answer changes only when a record names a run.
  #lastPid: number | undefined;
  #lastAnswer: RunOf | undefined;

  constructor(maxKeys: number) {
    this.#runByProcess = new KeyedState(maxKeys);
  }

  runOf({ pid, run: named }: Observation): RunOf {
    if (named !== undefined) {
      this.#runByProcess.set(pid, named);
      return this.#remember(pid, { key: `run:${named}`, run: named });
    }
    if (this.#lastAnswer !== undefined && pid === this.#lastPid) return this.#lastAnswer;
    const run = this.#runByProcess.peek(pid);
    if (run !== undefined) return this.#remember(pid, { key: `run:${run}`, run });
    return this.#remember(pid, { key: `pid:${pid === undefined ? '' : String(pid)}`, run: undefined });
  }

  #remember(pid: number | undefined, answer: RunOf): RunOf {
    this.#lastPid = pid;
    this.#lastAnswer = answer;
    return answer;
  }

  get size(): number {
    return this.#runByProcess.size;
  }
}
