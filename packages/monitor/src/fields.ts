import type { AuditEvent } from '@mlx-audit/runtime';

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
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0 ? value : undefined;
}

/** Milliseconds since the epoch of the event's `@timestamp`, the only clock the monitor reads. */
export function timeOf(event: AuditEvent): number | undefined {
  const stamp = event['@timestamp'];
  if (typeof stamp !== 'string') return undefined;
  const time = Date.parse(stamp);
  return Number.isFinite(time) ? time : undefined;
}

/**
 * The series an MLX call belongs to: its binding (`nn.Module#forward`), or for an application's
 * `auditEvent` with an MLX kind, its action, which names the call the way a binding id does (an
 * instrumented call's `event.action` is its binding id). Undefined for what is not an MLX call: the
 * runtime's records and application events without a kind.
 */
export function bindingOf(event: AuditEvent): string | undefined {
  const action = text(event, 'event.action');
  if (action?.startsWith(RUNTIME_ACTION_PREFIX) === true || text(event, 'mlx.kind') === undefined) return undefined;
  return text(event, 'mlx.binding') ?? action;
}

/** `true` for a failed call, `false` for a successful one, undefined when the outcome is neither. */
export function failed(event: AuditEvent): boolean | undefined {
  const outcome = text(event, 'event.outcome');
  return outcome === 'failure' ? true : outcome === 'success' ? false : undefined;
}

/** A positive integer option, or a TypeError naming it. */
export function positiveInteger(name: string, value: number): number {
  if (!Number.isSafeInteger(value) || value < 1) throw new TypeError(`${name} must be a positive integer, got ${String(value)}`);
  return value;
}
