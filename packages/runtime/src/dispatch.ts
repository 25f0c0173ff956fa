import { toJsonLine, neutralizeValue } from './escape.js';
import { captureError, sanitizeErrorMessage } from './errors.js';
import { reportOnce, reportToOperator } from './internal-report.js';
import { buildCallEvent, type CallRecord, type EventDraft } from './event.js';
import { callEventLine } from './line.js';
import type { RedactionSettings } from './settings.js';
import type { AuditBatch, AuditEvent, AuditSink } from './sinks/sink.js';

/** What a drain hands on: a call's record (its event is made only in the form a sink asks for), or an event already made. */
export type PendingEvent = { readonly record: CallRecord; readonly event?: undefined } | { readonly event: EventDraft; readonly record?: undefined };

/**
 * Serialises lazily and once per batch, whatever the number of sinks that ask. A call's line is
 * written from its record (line.ts), so line sinks never pay for the event object; both forms
 * use the settings in force when the batch was drained.
 */
class EventBatch implements AuditBatch {
  #lines: readonly string[] | undefined;
  #events: readonly AuditEvent[] | undefined;

  constructor(
    private readonly pending: readonly PendingEvent[],
    private readonly settings: RedactionSettings,
  ) {}

  get lines(): readonly string[] {
    this.#lines ??= this.each((item) => (item.record === undefined ? toJsonLine(item.event) : callEventLine(item.record, this.settings)));
    return this.#lines;
  }

  get events(): readonly AuditEvent[] {
    this.#events ??= this.each((item) => neutralizeValue(item.event ?? buildCallEvent(item.record, this.settings)) as AuditEvent);
    return this.#events;
  }

  /** One form of every event; one that cannot be made is left out (and reported), not the batch. */
  private each<Form>(make: (item: PendingEvent) => Form): Form[] {
    const made: Form[] = [];
    for (const item of this.pending) {
      try {
        made.push(make(item));
      } catch (error) {
        // The runtime's own code: should it fail, the operator hears of it, the application never.
        reportOnce('build-event', `building an event failed: ${String(error)}`);
      }
    }
    return made;
  }
}

const failuresBySink = new Map<string, number>();
const reportedSinks = new WeakSet<AuditSink>();

/**
 * Hands a batch to every sink. A sink that throws loses this batch and nothing else: the other
 * sinks still get it, the application never sees the error, and the operator hears about the
 * first failure of each sink on stderr (the counts are in `auditStats()`).
 */
export function deliver(sinks: readonly AuditSink[], events: readonly PendingEvent[], settings: RedactionSettings): void {
  if (events.length === 0) return;
  const batch = new EventBatch(events, settings);
  for (const sink of sinks) {
    try {
      sink.write(batch);
    } catch (error) {
      failuresBySink.set(sink.name, (failuresBySink.get(sink.name) ?? 0) + 1);
      if (!reportedSinks.has(sink)) {
        reportedSinks.add(sink);
        reportToOperator(
          `the ${sink.name} sink failed (${describeFailure(error)}); its events are lost while it fails, and further failures are counted in auditStats().sinkFailures, not reported`,
        );
      }
    }
  }
}

export function sinkFailureCounts(): Record<string, number> {
  return Object.fromEntries(failuresBySink);
}

function describeFailure(error: unknown): string {
  const { type, message } = captureError(error);
  return message === undefined ? type : `${type}: ${sanitizeErrorMessage(message)}`;
}
