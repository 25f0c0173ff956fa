/**
 * What an event keeps of a value: JSON-shaped data built by construction from an allow-list,
 * complete when the call is recorded (lengths and keyed digests included), so the buffer holds
 * no string or object of the application's.
 */
export type Summary = JsonValue;

/** A value a JSON document can hold. */
export type JsonValue = null | boolean | number | string | readonly JsonValue[] | { readonly [key: string]: JsonValue };
