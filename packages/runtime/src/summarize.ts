import { types } from 'node:util';
import { METADATA_ROLES } from './catalogue-tables.js';
import type { SiteArgumentRole } from './contract.js';
import { constructorName, isObjectLike, ownData } from './describe.js';
import { constantSummary } from './json.js';
import { pathSummary } from './location.js';
import { keyedDigest, type RedactionSettings } from './settings.js';
import type { Summary } from './summary.js';
import { dtypeName, isDtype, isTensor, readShape, summarizeTensor } from './tensor.js';


/** How many shapes a list of tensors shows, and how many arguments an event summarises. */
const LISTED_ITEMS = 8;
const MAX_METADATA_ARRAY = 32;
export const MAX_ARGUMENTS = 64;

// The summaries that say only what a value is: the same few for every call, so shared (json.ts).
const NUMBER = constantSummary({ type: 'number' });
const BOOLEAN = constantSummary({ type: 'boolean' });
const BIGINT = constantSummary({ type: 'bigint' });
const SYMBOL = constantSummary({ type: 'symbol' });
const PROXY = constantSummary({ type: 'Proxy' });
const UNREADABLE = constantSummary({ type: 'unreadable' });
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

// Built-in getters, called on the built-in objects they belong to: a subclass's own `size` or
// `byteLength` getter (the application's code) never runs.
const mapSize = builtinGetter(Map.prototype, 'size');
const setSize = builtinGetter(Set.prototype, 'size');
const mapValues = Object.getOwnPropertyDescriptor(Map.prototype, 'values')?.value as (this: Map<unknown, unknown>) => Iterator<unknown>;
const typedArrayByteLength = builtinGetter(Object.getPrototypeOf(Uint8Array.prototype) as object, 'byteLength');
const dataViewByteLength = builtinGetter(DataView.prototype, 'byteLength');
const arrayBufferByteLength = builtinGetter(ArrayBuffer.prototype, 'byteLength');
const sharedArrayBufferByteLength = builtinGetter(SharedArrayBuffer.prototype, 'byteLength');

function builtinGetter(prototype: object, key: string): (this: unknown) => unknown {
  const descriptor = Object.getOwnPropertyDescriptor(prototype, key);
  const get: unknown = descriptor === undefined ? undefined : Reflect.get(descriptor, 'get');
  if (typeof get !== 'function') throw new Error(`no built-in getter ${key}`);
  return get as (this: unknown) => unknown;
}

/**
 * Summarises one value for an event, given the role the call site says it plays (`undefined`
 * for results and receivers), with the redaction settings in force when the call is recorded.
 * Allow-list by construction: tensors become metadata, containers become counts (never their
 * keys: text used as a key is text), strings become lengths (a keyed digest only for `text`
 * arguments), numbers appear only in metadata roles, and anything else becomes the name of its
 * class. Nothing of the application's runs: no getter, no Proxy trap, no `toString`.
 */
export function summarize(value: unknown, role: SiteArgumentRole | undefined, settings: RedactionSettings): Summary {
  try {
    return summarizeUnguarded(value, role, settings);
  } catch {
    return UNREADABLE;
  }
}

function summarizeUnguarded(value: unknown, role: SiteArgumentRole | undefined, settings: RedactionSettings): Summary {
  switch (typeof value) {
    case 'undefined':
      return null;
    case 'string':
      return summarizeString(value, role, settings);
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
      return types.isProxy(value) ? PROXY : typeSummary(constructorName(value));
    case 'object':
      return value === null ? null : summarizeObject(value, role);
  }
}

/**
 * A path where the role says so; otherwise the length. Only a `text` argument (a prompt, a
 * question) gets a keyed digest, to correlate requests: strings in other roles are options, or
 * results computed from tensor contents (`toString()` of a one-element prediction), whose few
 * possible values anyone holding the key could digest and compare.
 */
function summarizeString(text: string, role: SiteArgumentRole | undefined, settings: RedactionSettings): Summary {
  if (role === 'path' || role === 'path-or-weights') return pathSummary(text, settings);
  const { key } = settings;
  if (role === 'text' && key !== null) return { type: 'string', length: text.length, hmac: keyedDigest(key, text) };
  return { type: 'string', length: text.length };
}

/** The receiver of a method call, as the call site classified it. */
export function summarizeReceiver(self: unknown, receiver: 'tensor' | 'module' | 'other' | null, settings: RedactionSettings): Summary | undefined {
  if (receiver === null) return undefined;
  if (receiver === 'tensor') return summarize(self, 'tensor', settings);
  return isObjectLike(self) ? typeSummary(constructorName(self)) : summarize(self, 'other', settings);
}

/**
 * Every argument, each with its role (the last role repeats for further arguments), up to 64;
 * past that, one `{type: 'omitted', count}` says how many more there were.
 */
export function summarizeArguments(args: readonly unknown[], roles: readonly SiteArgumentRole[], settings: RedactionSettings): Summary[] {
  const summaries: Summary[] = [];
  const listed = Math.min(args.length, MAX_ARGUMENTS);
  for (let index = 0; index < listed; index++) {
    const role = roles[Math.min(index, roles.length - 1)];
    summaries.push(summarize(args[index], role === 'spread' ? 'other' : role, settings));
  }
  if (args.length > listed) summaries.push({ type: 'omitted', count: args.length - listed });
  return summaries;
}

function isMetadata(role: SiteArgumentRole | undefined): boolean {
  return role !== undefined && METADATA_ROLES.has(role);
}

function summarizeObject(value: object, role: SiteArgumentRole | undefined): Summary {
  if (types.isProxy(value)) return PROXY;
  if (isTensor(value)) return summarizeTensor(value);
  if (Array.isArray(value)) return summarizeArray(value as readonly unknown[], role);
  if (role === 'dtype' && isDtype(value)) return dtypeName(value);
  if (types.isMap(value)) return summarizeMap(value);
  if (types.isSet(value)) return { type: constructorName(value), size: setSize.call(value) as number };
  if (types.isTypedArray(value)) return { type: constructorName(value), byteLength: typedArrayByteLength.call(value) as number };
  if (types.isDataView(value)) return { type: constructorName(value), byteLength: dataViewByteLength.call(value) as number };
  if (types.isArrayBuffer(value)) return { type: constructorName(value), byteLength: arrayBufferByteLength.call(value) as number };
  if (types.isSharedArrayBuffer(value)) return { type: constructorName(value), byteLength: sharedArrayBufferByteLength.call(value) as number };
  const prototype: unknown = Object.getPrototypeOf(value);
  if (prototype === Object.prototype || prototype === null) return summarizePlainObject(value, role);
  return typeSummary(constructorName(value));
}

/** An array's element, never through an index getter. */
function element(array: readonly unknown[], index: number): unknown {
  return Object.getOwnPropertyDescriptor(array, index)?.value;
}

function summarizeArray(array: readonly unknown[], role: SiteArgumentRole | undefined): Summary {
  const length = array.length;
  if (isMetadata(role) && length <= MAX_METADATA_ARRAY) {
    const numbers: number[] = [];
    for (let index = 0; index < length; index++) {
      const item = element(array, index);
      if (typeof item !== 'number') break;
      numbers.push(item);
    }
    if (numbers.length === length) return numbers;
  }
  const first = element(array, 0);
  if (isTensorValue(first)) {
    const shapes: Summary[] = [];
    for (let index = 0; index < Math.min(length, LISTED_ITEMS); index++) {
      const item = element(array, index);
      shapes.push(isTensorValue(item) ? readShape(item) : null);
    }
    return { type: 'tensors', count: length, shapes };
  }
  if (isWeightPair(first)) return { type: 'weights', count: length };
  return { type: 'array', length };
}

function isTensorValue(value: unknown): value is object {
  return typeof value === 'object' && value !== null && !types.isProxy(value) && isTensor(value);
}

/** `[name, tensor]`, the shape of an entry in MLX's weight lists. */
function isWeightPair(value: unknown): boolean {
  if (!Array.isArray(value) || types.isProxy(value) || value.length !== 2) return false;
  return typeof element(value, 0) === 'string' && isTensorValue(element(value, 1));
}

function summarizeMap(map: object): Summary {
  const size = mapSize.call(map) as number;
  const first: unknown = mapValues.call(map as Map<unknown, unknown>).next().value;
  return isTensorValue(first) ? { type: 'weights', count: size } : { type: constructorName(map), size };
}

function summarizePlainObject(value: object, role: SiteArgumentRole | undefined): Summary {
  const keys = Object.keys(value);
  const [firstKey] = keys;
  if (role === 'weights' || role === 'path-or-weights' || (firstKey !== undefined && isTensorValue(ownData(value, firstKey)))) {
    return { type: 'weights', count: keys.length };
  }
  return { type: 'object', count: keys.length };
}
