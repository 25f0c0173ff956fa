import type { AuditEvent } from '@mlx-audit/runtime';
import { count, text } from './fields.js';
import { KeyedState } from './keyed-state.js';

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

  constructor(maxKeys: number) {
    this.#runByProcess = new KeyedState(maxKeys);
  }

  runOf(event: AuditEvent): RunOf {
    const pid = count(event, 'process.pid');
    const named = text(event, 'mlx_audit.run');
    if (named !== undefined) {
      this.#runByProcess.set(pid, named);
      return { key: `run:${named}`, run: named };
    }
    const run = this.#runByProcess.peek(pid);
    if (run !== undefined) return { key: `run:${run}`, run };
    return { key: `pid:${pid === undefined ? '' : String(pid)}`, run: undefined };
  }

  get size(): number {
    return this.#runByProcess.size;
  }
}
