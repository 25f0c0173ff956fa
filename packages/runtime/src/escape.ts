import type { JsonValue } from './summary.js';

/**
 * Characters no log line should carry raw: C0 controls (newlines forge records, ESC drives
 * terminals), DEL and C1 controls, the Unicode line and paragraph separators (line breaks to
 * JavaScript and to many viewers), bidirectional overrides and isolates (they reorder what a
 * reader sees, as in "Trojan Source"), and the byte-order mark.
 */
// eslint-disable-next-line no-control-regex -- matching control characters is the point.
const UNSAFE_CHARACTERS = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff]/g;

function unicodeEscape(character: string): string {
  return `\\u${character.charCodeAt(0).toString(16).padStart(4, '0')}`;
}

/**
 * One JSON line. `JSON.stringify` escapes C0 controls and lone surrogates but leaves DEL, C1,
 * U+2028/U+2029 and bidirectional controls raw; they can only occur inside JSON strings, so they
 * are replaced by `\uXXXX` escapes, which parse back to the same string.
 */
export function toJsonLine(event: JsonValue | Readonly<Record<string, JsonValue | undefined>>): string {
  return `${JSON.stringify(event).replace(UNSAFE_CHARACTERS, unicodeEscape)}\n`;
}

/** A string with every unsafe character written out as the six characters `\uXXXX`. */
export function neutralizeString(text: string): string {
  return text.replace(UNSAFE_CHARACTERS, unicodeEscape);
}

/**
 * A copy of an event for sinks that take objects (pino, OpenTelemetry, a function): their own
 * serialisers do not all escape these characters, and a function may print the strings as they
 * are, so they receive the strings already neutralised, keys included.
 */
export function neutralizeValue(value: JsonValue | Readonly<Record<string, JsonValue | undefined>>): JsonValue {
  if (typeof value === 'string') return neutralizeString(value);
  if (Array.isArray(value)) return (value as readonly JsonValue[]).map(neutralizeValue);
  if (typeof value === 'object' && value !== null) {
    const copy: Record<string, JsonValue> = {};
    // Fields an event does not have are `undefined` in its draft: left out, as JSON leaves them out.
    for (const [key, item] of Object.entries(value as Readonly<Record<string, JsonValue | undefined>>)) if (item !== undefined) copy[neutralizeString(key)] = neutralizeValue(item);
    return copy;
  }
  return value;
}
