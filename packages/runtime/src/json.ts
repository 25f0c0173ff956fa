import { neutralizeString } from './escape.js';
import type { Summary } from './summary.js';

// JSON text of summaries, written directly rather than through a rendered copy and
// `JSON.stringify`: the copy and the stringify of a small object cost more than the event's
// whole line otherwise. Every function here gives what `toJsonLine` gives for the same value,
// byte for byte (tests/line.test.ts checks it), so the line sinks can use them piecewise.
// Summaries are complete JSON when recorded (location.ts, summarize.ts): no configuration here.

// The strings a summary holds (class and dtype names, keys) are few and repeat on every event:
// their escaped JSON is kept, up to a bound, and the table is simply cleared when it fills.
const MAX_CACHED_LENGTH = 64;
const MAX_CACHED_STRINGS = 4096;
const quoted = new Map<string, string>();

/** A string as JSON, with the characters no line may carry raw written as `\uXXXX`. */
export function stringJson(text: string): string {
  if (text.length > MAX_CACHED_LENGTH) return valueJson(text);
  let json = quoted.get(text);
  if (json === undefined) {
    if (quoted.size >= MAX_CACHED_STRINGS) quoted.clear();
    json = valueJson(text);
    quoted.set(text, json);
  }
  return json;
}

// Summaries that many events share (a class name, a tensor's dtype and shape): frozen, and their
// JSON written once, on first use.
const constantJson = new WeakMap<object, string | null>();

/** Freezes a summary (with its arrays) to share between events, and has its JSON kept. */
export function constantSummary<Value extends object>(summary: Value): Value {
  constantJson.set(summary, null);
  return Object.freeze(summary);
}

/** `JSON.stringify` of any value, neutralised: for fields that are rare or not summaries. */
export function valueJson(value: unknown): string {
  return neutralizeString(JSON.stringify(value));
}

/** The JSON of a summary, neutralised. */
export function summaryJson(summary: Summary): string {
  switch (typeof summary) {
    case 'string':
      return stringJson(summary);
    case 'number':
      // What JSON.stringify writes: the shortest round-trip form, and null for NaN and infinities.
      return Number.isFinite(summary) ? String(summary) : 'null';
    case 'boolean':
      return summary ? 'true' : 'false';
    case 'object':
      break;
    default:
      return valueJson(summary);
  }
  if (summary === null) return 'null';
  const cached = constantJson.get(summary);
  if (cached !== undefined) return cached ?? constantJsonOf(summary);
  return containerJson(summary);
}

function constantJsonOf(summary: object): string {
  const json = containerJson(summary);
  constantJson.set(summary, json);
  return json;
}

function containerJson(summary: object): string {
  return Array.isArray(summary) ? arrayJson(summary as readonly Summary[]) : objectJson(summary as Readonly<Record<string, Summary>>);
}

/** A list of summaries, as `JSON.stringify` writes it (holes and undefined items as null). */
export function arrayJson(items: readonly Summary[]): string {
  let json = '[';
  for (let index = 0; index < items.length; index++) {
    const item = items[index];
    if (index > 0) json += ',';
    // JSON.stringify writes a hole or an undefined item as null.
    json += item === undefined ? 'null' : summaryJson(item);
  }
  return `${json}]`;
}

function objectJson(object: Readonly<Record<string, Summary>>): string {
  let json = '{';
  // Object.keys lists keys in the order JSON.stringify writes them (integer keys first).
  for (const key of Object.keys(object)) {
    const value = object[key];
    // JSON.stringify leaves out a key whose value is undefined.
    if (value === undefined) continue;
    if (json.length > 1) json += ',';
    json += `${stringJson(key)}:${summaryJson(value)}`;
  }
  return `${json}}`;
}
