import type { AuditEvent, JsonValue } from '@mlx-audit/runtime';
import { RUNTIME_ACTION_PREFIX, text } from '../../fields.js';
import type { Observation } from '../../rule.js';

// What one query of a client is, read from the trail. An instrumented service makes many MLX calls
// per HTTP request (a forward pass per generated token, one per layer, evaluations), so the unit
// is the request: the distinct `request.id` values among a client's forward passes. The input of a
// query is what its first top-level forward pass was given (`mlx.args`): the prompt's length and
// keyed digest, or the input tensor's shape. Only summaries the runtime already wrote are read:
// never contents.

/** Kinds of a forward pass, for events that carry no `gen_ai.operation.name` (earlier runtimes, applications' own). */
const FORWARD_PASS_KINDS: ReadonlySet<string> = new Set(['inference', 'layer-composition']);

/** A forward pass of a client: who sent it, in which service, under which request. */
export interface Query {
  /** `service.name` and `client.id` together: one client of one service. */
  readonly key: string;
  readonly client: string;
  readonly service: string | undefined;
  /** 32-bit hash of `request.id`; undefined when the event has none (then it is a query of its own). */
  readonly request: number | undefined;
}

/**
 * The query an event is part of: a forward pass outside training (`gen_ai.operation.name:
 * inference`, or an MLX forward-pass kind), with a `client.id`. Undefined for anything else (no
 * client, a training step, the runtime's own records, alerts).
 */
export function queryOf(observation: Observation): Query | undefined {
  // The four extraction rules ask about each event in turn: the answer is made once.
  if (observation === lastQueried) return lastQuery;
  lastQueried = observation;
  lastQuery = readQuery(observation);
  return lastQuery;
}

let lastQueried: Observation | undefined;
let lastQuery: Query | undefined;
let lastInputOf: AuditEvent | undefined;
let lastInput: Input | undefined;

function readQuery({ event, kind, action, service }: Observation): Query | undefined {
  const client = event['client.id'];
  if (typeof client !== 'string' || client === '') return undefined;
  const operation = text(event, 'gen_ai.operation.name');
  if (operation === undefined ? !FORWARD_PASS_KINDS.has(kind ?? '') : operation !== 'inference') return undefined;
  if (action?.startsWith(RUNTIME_ACTION_PREFIX) === true) return undefined;
  const request = text(event, 'request.id');
  return { key: `${service ?? ''}\u0000${client}`, client, service, request: request === undefined ? undefined : hash32(request) };
}

/** What a query was given: its shape (lengths of texts, shapes of tensors) and, with a key, a digest of its texts. */
export interface Input {
  /** `string(42)`, `tensor(1x28x28 float32)`, joined with `, ` for several arguments. */
  readonly shape: string;
  readonly shapeHash: number;
  /** A 32-bit hash of the texts' keyed digests (`hmac`); undefined when no text carries one (no key configured). */
  readonly digest: number | undefined;
}

/**
 * The input of a top-level forward pass (`mlx.kind: inference`; a layer inside a model is given
 * what the model computed, not what the client sent): its data arguments, strings and tensors.
 * Options, numbers and other summaries are left out. Undefined when it has no data argument.
 */
export function inputOf(event: AuditEvent): Input | undefined {
  if (event === lastInputOf) return lastInput;
  lastInputOf = event;
  lastInput = readInput(event);
  return lastInput;
}

function readInput(event: AuditEvent): Input | undefined {
  if (text(event, 'mlx.kind') !== 'inference') return undefined;
  const args = event['mlx.args'];
  if (!Array.isArray(args)) return undefined;
  const shapes: string[] = [];
  const digests: string[] = [];
  for (const summary of args as readonly JsonValue[]) {
    if (typeof summary !== 'object' || summary === null || Array.isArray(summary)) continue;
    const fields = summary as Readonly<Record<string, JsonValue>>;
    const described = describeArgument(fields);
    if (described === undefined) continue;
    shapes.push(described);
    if (fields.type === 'string' && typeof fields.hmac === 'string') digests.push(fields.hmac);
  }
  if (shapes.length === 0) return undefined;
  const shape = shapes.join(', ');
  return { shape, shapeHash: hash32(shape), digest: digests.length === 0 ? undefined : hash32(digests.join(',')) };
}

function describeArgument(fields: Readonly<Record<string, JsonValue>>): string | undefined {
  switch (fields.type) {
    case 'string':
      return typeof fields.length === 'number' ? `string(${fields.length})` : undefined;
    case 'tensor':
      return Array.isArray(fields.shape) ? `tensor(${dimensions(fields.shape)} ${typeof fields.dtype === 'string' ? fields.dtype : '?'})` : undefined;
    case 'tensors':
      return Array.isArray(fields.shapes) && typeof fields.count === 'number' ? `tensors(${fields.count}: ${fields.shapes.map(dimensions).join(' ')})` : undefined;
    default:
      return undefined;
  }
}

function dimensions(shape: JsonValue): string {
  return Array.isArray(shape) ? shape.map(String).join('x') : '?';
}

/**
 * FNV-1a, 32 bits: request ids, shapes and digests are kept as numbers, 4 bytes each whatever
 * their length. Two different values share a hash with probability 2⁻³²; the rules say where
 * that matters.
 */
export function hash32(value: string): number {
  let hash = 0x811c9dc5;
  for (let index = 0; index < value.length; index++) {
    hash ^= value.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/** Requests of one client still taking events, tracked for it. */
export const RECENT_REQUESTS = 64;

/**
 * The requests of one client seen lately, most recently active last: a request's later events
 * (the next token, the next layer) find it and are not counted again. A request stays as long as
 * fewer than 64 other requests of the client had events since its own last one: a client with
 * more requests in flight than that has some of them counted twice (more, never fewer). Two
 * request ids with one hash (2⁻³² a pair) make the second one uncounted.
 */
export class RecentRequests {
  // A plain array that grows as the client sends (most clients send a few requests, and a typed
  // array of the full size would cost each of them an allocation outside the heap); once full, a
  // ring whose oldest entry is at `#oldest`, so that a new request replaces it without moving the
  // other 63 (a request per event, a classifier's case, is a new one every time).
  readonly #ids: number[] = [];
  #oldest = 0;

  /** Whether `request` is new to this client; it becomes the most recently active. */
  see(request: number | undefined): boolean {
    if (request === undefined) return true;
    const ids = this.#ids;
    const full = ids.length === RECENT_REQUESTS;
    const newest = full ? (this.#oldest + RECENT_REQUESTS - 1) % RECENT_REQUESTS : ids.length - 1;
    // The common case: the next event of the request that had the last one.
    if (ids[newest] === request) return false;
    const index = ids.indexOf(request);
    if (!full) {
      if (index >= 0) ids.splice(index, 1);
      ids.push(request);
      return index < 0;
    }
    if (index < 0) {
      ids[this.#oldest] = request;
      this.#oldest = (this.#oldest + 1) % RECENT_REQUESTS;
      return true;
    }
    // Seen again: it moves to the newest place, the requests after it one place back.
    for (let at = index; at !== newest; at = (at + 1) % RECENT_REQUESTS) ids[at] = ids[(at + 1) % RECENT_REQUESTS] ?? 0;
    ids[newest] = request;
    return false;
  }
}

/** The `event.sequence` values kept as an alert's evidence. */
const EVIDENCE = 10;

/** The newest sequences of a client's queries, oldest first. */
export function remember(list: number[], sequence: number | undefined): void {
  if (sequence === undefined) return;
  list.push(sequence);
  if (list.length > EVIDENCE) list.shift();
}

/** The key fields of a client's alert. */
export function clientFields(query: Query): Record<string, JsonValue | undefined> {
  return { 'client.id': query.client, 'service.name': query.service };
}

/** `600000` → `10 min`, `90000` → `90 s`. */
export function duration(ms: number): string {
  return ms % 60_000 === 0 ? `${ms / 60_000} min` : `${ms / 1000} s`;
}
