import { describeThrown } from './describe-thrown.js';
import { ECS_VERSION, type EventDraft } from './event.js';
import { reportOnce } from './internal-report.js';
import type { JsonValue } from './summary.js';
import type { AuditEvent } from './sinks/sink.js';

// Watchers read the trail as it is written: after each batch has reached the sinks (never on a
// call's path), a watcher gets the batch's events and may answer with alerts, which the runtime
// writes into the trail as its own records (`event.action: mlx-audit.alert`). The detection
// rules live in @mlx-audit/monitor, which watches through here: the runtime imports no rule.

/** The action of an alert record: the runtime's, so `auditEvent` cannot write one. */
export const ALERT_ACTION = 'mlx-audit.alert';

/**
 * Called with each batch of events, in the order of the trail, after the sinks have had it; also
 * with the lifecycle records delivered to sinks a configuration drops. The events are as the
 * runtime made them: a field the event lacks may be present as `undefined`, the chain's fields
 * (`trail.line`, `event.hash`) are not there, and strings are not yet neutralised — pass what you
 * print through the sinks, or escape control characters yourself. Returns the alerts to write
 * (events with `event.kind: "alert"` and `event.action: "mlx-audit.alert"`), or nothing. Its
 * errors are reported once on stderr and never reach the application.
 */
export type TrailWatcher = (events: readonly WatchedEvent[]) => readonly AuditEvent[] | undefined;

/** An event as a watcher sees it: `undefined` where the event has no such field. */
export type WatchedEvent = Readonly<Record<string, JsonValue | undefined>>;

const watchers = new Set<TrailWatcher>();
const PID = process.pid;
/** The fields the runtime sets on an alert record, whatever the watcher's alert says. */
const ENVELOPE = new Set(['@timestamp', 'ecs.version', 'event.sequence', 'process.pid']);

/** Starts calling `watcher` with every batch; the function returned stops it. */
export function watchTrail(watcher: TrailWatcher): () => void {
  if (typeof watcher !== 'function') throw new TypeError('watchTrail takes a function');
  // A wrapper of its own, so that watching one function twice gives two watchers.
  const entry: TrailWatcher = (events) => watcher(events);
  watchers.add(entry);
  return () => {
    watchers.delete(entry);
  };
}

export function hasWatchers(): boolean {
  return watchers.size > 0;
}

/** A draft of the alert record, or a reason it is refused. */
export type AlertDraft = { readonly draft: EventDraft } | { readonly refused: string };

/**
 * Gives `events` to every watcher and returns the alerts they answered, as records to write (the
 * caller numbers them). What a watcher answers that is not an alert is refused and reported.
 */
export function notifyWatchers(events: readonly WatchedEvent[], sequenceOf: () => number): EventDraft[] {
  const alerts: EventDraft[] = [];
  for (const watcher of [...watchers]) {
    let answer: unknown;
    try {
      answer = watcher(events);
    } catch (error) {
      reportOnce('watcher-threw', `a trail watcher threw (${describeThrown(error)}); it keeps being called, and further errors are not reported`);
      continue;
    }
    if (answer === undefined) continue;
    if (!Array.isArray(answer)) {
      reportOnce('watcher-answer', 'a trail watcher answered something other than an array of alerts: nothing of it was written');
      continue;
    }
    for (const alert of answer as unknown[]) {
      const made = alertRecord(alert, sequenceOf);
      if ('refused' in made) reportOnce(`watcher-refused:${made.refused.split(' (')[0] ?? ''}`, `a trail watcher's alert was not written: ${made.refused}`);
      else alerts.push(made.draft);
    }
  }
  return alerts;
}

/**
 * The record of an alert: the watcher's fields, with the envelope the runtime owns put first
 * (ECS version, its own `event.sequence` and this process's id): an alert takes its place in the
 * run's sequence like any record of the run.
 */
function alertRecord(alert: unknown, sequenceOf: () => number): AlertDraft {
  if (typeof alert !== 'object' || alert === null || Array.isArray(alert)) return { refused: 'an alert must be an object' };
  const fields = alert as Record<string, unknown>;
  if (fields['event.kind'] !== 'alert' || fields['event.action'] !== ALERT_ACTION) return { refused: `an alert needs event.kind "alert" and event.action "${ALERT_ACTION}"` };
  if (typeof fields['@timestamp'] !== 'string' || !Number.isFinite(Date.parse(fields['@timestamp']))) return { refused: 'an alert needs a valid @timestamp' };
  // A copy through JSON: what a watcher's object holds besides JSON (functions, getters, a cycle)
  // cannot reach a sink, and the watcher cannot change the record after it is queued. The sinks
  // neutralise its strings as they do any event's.
  let copy: Record<string, JsonValue>;
  try {
    copy = JSON.parse(JSON.stringify(fields)) as Record<string, JsonValue>;
  } catch (error) {
    return { refused: `its fields cannot be written as JSON (${describeThrown(error)})` };
  }
  const draft: Record<string, JsonValue> = { '@timestamp': fields['@timestamp'], 'ecs.version': ECS_VERSION, 'event.sequence': sequenceOf(), 'process.pid': PID };
  for (const [field, value] of Object.entries(copy)) if (!ENVELOPE.has(field)) draft[field] = value;
  return { draft };
}
