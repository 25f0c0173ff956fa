import { positiveInteger } from './fields.js';

/** One key's entry in the recency list. */
interface Entry<K, V> {
  readonly key: K;
  value: V;
  /** The entry seen just before (towards the least recently seen), or undefined for the oldest. */
  older: Entry<K, V> | undefined;
  /** The entry seen just after, or undefined for the newest. */
  newer: Entry<K, V> | undefined;
}

/**
 * Per-key state with a limit: when a new key would pass it, the key seen least recently goes, so a
 * trail with a million clients or runs costs the state of `limit` of them. The keys are a list in
 * the order they were last seen, linked through their entries: a sighting moves its entry to the
 * end, an eviction takes the front, both in constant time. (A Map's own order, kept by deleting
 * and setting a key again, would do the same, but finding its first key then skips every deleted
 * slot: thousands per eviction once the limit is reached.)
 */
export class KeyedState<K, V> {
  readonly limit: number;
  readonly #entries = new Map<K, Entry<K, V>>();
  #oldest: Entry<K, V> | undefined;
  #newest: Entry<K, V> | undefined;
  #evicted = 0;

  constructor(limit: number) {
    this.limit = positiveInteger('maxKeys', limit);
  }

  /** The key's state, made by `create` when it has none; the key becomes the most recently seen. */
  obtain(key: K, create: () => V): V {
    const newest = this.#newest;
    // Consecutive events mostly share a key (one run, one binding): no lookup then.
    if (newest !== undefined && newest.key === key) return newest.value;
    const held = this.#entries.get(key);
    if (held !== undefined) {
      this.#touch(held);
      return held.value;
    }
    const value = create();
    this.#add(key, value);
    return value;
  }

  /** Replaces the key's state; the key becomes the most recently seen. */
  set(key: K, value: V): void {
    const held = this.#newest?.key === key ? this.#newest : this.#entries.get(key);
    if (held === undefined) {
      this.#add(key, value);
      return;
    }
    held.value = value;
    this.#touch(held);
  }

  /** The key's state without touching it (a lookup is not a sighting). */
  peek(key: K): V | undefined {
    return this.#entries.get(key)?.value;
  }

  /** Every key's state, least recently seen first. */
  *values(): IterableIterator<V> {
    for (let entry = this.#oldest; entry !== undefined; entry = entry.newer) yield entry.value;
  }

  get size(): number {
    return this.#entries.size;
  }

  /** Keys forgotten to keep to the limit, since the start. */
  get evicted(): number {
    return this.#evicted;
  }

  #add(key: K, value: V): void {
    if (this.#entries.size >= this.limit) this.#evictOldest();
    const entry: Entry<K, V> = { key, value, older: this.#newest, newer: undefined };
    if (this.#newest === undefined) this.#oldest = entry;
    else this.#newest.newer = entry;
    this.#newest = entry;
    this.#entries.set(key, entry);
  }

  /** Moves an entry to the newest end. */
  #touch(entry: Entry<K, V>): void {
    if (entry === this.#newest) return;
    this.#unlink(entry);
    entry.older = this.#newest;
    entry.newer = undefined;
    if (this.#newest === undefined) this.#oldest = entry;
    else this.#newest.newer = entry;
    this.#newest = entry;
  }

  #unlink(entry: Entry<K, V>): void {
    if (entry.older === undefined) this.#oldest = entry.newer;
    else entry.older.newer = entry.newer;
    if (entry.newer === undefined) this.#newest = entry.older;
    else entry.newer.older = entry.older;
  }

  #evictOldest(): void {
    const oldest = this.#oldest;
    if (oldest === undefined) return;
    this.#unlink(oldest);
    this.#entries.delete(oldest.key);
    this.#evicted++;
  }
}
