import type { AuditEvent } from '@mlx-audit/runtime';
import type { Alert, RuleIdentity } from './alert.js';

/**
 * One event as a rule sees it, with the fields most rules ask about read once, by the monitor,
 * for all of them (each checked for its type, as `fields.ts` reads them: a field of the wrong type
 * is undefined). Reading an event's property by a name that varies costs tens of nanoseconds; a
 * rule that reads these here costs none.
 */
export interface Observation {
  readonly event: AuditEvent;
  /** Milliseconds of the event's `@timestamp`; undefined when it has none a date can be read from. */
  readonly time: number | undefined;
  /** The event's `@timestamp`, or the last valid one before it: what an alert it raises carries. */
  readonly timestamp: string;
  /** The event's `event.sequence`, when it has one. */
  readonly sequence: number | undefined;
  /** `event.action`. */
  readonly action: string | undefined;
  /** `mlx.kind`. */
  readonly kind: string | undefined;
  /** The MLX call's series (`bindingOf`): undefined for the runtime's records and events of no kind. */
  readonly binding: string | undefined;
  /** `event.outcome`: true for `failure`, false for `success`, else undefined (`failed`). */
  readonly failed: boolean | undefined;
  /** `process.pid`. */
  readonly pid: number | undefined;
  /** `mlx_audit.run` (only the runtime's records name their run). */
  readonly run: string | undefined;
  /** `service.name`. */
  readonly service: string | undefined;
}

export type Emit = (alert: Alert) => void;

/** How much a rule holds: keys kept, and keys forgotten to keep to its limit. */
export interface RuleState {
  readonly keys: number;
  readonly evicted: number;
}

/**
 * A detection rule: it sees every event once, in order, and says what it concludes through `emit`.
 * It reads no clock and holds bounded state, so the same events give the same alerts wherever
 * the rule runs.
 */
/**
 * The events a rule reads: those whose `event.action` is one of `actions` or starts with one of
 * `actionPrefixes`, or whose `mlx.kind` is one of `kinds`. The monitor gives the rule no other
 * event, so a rule that cares about model loads costs nothing on the millions of forward passes.
 */
export interface EventInterest {
  readonly actions?: readonly string[];
  readonly actionPrefixes?: readonly string[];
  readonly kinds?: readonly string[];
}

export interface Rule extends RuleIdentity {
  /** The events it reads; every event when undefined. */
  readonly reads?: EventInterest;
  observe(observation: Observation, emit: Emit): void;
  /** The end of the input: what only the whole input shows (a run with no stopped record). */
  finish?(last: string, emit: Emit): void;
  state(): RuleState;
}

export const STATELESS: RuleState = { keys: 0, evicted: 0 };
