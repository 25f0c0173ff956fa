import { toJsonLine, neutralizeValue } from './escape.js';
import { captureError, sanitizeErrorMessage } from './errors.js';
import { reportToOperator } from './internal-report.js';
import type { Site } from './contract.js';
import type { EventDraft } from './event.js';
import { callEventLine } from './line.js';
import type { AuditBatch, AuditEvent, AuditSink } from './sinks/sink.js';

/** An event to deliver, and the call site it belongs to (its line is then written in pieces). */
export interface PendingEvent {
  readonly event: EventDraft;
  readonly site: Site | undefined;
}

/** Serialises lazily and once per batch, whatever the number of sinks that ask. */
class EventBatch implements AuditBatch {
  #lines: readonly string[] | undefined;
  #events: readonly AuditEvent[] | undefined;

  constructor(private readonly pending: readonly PendingEvent[]) {}

  get lines(): readonly string[] {
    this.#lines ??= this.pending.map(({ event, site }) => (site === undefined ? toJsonLine(event) : callEventLine(site, event)));
    return this.#lines;
  }

  get events(): readonly AuditEvent[] {
    this.#events ??= this.pending.map(({ event }) => neutralizeValue(event) as AuditEvent);
    return this.#events;
  }
}

const failuresBySink = new Map<string, number>();
const reportedSinks = new WeakSet<AuditSink>();

/**
 * Hands a batch to every sink. A sink that throws loses this batch and nothing else: the other
 * sinks still get it, the application never sees the error, and the operator hears about the
 * first failure of each sink on stderr (the counts are in `auditStats()`).
 */
export function deliver(sinks: readonly AuditSink[], events: readonly PendingEvent[]): void {
  if (events.length === 0) return;
  const batch = new EventBatch(events);
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
