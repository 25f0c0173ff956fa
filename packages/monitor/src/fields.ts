import type { AuditEvent } from '@mlx-audit/runtime';
import type { Observation } from './rule.js';

// Reading the fields of an event the monitor did not write: a trail may come from any version of
// the runtime, or through pino or OpenTelemetry, so every field is checked for its type here and a
// field of the wrong type counts as absent.

/** Actions the application cannot write (`auditEvent` refuses them): the runtime's own records. */
export const RUNTIME_ACTION_PREFIX = 'mlx-audit.';

export function text(event: AuditEvent, field: string): string | undefined {
  const value = event[field];
  return typeof value === 'string' ? value : undefined;
}

/** A non-negative integer field (`event.sequence`, `process.pid`, `count`). */
export function count(event: AuditEvent, field: string): number | undefined {
  const value = event[field];
  return isCount(value) ? value : undefined;
}

/** A value a count field may hold: a non-negative safe integer. */
export function isCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

/** Milliseconds since the epoch of the event's `@timestamp`, the only clock the monitor reads. */
export function timeOf(event: AuditEvent): number | undefined {
  const stamp = event['@timestamp'];
  if (typeof stamp !== 'string') return undefined;
  // Events made in one millisecond share their stamp (the runtime makes it once per millisecond).
  if (stamp === lastStamp) return lastTime;
  const parsed = canonicalTime(stamp) ?? Date.parse(stamp);
  lastStamp = stamp;
  lastTime = Number.isFinite(parsed) ? parsed : undefined;
  return lastTime;
}

let lastStamp: string | undefined;
let lastTime: number | undefined;

// The runtime writes every @timestamp as `toISOString()` does (`2026-03-01T12:34:56.789Z`), and a
// trail's consecutive events share their hour: that hour is parsed once, the rest read digit by
// digit, at a tenth of Date.parse's cost. Anything else goes to Date.parse.
// No stamp starts with a NUL: the first one always parses its hour.
let hourPrefix = '\0';
let hourStart = Number.NaN;

function canonicalTime(stamp: string): number | undefined {
  if (stamp.length !== 24 || stamp.charCodeAt(13) !== COLON || stamp.charCodeAt(16) !== COLON || stamp.charCodeAt(19) !== DOT || stamp.charCodeAt(23) !== ZULU) return undefined;
  if (!stamp.startsWith(hourPrefix)) {
    // Only the strict form: Date.parse reads other texts by looser rules (it drops the
    // milliseconds of some), which the digits below would not follow.
    if (!CANONICAL_HOUR.test(stamp)) return undefined;
    const prefix = stamp.slice(0, 13);
    const start = Date.parse(`${prefix}:00:00.000Z`);
    if (!Number.isFinite(start)) return undefined;
    hourPrefix = prefix;
    hourStart = start;
  }
  const minutes = digits(stamp, 14, 2);
  const seconds = digits(stamp, 17, 2);
  const milliseconds = digits(stamp, 20, 3);
  if (minutes < 0 || minutes > 59 || seconds < 0 || seconds > 59 || milliseconds < 0) return undefined;
  return hourStart + minutes * 60_000 + seconds * 1000 + milliseconds;
}

const CANONICAL_HOUR = /^\d{4}-\d{2}-\d{2}T([01]\d|2[0-3]):/;
const COLON = 58;
const DOT = 46;
const ZULU = 90;
const ZERO = 48;

/** The decimal number of `length` digits at `start`, or -1 where one is not a digit. */
function digits(text: string, start: number, length: number): number {
  let value = 0;
  for (let index = start; index < start + length; index++) {
    const digit = text.charCodeAt(index) - ZERO;
    if (digit < 0 || digit > 9) return -1;
    value = value * 10 + digit;
  }
  return value;
}

/**
 * The series an MLX call belongs to: its binding (`nn.Module#forward`), or for an application's
 * `auditEvent` with an MLX kind, its action, which names the call the way a binding id does (an
 * instrumented call's `event.action` is its binding id). Undefined for what is not an MLX call: the
 * runtime's records and application events without a kind.
 */
export function bindingOf(event: AuditEvent): string | undefined {
  return bindingFrom(text(event, 'event.action'), text(event, 'mlx.kind'), event['mlx.binding']);
}

/** `bindingOf`, from the fields already read: the runtime's records and events without a kind are no MLX call. */
function bindingFrom(action: string | undefined, kind: string | undefined, binding: unknown): string | undefined {
  if (action?.startsWith(RUNTIME_ACTION_PREFIX) === true || kind === undefined) return undefined;
  return typeof binding === 'string' ? binding : action;
}

/**
 * The observation of an event: its fields read once for every rule (`Observation`). Each field is
 * read here by its own name, so that each read site learns the few shapes events have.
 */
export function observationOf(event: AuditEvent, time: number | undefined, timestamp: string): Observation {
  const action = event['event.action'];
  const kind = event['mlx.kind'];
  const binding = event['mlx.binding'];
  const outcome = event['event.outcome'];
  const sequence = event['event.sequence'];
  const pid = event['process.pid'];
  const run = event['mlx_audit.run'];
  const service = event['service.name'];
  const actionText = typeof action === 'string' ? action : undefined;
  const kindText = typeof kind === 'string' ? kind : undefined;
  return {
    event,
    time,
    timestamp,
    sequence: isCount(sequence) ? sequence : undefined,
    action: actionText,
    kind: kindText,
    binding: bindingFrom(actionText, kindText, binding),
    failed: failedFrom(outcome),
    pid: isCount(pid) ? pid : undefined,
    run: typeof run === 'string' ? run : undefined,
    service: typeof service === 'string' ? service : undefined,
  };
}

/** `true` for a failed call, `false` for a successful one, undefined when the outcome is neither. */
export function failed(event: AuditEvent): boolean | undefined {
  return failedFrom(event['event.outcome']);
}

function failedFrom(outcome: unknown): boolean | undefined {
  return outcome === 'failure' ? true : outcome === 'success' ? false : undefined;
}

/** A positive integer option, or a TypeError naming it. */
export function positiveInteger(name: string, value: number): number {
  if (!Number.isSafeInteger(value) || value < 1) throw new TypeError(`${name} must be a positive integer, got ${String(value)}`);
  return value;
}
