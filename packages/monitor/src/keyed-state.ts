import { positiveInteger } from './fields.js';

/**
 * Per-key state with a limit: when a new key would pass it, the key seen least recently goes, so a
 * trail with a million clients or runs costs the state of `limit` of them. A Map keeps insertion
 * order, so touching a key (delete, then set) keeps the least recently seen first.
 */
export class KeyedState<K, V> {
  readonly limit: number;
  readonly #entries = new Map<K, V>();
  #evicted = 0;

  constructor(limit: number) {
    this.limit = positiveInteger('maxKeys', limit);
  }

  /** The key's state, made by `create` when it has none; the key becomes the most recently seen. */
  obtain(key: K, create: () => V): V {
    const held = this.#entries.get(key);
    if (held !== undefined) {
      this.#entries.delete(key);
      this.#entries.set(key, held);
      return held;
    }
    const made = create();
    this.#add(key, made);
    return made;
  }

  /** Replaces the key's state; the key becomes the most recently seen. */
  set(key: K, value: V): void {
    if (!this.#entries.delete(key)) {
      this.#add(key, value);
      return;
    }
    this.#entries.set(key, value);
  }

  /** The key's state without touching it (a lookup is not a sighting). */
  peek(key: K): V | undefined {
    return this.#entries.get(key);
  }

  #add(key: K, value: V): void {
    if (this.#entries.size >= this.limit) {
      const oldest = this.#entries.keys().next();
      if (oldest.done !== true) this.#entries.delete(oldest.value);
      this.#evicted++;
    }
    this.#entries.set(key, value);
  }

  /** Every key's state, least recently seen first. */
  values(): IterableIterator<V> {
    return this.#entries.values();
  }

  get size(): number {
    return this.#entries.size;
  }

  /** Keys forgotten to keep to the limit, since the start. */
  get evicted(): number {
    return this.#evicted;
  }
}
