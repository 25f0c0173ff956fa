import { countRecordedBySinks, Delivery, recordedBySinksCount, type PendingEvent } from './dispatch.js';
import { describeThrown } from './describe-thrown.js';
import { buildDroppedEvent, buildManualEvent, type CallRecord, type EventDraft, type ManualRecord } from './event.js';
import { reportOnce } from './internal-report.js';
import { redactionSettings } from './settings.js';
import type { AuditSink } from './sinks/sink.js';
import { notifyWatchers } from './watchers.js';

export const DEFAULT_BUFFER_SIZE = 16_384;
export const DEFAULT_BUFFER_BYTES = 32 * 1024 * 1024;
// What a record holds, estimated from its number of arguments: every summary is bounded by
// construction (strings are lengths and digests, lists are counts, paths and messages are cut),
// so a record's size follows from how many summaries it has.
const RECORD_BYTES = 1024;
const ARGUMENT_BYTES = 256;
// Records turned into events per drain step: bounds how long one setImmediate callback runs.
const DRAIN_STEP = 1024;
// Past this time in one setImmediate callback, the sinks still waiting for a batch wait for the
// next one, so the application's timers and I/O run between two slow sinks.
const DRAIN_BUDGET_MS = 10;
// A sink whose writes make instrumented calls refills the buffer; stop after this many steps.
const MAX_STEPS_PER_FLUSH = 10_000;

let capacity = DEFAULT_BUFFER_SIZE;
let byteCapacity = DEFAULT_BUFFER_BYTES;
let bufferedBytes = 0;
let sinks: readonly AuditSink[] = [];
/** An event the runtime made whole (an alert a watcher raised): written as it is. */
interface MadeRecord {
  readonly event: EventDraft;
  readonly bytes: number;
}
const records: (CallRecord | ManualRecord | MadeRecord)[] = [];
let droppedSinceLastReport = 0;
let sequence = 0;
let scheduledDrain: NodeJS.Immediate | undefined;
// Set once the process is exiting (exit-hooks.ts): no later turn of the loop would drain.
let synchronous = false;
let draining = false;
// A batch that some sinks have not had yet (a drain step ran out of time): delivered first.
let unfinished: Delivery | undefined;
const totals = { recorded: 0, dropped: 0, delivered: 0, lost: 0 };

export function setPipeline(options: { sinks: readonly AuditSink[]; capacity: number; byteCapacity: number }): void {
  sinks = options.sinks;
  capacity = options.capacity;
  byteCapacity = options.byteCapacity;
}

/** The estimated size of a record with this many argument summaries, counted against `bufferBytes`. */
export function recordBytes(summaries: number): number {
  return RECORD_BYTES + ARGUMENT_BYTES * summaries;
}

/**
 * Whether the hot path should record a call of `bytes` (`recordBytes`), asked before any summary
 * is built. A full buffer (by records or by bytes) turns away routine events (counted, and
 * reported by a `mlx-audit.dropped` record) but never an audit event (model load or save, any
 * failure): for those it drains synchronously first.
 */
export function admit(audit: boolean, bytes: number): boolean {
  if (records.length < capacity && bufferedBytes + bytes <= byteCapacity) return true;
  if (!audit) {
    droppedSinceLastReport++;
    totals.dropped++;
    return false;
  }
  // While a drain is delivering (a sink made an instrumented call), grow past capacity instead.
  if (!draining) flushPipeline();
  return true;
}

/** Whether any sink is configured: without one, nothing is recorded. */
export function hasSinks(): boolean {
  return sinks.length > 0;
}

export function nextSequence(): number {
  return ++sequence;
}

/**
 * Appends an event of the runtime's that is already made (its `event.sequence` from
 * `nextSequence`), past the buffer's limits: the runtime's own records are never turned away.
 */
export function enqueueEvent(event: EventDraft): void {
  enqueue({ event, bytes: recordBytes(4) });
}

/** Appends a record; serialisation and I/O wait for a setImmediate callback, or not at all once the process is exiting. */
export function enqueue(record: CallRecord | ManualRecord | MadeRecord): void {
  records.push(record);
  bufferedBytes += record.bytes;
  totals.recorded++;
  if (synchronous) flushPipeline();
  else scheduleDrain();
}

/**
 * Delivers each record as it is enqueued (on) or on the next turn of the loop (off, the default).
 * From `exit` on there is no next turn; during `beforeExit` a scheduled drain would revive the
 * loop and make Node emit `beforeExit` again. Turning it on cancels the scheduled drain (so the
 * loop can end), which leaves flushing what is buffered to the caller.
 */
export function setSynchronousDelivery(on: boolean): void {
  synchronous = on;
  if (on && scheduledDrain !== undefined) {
    clearImmediate(scheduledDrain);
    scheduledDrain = undefined;
  } else if (!on && (records.length > 0 || unfinished !== undefined)) {
    scheduleDrain();
  }
}

function scheduleDrain(): void {
  scheduledDrain ??= setImmediate(drainStep);
}

function drainStep(): void {
  scheduledDrain = undefined;
  runDrain(1, performance.now() + DRAIN_BUDGET_MS);
  if (records.length > 0 || unfinished !== undefined) scheduleDrain();
}

/** Drains everything now, synchronously: at exit, on reconfiguration, when audit events need room. */
export function flushPipeline(): void {
  runDrain(MAX_STEPS_PER_FLUSH, Infinity);
}

/** Up to `maxSteps` batches, each to every sink; stops between two sinks once `deadline` has passed. */
function runDrain(maxSteps: number, deadline: number): void {
  if (draining) return;
  draining = true;
  try {
    if (unfinished !== undefined && !continueDelivery(unfinished, deadline)) return;
    for (let step = 0; step < maxSteps && (records.length > 0 || droppedSinceLastReport > 0) && performance.now() < deadline; step++) {
      const batch = records.splice(0, DRAIN_STEP);
      for (const record of batch) bufferedBytes -= record.bytes;
      const events: PendingEvent[] = [];
      const settings = redactionSettings();
      for (const record of batch) {
        if ('site' in record) {
          // Its event is made by the batch, in the form each sink asks for (dispatch.ts).
          events.push({ record });
          continue;
        }
        if ('event' in record) {
          events.push({ event: record.event });
          continue;
        }
        try {
          events.push({ event: buildManualEvent(record, settings) });
        } catch (error) {
          // The runtime's own code: should it fail, the operator hears of it, the application never.
          reportOnce('build-event', `building an event failed: ${describeThrown(error)}`);
        }
      }
      if (droppedSinceLastReport > 0) {
        events.push({ event: buildDroppedEvent(droppedSinceLastReport, nextSequence()) });
        droppedSinceLastReport = 0;
      }
      if (events.length > 0 && !continueDelivery(new Delivery(sinks, events, settings), deadline)) return;
    }
  } finally {
    draining = false;
  }
}

/** Hands a batch to the sinks that have not had it; false when the deadline came first. */
function continueDelivery(delivery: Delivery, deadline: number): boolean {
  const buffered = records.length;
  const dropped = droppedSinceLastReport;
  const done = delivery.run(deadline);
  leaveOutRecordedBySinks(buffered, dropped);
  unfinished = done ? undefined : delivery;
  if (done) {
    const count = delivery.events.length;
    if (delivery.written) {
      totals.delivered += count;
      delivery.counted(() => {
        totals.delivered -= count;
        totals.lost += count;
      });
    } else totals.lost += count;
    // The watchers' alerts join the buffer, behind what was recorded meanwhile.
    for (const alert of watch(delivery)) enqueueEvent(alert);
  }
  return done;
}

/** The alerts the trail's watchers raise on a delivered batch. */
function watch(delivery: Delivery): EventDraft[] {
  const observed = delivery.takeObserved();
  return observed === undefined || observed.length === 0 ? [] : notifyWatchers(observed, nextSequence);
}

/**
 * Hands one event of the runtime's own (a lifecycle record) to `to` now, outside the buffer, so it
 * reaches sinks a configuration is about to drop. Not counted as delivered or lost; what the sinks
 * record meanwhile is left out, as in a drain.
 */
export function deliverNow(event: EventDraft, to: readonly AuditSink[]): void {
  const buffered = records.length;
  const dropped = droppedSinceLastReport;
  // As in a drain: what a sink records meanwhile must not start another delivery inside its write.
  const wasDraining = draining;
  draining = true;
  try {
    const delivery = new Delivery(to, [{ event }], redactionSettings());
    delivery.run(Infinity);
    // What the record makes a watcher raise (auditing turned off) goes to the same sinks, now:
    // they are the last to hear from this configuration.
    for (const alert of watch(delivery)) new Delivery(to, [{ event: alert }], redactionSettings()).run(Infinity);
  } finally {
    draining = wasDraining;
  }
  leaveOutRecordedBySinks(buffered, dropped);
}

/**
 * Only sinks' code runs while a batch is delivered, so what was recorded meanwhile comes from a
 * sink (an `auditEvent`; the recorder refuses instrumented calls itself). Kept, it would make the
 * next drain's write record more, for ever: it is taken back out, and counted.
 */
function leaveOutRecordedBySinks(buffered: number, dropped: number): void {
  const added = records.splice(buffered);
  for (const record of added) bufferedBytes -= record.bytes;
  const turnedAway = droppedSinceLastReport - dropped;
  droppedSinceLastReport = dropped;
  totals.recorded -= added.length;
  totals.dropped -= turnedAway;
  if (added.length + turnedAway > 0) countRecordedBySinks(added.length + turnedAway);
}

export interface PipelineStats {
  /** Calls recorded into the buffer. */
  readonly recorded: number;
  /** Routine events turned away by a full buffer. */
  readonly dropped: number;
  /**
   * Events (drop records included) that at least one sink wrote, that is, whose `write` did not
   * throw. With several sinks, `sinkFailures` says which sink failed how often.
   */
  readonly delivered: number;
  /** Events that no sink wrote: every sink threw on their batch. */
  readonly lost: number;
  /**
   * Events recorded by a sink's own code while it was being written (its MLX calls, its
   * `auditEvent`), left out: recording them would make every write feed the next drain.
   */
  readonly recordedBySinks: number;
  /** Records waiting in the buffer. */
  readonly buffered: number;
  /** Their estimated size in bytes (see `bufferBytes`). */
  readonly bufferedBytes: number;
}

export function pipelineStats(): PipelineStats {
  return { ...totals, recordedBySinks: recordedBySinksCount(), buffered: records.length, bufferedBytes };
}
