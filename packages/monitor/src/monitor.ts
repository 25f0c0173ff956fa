import type { AuditEvent } from '@mlx-audit/runtime';
import type { Alert } from './alert.js';
import { observationOf, timeOf } from './fields.js';
import type { Observation, Rule, RuleState } from './rule.js';

/** (action, kind) pairs whose rule lists are kept: a trail's pairs are few (bindings and the runtime's records); past this, lists are made per event. */
const MAX_INTEREST_PAIRS = 4096;

/** What most events raise: one array for all of them (frozen: a caller cannot add to it). */
const NO_ALERT: readonly Alert[] = Object.freeze([]);

/** What an alert carries as `@timestamp` when no event so far had a valid one. */
const NO_TIME = new Date(0).toISOString();

/**
 * Events in, alerts out, one event at a time. The alerts depend on the events alone, in their
 * order: feeding a trail in one call or in many, here or in another process, gives the same ones.
 */
export class Monitor {
  readonly rules: readonly Rule[];
  #lastTimestamp = NO_TIME;
  #ended = false;
  // What the rules emit for the event being pushed; one closure for the monitor's life, not one an event.
  #raised: Alert[] = [];
  readonly #emit = (alert: Alert): void => {
    this.#raised.push(alert);
  };
  // The rules an event of an action and a kind goes to, in the rules' order: by action, then kind.
  readonly #interested = new Map<string, Map<string, readonly Rule[]>>();
  #interestPairs = 0;

  constructor(rules: readonly Rule[]) {
    const ids = new Set<string>();
    for (const rule of rules) {
      if (ids.has(rule.id)) throw new TypeError(`two rules have the id ${rule.id}`);
      ids.add(rule.id);
    }
    this.rules = rules;
  }

  /** The alerts this event raises, in the order of the rules. */
  push(event: AuditEvent): readonly Alert[] {
    if (this.#ended) throw new Error('the monitor has ended: make a new one for another input');
    const time = timeOf(event);
    if (time !== undefined) this.#lastTimestamp = event['@timestamp'] as string;
    const observation: Observation = observationOf(event, time, this.#lastTimestamp);
    const emit = this.#emit;
    for (const rule of this.#rulesFor(observation.action ?? '', observation.kind ?? '')) rule.observe(observation, emit);
    return this.#take();
  }

  /** The rules that read events of `action` and `kind` (`reads`), in the rules' order. */
  #rulesFor(action: string, kind: string): readonly Rule[] {
    let byKind = this.#interested.get(action);
    const known = byKind?.get(kind);
    if (known !== undefined) return known;
    const rules = this.rules.filter(
      ({ reads }) => reads === undefined || reads.actions?.includes(action) === true || reads.actionPrefixes?.some((prefix) => action.startsWith(prefix)) === true || reads.kinds?.includes(kind) === true,
    );
    if (this.#interestPairs >= MAX_INTEREST_PAIRS) return rules;
    if (byKind === undefined) {
      byKind = new Map();
      this.#interested.set(action, byKind);
    }
    byKind.set(kind, rules);
    this.#interestPairs++;
    return rules;
  }

  /** The alerts of every event, in order. */
  pushAll(events: Iterable<AuditEvent>): Alert[] {
    const alerts: Alert[] = [];
    for (const event of events) alerts.push(...this.push(event));
    return alerts;
  }

  /** The end of the input: the alerts only the whole input shows. The monitor takes no event after it. */
  end(): readonly Alert[] {
    if (this.#ended) return [];
    this.#ended = true;
    for (const rule of this.rules) rule.finish?.(this.#lastTimestamp, this.#emit);
    return this.#take();
  }

  /** The alerts raised since the last call (a new array when there are any). */
  #take(): readonly Alert[] {
    if (this.#raised.length === 0) return NO_ALERT;
    const raised = this.#raised;
    this.#raised = [];
    return raised;
  }

  /** The last valid `@timestamp` pushed (the epoch before any): what an alert about the whole input carries. */
  get lastTimestamp(): string {
    return this.#lastTimestamp;
  }

  /** Each rule's state: keys held and evicted. */
  state(): Record<string, RuleState> {
    return Object.fromEntries(this.rules.map((rule) => [rule.id, rule.state()]));
  }
}
