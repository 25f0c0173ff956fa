import type { JsonValue } from './summary.js';

/**
 * Characters no log line should carry raw: controls (C0: newlines forge records, ESC drives
 * terminals; DEL and C1), every format character (bidirectional overrides and isolates reorder
 * what a reader sees, as in "Trojan Source"; zero-width characters, the soft hyphen and tag
 * characters hide text or smuggle it past a reader; the byte-order mark), the Unicode line and
 * paragraph separators (line breaks to JavaScript and to many viewers), and lone surrogates
 * (not text at all: a decoder replaces or rejects them).
 */
const UNSAFE_CHARACTERS = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]|\p{Cs}/gu;
// Nearly every string is printable ASCII: one cheap test spares it the Unicode-aware scan.
const NOT_PRINTABLE_ASCII = /[^\x20-\x7e]/;

/** `\uXXXX` for each UTF-16 unit (a tag character is two). */
function unicodeEscape(character: string): string {
  let escaped = '';
  for (let index = 0; index < character.length; index++) escaped += `\\u${character.charCodeAt(index).toString(16).padStart(4, '0')}`;
  return escaped;
}

/**
 * One JSON line. `JSON.stringify` escapes C0 controls and lone surrogates but leaves DEL, C1,
 * U+2028/U+2029 and format characters raw; they can only occur inside JSON strings, so they are
 * replaced by `\uXXXX` escapes, which parse back to the same string.
 */
export function toJsonLine(event: JsonValue | Readonly<Record<string, JsonValue | undefined>>): string {
  return `${neutralizeString(JSON.stringify(event))}\n`;
}

/** A string with every unsafe character written out as the six characters `\uXXXX`. */
export function neutralizeString(text: string): string {
  return NOT_PRINTABLE_ASCII.test(text) ? text.replace(UNSAFE_CHARACTERS, unicodeEscape) : text;
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

/**
 * An event as sinks that take objects get it: every string, keys included, with control and
 * format characters written out as `\uXXXX`; fields that are `undefined` left out. For what a
 * trail watcher prints or passes on.
 */
export function neutralizeEvent(event: Readonly<Record<string, JsonValue | undefined>>): Readonly<Record<string, JsonValue>> {
  return neutralizeValue(event) as Readonly<Record<string, JsonValue>>;
}
