import { toJsonLine, neutralizeValue } from './escape.js';
import { describeThrown, sinkName } from './describe-thrown.js';
import { isObjectLike } from './describe.js';
import { reportOnce, reportToOperator } from './internal-report.js';
import { buildCallEvent, type CallRecord, type EventDraft } from './event.js';
import { callEventLine } from './line.js';
import type { RedactionSettings } from './settings.js';
import type { AuditEvent, AuditSink } from './sinks/sink.js';
import { hasWatchers } from './watchers.js';
import { CANONICAL_LINES, chainLine, type CanonicalBatch, type ChainedLine } from './trail/process-chain.js';

/** What a drain hands on: a call's record (its event is made only in the form a sink asks for), or an event already made. */
export type PendingEvent = { readonly record: CallRecord; readonly event?: undefined } | { readonly event: EventDraft; readonly record?: undefined };

/**
 * Serialises lazily and once per batch, whatever the number of sinks that ask. A call's line is
 * written from its record (line.ts), so line sinks never pay for the event object; both forms
 * use the settings in force when the batch was drained. Both carry the process chain
 * (trail/process-chain.ts), made once per batch when a sink first asks for either; the file sink
 * takes the lines before it (`CANONICAL_LINES`) and chains them into its own trail.
 */
class EventBatch implements CanonicalBatch {
  // Per pending event, undefined where that form could not be made.
  #canonical: readonly (string | undefined)[] | undefined;
  #chained: readonly (ChainedLine | undefined)[] | undefined;
  #canonicalLines: readonly string[] | undefined;
  #lines: readonly string[] | undefined;
  #events: readonly AuditEvent[] | undefined;

  constructor(
    private readonly pending: readonly PendingEvent[],
    private readonly settings: RedactionSettings,
  ) {}

  get [CANONICAL_LINES](): readonly string[] {
    this.#canonicalLines ??= present(this.canonical());
    return this.#canonicalLines;
  }

  get lines(): readonly string[] {
    this.#lines ??= present(this.chained().map((line) => line?.text));
    return this.#lines;
  }

  get events(): readonly AuditEvent[] {
    const chained = this.chained();
    this.#events ??= present(
      this.each((item, index) => {
        const event = neutralizeValue(item.event ?? buildCallEvent(item.record, this.settings)) as Record<string, AuditEvent[string]>;
        const link = chained[index];
        // A fresh copy of the event's own: the chain's two fields go last, as in its line.
        if (link !== undefined) {
          event['trail.line'] = link.line;
          event['event.hash'] = link.hash;
        }
        return event;
      }),
    );
    return this.#events;
  }

  /**
   * The events as the runtime made them, for the trail's watchers: without the chain's fields, and
   * with their strings not yet neutralised (`neutralizeValue` makes a copy key by key, which V8
   * keeps as a slow dictionary: tens of microseconds an event; a watcher reads a few fields).
   */
  get drafts(): readonly EventDraft[] {
    return present(this.each((item) => item.event ?? buildCallEvent(item.record, this.settings)));
  }

  private canonical(): readonly (string | undefined)[] {
    this.#canonical ??= this.each((item) => (item.record === undefined ? toJsonLine(item.event) : callEventLine(item.record, this.settings)));
    return this.#canonical;
  }

  private chained(): readonly (ChainedLine | undefined)[] {
    this.#chained ??= this.canonical().map((line) => (line === undefined ? undefined : chainLine(line)));
    return this.#chained;
  }

  /** One form of every event; one that cannot be made is left out (and reported), not the batch. */
  private each<Form>(make: (item: PendingEvent, index: number) => Form): (Form | undefined)[] {
    return this.pending.map((item, index) => {
      try {
        return make(item, index);
      } catch (error) {
        // The runtime's own code: should it fail, the operator hears of it, the application never.
        reportOnce('build-event', `building an event failed: ${describeThrown(error)}`);
        return undefined;
      }
    });
  }
}

function present<Form>(forms: readonly (Form | undefined)[]): Form[] {
  return forms.filter((form): form is Form => form !== undefined);
}

// A write that holds the event loop this long is worth telling the operator about, once per sink.
const SLOW_WRITE_MS = 100;

const failuresBySink = new Map<string, number>();
const reportedFailures = new WeakSet<object>();
const reportedSlowness = new WeakSet<object>();
// Whether a sink's `write` is running: whatever is recorded meanwhile comes from the sink's own code.
let insideSink = false;
let recordedBySinks = 0;

/**
 * One batch on its way to the sinks. `run` hands it to them one after another and may stop
 * between two of them, once a deadline has passed, to be resumed later: a synchronous sink's
 * own write cannot be interrupted, but the sinks after it can wait for a later turn of the event
 * loop. A sink that throws loses this batch and nothing else: the other sinks still get it, the
 * application never sees the error, and the operator hears about the first failure of each sink
 * on stderr (the counts are in `auditStats()`).
 */
export class Delivery {
  readonly #sinks: readonly AuditSink[];
  // Let go once every sink has had it.
  #batch: EventBatch | undefined;
  #next = 0;
  readonly #tally = new WriteTally();
  // The batch's events as made, kept for the trail's watchers once every sink has had them.
  #observed: readonly EventDraft[] | undefined;

  constructor(
    sinks: readonly AuditSink[],
    /** The batch's events, counted as delivered or lost once every sink has had them. */
    readonly events: readonly PendingEvent[],
    settings: RedactionSettings,
  ) {
    this.#sinks = sinks;
    this.#batch = new EventBatch(events, settings);
  }

  /** Whether at least one sink has written the batch (it has not thrown, nor failed later). */
  get written(): boolean {
    return this.#tally.writers > 0;
  }

  /**
   * Writes to the sinks still waiting, at least one, and stops early once `deadline` (a
   * `performance.now()` time) has passed. True when every sink has had the batch.
   */
  run(deadline: number): boolean {
    while (this.#next < this.#sinks.length) {
      const sink = this.#sinks[this.#next++];
      if (this.#batch !== undefined && writeTo(sink, this.#batch, this.events.length, this.#tally)) this.#tally.writers++;
      if (this.#next < this.#sinks.length && performance.now() >= deadline) return false;
    }
    if (this.#batch !== undefined && hasWatchers()) this.#observed = this.#batch.drafts;
    this.#batch = undefined;
    return true;
  }

  /** The delivered batch's events for the trail's watchers (once; none without a watcher). */
  takeObserved(): readonly EventDraft[] | undefined {
    const observed = this.#observed;
    this.#observed = undefined;
    return observed;
  }

  /** The batch was counted (delivered or lost); `onAllFailedLate` recounts it as lost should every sink that wrote it fail later. */
  counted(onAllFailedLate: () => void): void {
    this.#tally.onAllFailedLate = onAllFailedLate;
  }
}

/** The sinks that wrote a batch: what a sink that finishes later keeps of it (not its events). */
class WriteTally {
  // Sinks that returned from `write`, less those that failed later: a failure can be told while
  // its own `write` still runs (at exit, the file sink waits for its writer thread), so the count
  // may dip below zero until that `write` returns.
  writers = 0;
  onAllFailedLate: (() => void) | undefined;

  /** A sink that returned, or is returning, from `write` failed to write the batch after all. */
  failedLate(): void {
    this.writers--;
    if (this.writers === 0) this.onAllFailedLate?.();
  }
}

/**
 * How a sink that finishes its writes later (the file sink, on its writer thread) says that the
 * write it was given failed after all: the batch then counts as lost if no other sink wrote it,
 * as it would have had `write` thrown.
 */
export type LateFailure = () => void;

// The tally of the batch being written, for `lateFailureOfCurrentBatch`.
let currentTally: WriteTally | undefined;

/** Inside a sink's `write`: how to report later that this write failed (a no-op outside a batch of the pipeline). */
export function lateFailureOfCurrentBatch(): LateFailure {
  const tally = currentTally;
  let reported = false;
  return () => {
    if (reported) return;
    reported = true;
    tally?.failedLate();
  };
}

/** Whether the sink wrote the batch. Never throws, whatever the sink is or throws. */
function writeTo(sink: AuditSink | undefined, batch: EventBatch, count: number, tally: WriteTally): boolean {
  const started = performance.now();
  insideSink = true;
  currentTally = tally;
  try {
    sink?.write(batch);
    return sink !== undefined;
  } catch (error) {
    noteSinkFailure(sink, describeThrown(error));
    return false;
  } finally {
    insideSink = false;
    currentTally = undefined;
    noteDuration(sink, performance.now() - started, count);
  }
}

/**
 * Counts a failed write of a sink (`description`: what it threw, see describeThrown) and tells the
 * operator the first time. Also for a write that failed after `write` returned: the file sink's
 * writer thread reports its failures so.
 */
export function noteSinkFailure(sink: AuditSink | undefined, description: string): void {
  const name = sinkName(sink);
  failuresBySink.set(name, (failuresBySink.get(name) ?? 0) + 1);
  if (!firstTime(reportedFailures, sink, `sink-failed:${name}`)) return;
  reportToOperator(`the ${name} sink failed (${description}); its events are lost while it fails, and further failures are counted in auditStats().sinkFailures, not reported`);
}

function noteDuration(sink: AuditSink | undefined, milliseconds: number, count: number): void {
  if (milliseconds < SLOW_WRITE_MS || !firstTime(reportedSlowness, sink, `sink-slow:${sinkName(sink)}`)) return;
  reportToOperator(
    `the ${sinkName(sink)} sink took ${Math.round(milliseconds)} ms to write ${count} events; the program waits while a sink writes, so a slow sink should hand its work to a worker thread or an asynchronous queue`,
  );
}

/** True the first time for a sink: per object, or per name for a sink that is not one. */
function firstTime(seen: WeakSet<object>, sink: unknown, key: string): boolean {
  if (isObjectLike(sink)) {
    if (seen.has(sink)) return false;
    seen.add(sink);
    return true;
  }
  if (seenKeys.has(key)) return false;
  seenKeys.add(key);
  return true;
}

const seenKeys = new Set<string>();

/**
 * Asked by the recorder before it records anything: whether a sink's `write` is running, which
 * means the event comes from the sink's own code (its MLX calls, its `auditEvent`). Such an event
 * is left out and counted, since recording it would schedule another drain, whose write would
 * record another, and the process would never go idle.
 */
export function refusedInsideSink(): boolean {
  if (!insideSink) return false;
  countRecordedBySinks(1);
  return true;
}

/** Counts events a sink recorded while it was written to, which the pipeline left out. */
export function countRecordedBySinks(count: number): void {
  recordedBySinks += count;
  reportOnce(
    'recorded-by-sink',
    'a sink recorded events while it was being written (its own MLX calls or auditEvent); they are left out, so that the sink does not feed itself, and counted in auditStats().recordedBySinks',
  );
}

export function recordedBySinksCount(): number {
  return recordedBySinks;
}

export function sinkFailureCounts(): Record<string, number> {
  return Object.fromEntries(failuresBySink);
}
