/** A Map or WeakMap used as a cache: `null` stands for a computed `undefined`. */
export interface Cache<Key, Value> {
  get(key: Key): Value | null | undefined;
  set(key: Key, value: Value | null): unknown;
}

/**
 * The cache's answer for `key`, computed and kept on the first ask. Answers that cost a checker
 * call or a path parse, asked again for every call site, are asked once.
 */
export function remember<Key, Value>(cache: Cache<Key, Value>, key: Key, compute: () => Value): Value;
export function remember<Key, Value>(cache: Cache<Key, Value>, key: Key, compute: () => Value | undefined): Value | undefined;
export function remember<Key, Value>(cache: Cache<Key, Value>, key: Key, compute: () => Value | undefined): Value | undefined {
  let value = cache.get(key);
  if (value === undefined) {
    value = compute() ?? null;
    cache.set(key, value);
  }
  return value ?? undefined;
}
