import type { AuditEvent } from '@mlx-audit/runtime';
import { bindingOf, count, text } from '../../fields.js';
import { KeyedState } from '../../keyed-state.js';
import type { ModelRecord } from './model-record.js';

/** One load, as the records about it are read: what its own event said, and whether a rule has judged it. */
export interface LoadLink {
  readonly sequence: number;
  /** The model's key, as the load's own event gave it (the runtime's follow-ups under paths policy `hash` show none). */
  readonly key: string | undefined;
  readonly binding: string | undefined;
  /** Set once a rule has judged the load: the load's other records are then the same load again, not another alert. */
  judged: boolean;
}

/**
 * The loads a rule has seen, by service, process and `event.sequence`, so that the records of one
 * load (its event, then the runtime's follow-ups linked by `mlx.load.sequence`) count as one.
 * A load's event comes before its follow-ups and replaces any link of the same key, so a process
 * id used again by a later process cannot lend it an earlier process's load.
 */
export class LoadLinks {
  readonly #loads: KeyedState<string, LoadLink>;

  constructor(maxKeys: number) {
    this.#loads = new KeyedState(maxKeys);
  }

  /** The load a record is, or is about; undefined when the trail gives no sequence to link by. */
  linkOf(event: AuditEvent, record: ModelRecord): LoadLink | undefined {
    const sequence = record.loadSequence;
    if (sequence === undefined) return undefined;
    const id = `${text(event, 'service.name') ?? ''}\n${count(event, 'process.pid') ?? ''}\n${sequence}`;
    if (record.kind !== 'load') return this.#loads.obtain(id, () => ({ sequence, key: undefined, binding: undefined, judged: false }));
    const link: LoadLink = { sequence, key: record.source?.key, binding: bindingOf(event), judged: false };
    this.#loads.set(id, link);
    return link;
  }

  get size(): number {
    return this.#loads.size;
  }

  get evicted(): number {
    return this.#loads.evicted;
  }
}
