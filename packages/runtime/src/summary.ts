/**
 * What the hot path keeps of a value: JSON-shaped data built by construction from an allow-list,
 * plus two placeholders for strings whose rendering depends on the configuration and costs more
 * than the hot path should pay (hashing), resolved when the buffer drains.
 */
export type Summary =
  | null
  | boolean
  | number
  | string
  | PendingText
  | PendingPath
  | readonly Summary[]
  | { readonly [key: string]: Summary };

/** A free-text string: rendered as its length, plus a keyed digest when a key is configured. */
export class PendingText {
  constructor(readonly text: string) {}
}

/** A file-system path: rendered whole, as a basename or as a keyed digest, per configuration. */
export class PendingPath {
  constructor(readonly path: string) {}
}

/** A value a JSON document can hold. */
export type JsonValue = null | boolean | number | string | readonly JsonValue[] | { readonly [key: string]: JsonValue };
