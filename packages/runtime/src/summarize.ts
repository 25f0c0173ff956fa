import type { SiteArgumentRole } from './contract.js';
import { constructorName, isObjectLike, readProperty } from './describe.js';
import { constantSummary } from './json.js';
import { PendingPath, PendingText, type Summary } from './summary.js';
import { dtypeName, isDtype, isTensor, readShape, summarizeTensor } from './tensor.js';

/** Roles whose numbers and booleans describe the call rather than carry data. */
const METADATA_ROLES: ReadonlySet<SiteArgumentRole> = new Set(['shape', 'axis', 'dtype', 'stream', 'option']);

/** How many shapes or names a list or a weight map shows, and how many keys an object. */
const LISTED_ITEMS = 8;
const LISTED_KEYS = 16;
const MAX_METADATA_ARRAY = 32;

// The summaries that say only what a value is: the same few for every call, so shared (json.ts).
const NUMBER = constantSummary({ type: 'number' });
const BOOLEAN = constantSummary({ type: 'boolean' });
const BIGINT = constantSummary({ type: 'bigint' });
const SYMBOL = constantSummary({ type: 'symbol' });
const MAX_TYPE_SUMMARIES = 1024;
const typeSummaries = new Map<string, Summary>();

/** `{ type: name }`, one shared object per class name (the table is cleared if it ever fills). */
function typeSummary(name: string): Summary {
  let summary = typeSummaries.get(name);
  if (summary === undefined) {
    if (typeSummaries.size >= MAX_TYPE_SUMMARIES) typeSummaries.clear();
    summary = constantSummary({ type: name });
    typeSummaries.set(name, summary);
  }
  return summary;
}

/**
 * Summarises one value for an event, given the role the call site says it plays (`undefined`
 * for results and receivers). Allow-list by construction: tensors become metadata, containers
 * become counts and names, strings become lengths, numbers appear only in metadata roles, and
 * anything else becomes the name of its class.
 */
export function summarize(value: unknown, role: SiteArgumentRole | undefined): Summary {
  try {
    return summarizeUnguarded(value, role);
  } catch {
    // A Proxy whose traps throw, say: the event still says something was there.
    return { type: 'unreadable' };
  }
}

function summarizeUnguarded(value: unknown, role: SiteArgumentRole | undefined): Summary {
  switch (typeof value) {
    case 'undefined':
      return null;
    case 'string':
      return role === 'path' || role === 'path-or-weights' ? new PendingPath(value) : new PendingText(value);
    case 'number':
      if (!isMetadata(role)) return NUMBER;
      return Number.isFinite(value) ? value : String(value);
    case 'boolean':
      return isMetadata(role) ? value : BOOLEAN;
    case 'bigint':
      return isMetadata(role) ? value.toString() : BIGINT;
    case 'symbol':
      return SYMBOL;
    case 'function':
      return typeSummary(constructorName(value));
    case 'object':
      return value === null ? null : summarizeObject(value, role);
  }
}

/** The receiver of a method call, as the call site classified it. */
export function summarizeReceiver(self: unknown, receiver: 'tensor' | 'module' | 'other' | null): Summary | undefined {
  if (receiver === null) return undefined;
  if (receiver === 'tensor') return summarize(self, 'tensor');
  return isObjectLike(self) ? typeSummary(constructorName(self)) : summarize(self, 'other');
}

/** Every argument, each with its role; the last role repeats for further arguments. */
export function summarizeArguments(args: readonly unknown[], roles: readonly SiteArgumentRole[]): Summary[] {
  const summaries: Summary[] = [];
  for (let index = 0; index < args.length; index++) {
    const role = roles[Math.min(index, roles.length - 1)];
    summaries.push(summarize(args[index], role === 'spread' ? 'other' : role));
  }
  return summaries;
}

function isMetadata(role: SiteArgumentRole | undefined): boolean {
  return role !== undefined && METADATA_ROLES.has(role);
}

function summarizeObject(value: object, role: SiteArgumentRole | undefined): Summary {
  if (isTensor(value)) return summarizeTensor(value);
  if (Array.isArray(value)) return summarizeArray(value as readonly unknown[], role);
  if (role === 'dtype' && isDtype(value)) return dtypeName(value);
  if (value instanceof Map) return summarizeMap(value as ReadonlyMap<unknown, unknown>);
  if (value instanceof Set) return { type: constructorName(value), size: (value as ReadonlySet<unknown>).size };
  if (ArrayBuffer.isView(value) || value instanceof ArrayBuffer || value instanceof SharedArrayBuffer) {
    return { type: constructorName(value), byteLength: value.byteLength };
  }
  const prototype: unknown = Object.getPrototypeOf(value);
  if (prototype === Object.prototype || prototype === null) return summarizePlainObject(value, role);
  return typeSummary(constructorName(value));
}

function summarizeArray(array: readonly unknown[], role: SiteArgumentRole | undefined): Summary {
  const length = array.length;
  if (isMetadata(role) && length <= MAX_METADATA_ARRAY && array.every((item) => typeof item === 'number')) {
    return array.slice();
  }
  const first = array[0];
  if (isObjectLike(first) && isTensor(first)) {
    const shapes = array.slice(0, LISTED_ITEMS).map((item) => (isObjectLike(item) && isTensor(item) ? readShape(item) : null));
    return { type: 'tensors', count: length, shapes };
  }
  if (isWeightPair(first)) {
    const names = array.slice(0, LISTED_ITEMS).map((item) => (isWeightPair(item) ? item[0] : null));
    return { type: 'weights', count: length, names };
  }
  return { type: 'array', length };
}

/** `[name, tensor]`, the shape of an entry in MLX's weight lists. */
function isWeightPair(value: unknown): value is readonly [string, object] {
  if (!Array.isArray(value) || value.length !== 2) return false;
  const [name, tensor] = value as readonly unknown[];
  return typeof name === 'string' && isObjectLike(tensor) && isTensor(tensor);
}

function summarizeMap(map: ReadonlyMap<unknown, unknown>): Summary {
  const names: Summary[] = [];
  let holdsTensors = false;
  for (const [key, item] of map) {
    if (names.length === 0) holdsTensors = isObjectLike(item) && isTensor(item);
    if (names.length === LISTED_ITEMS) break;
    names.push(typeof key === 'string' ? key : isObjectLike(key) ? { type: constructorName(key) } : { type: typeof key });
  }
  return holdsTensors ? { type: 'weights', count: map.size, names } : { type: constructorName(map), size: map.size };
}

function summarizePlainObject(value: object, role: SiteArgumentRole | undefined): Summary {
  const keys = Object.keys(value);
  const [firstKey] = keys;
  const first = firstKey === undefined ? undefined : readProperty(value, firstKey);
  if (role === 'weights' || role === 'path-or-weights' || (isObjectLike(first) && isTensor(first))) {
    return { type: 'weights', count: keys.length, names: keys.slice(0, LISTED_ITEMS) };
  }
  return { type: 'object', count: keys.length, keys: keys.sort().slice(0, LISTED_KEYS) };
}
