import { deliver, type PendingEvent } from './dispatch.js';
import { buildDroppedEvent, buildManualEvent, type CallRecord, type ManualRecord } from './event.js';
import { reportOnce } from './internal-report.js';
import { redactionSettings } from './settings.js';
import type { AuditSink } from './sinks/sink.js';

export const DEFAULT_BUFFER_SIZE = 16_384;
// Records turned into events per drain step: bounds how long one setImmediate callback runs.
const DRAIN_STEP = 1024;
// A sink whose writes make instrumented calls refills the buffer; stop after this many steps.
const MAX_STEPS_PER_FLUSH = 10_000;

let capacity = DEFAULT_BUFFER_SIZE;
let sinks: readonly AuditSink[] = [];
const records: (CallRecord | ManualRecord)[] = [];
let droppedSinceLastReport = 0;
let sequence = 0;
let drainScheduled = false;
let draining = false;
const totals = { recorded: 0, dropped: 0, delivered: 0 };

export function setPipeline(options: { sinks: readonly AuditSink[]; capacity: number }): void {
  sinks = options.sinks;
  capacity = options.capacity;
}

/**
 * Whether the hot path should record a call, asked before any summary is built. A full buffer
 * turns away routine events (counted, and reported by a `mlx-audit.dropped` record) but never an
 * audit event (model load or save, any failure): for those it drains synchronously first.
 */
export function admit(audit: boolean): boolean {
  if (records.length < capacity) return true;
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

/** Appends a record; serialisation and I/O wait for a setImmediate callback. */
export function enqueue(record: CallRecord | ManualRecord): void {
  records.push(record);
  totals.recorded++;
  scheduleDrain();
}

function scheduleDrain(): void {
  if (drainScheduled) return;
  drainScheduled = true;
  setImmediate(drainStep);
}

function drainStep(): void {
  drainScheduled = false;
  runDrain(1);
  if (records.length > 0) scheduleDrain();
}

/** Drains everything now, synchronously: at exit, on reconfiguration, when audit events need room. */
export function flushPipeline(): void {
  runDrain(MAX_STEPS_PER_FLUSH);
}

function runDrain(maxSteps: number): void {
  if (draining) return;
  draining = true;
  try {
    for (let step = 0; step < maxSteps && (records.length > 0 || droppedSinceLastReport > 0); step++) {
      const batch = records.splice(0, DRAIN_STEP);
      const events: PendingEvent[] = [];
      const settings = redactionSettings();
      for (const record of batch) {
        if ('site' in record) {
          // Its event is made by the batch, in the form each sink asks for (dispatch.ts).
          events.push({ record });
          continue;
        }
        try {
          events.push({ event: buildManualEvent(record, settings) });
        } catch (error) {
          // The runtime's own code: should it fail, the operator hears of it, the application never.
          reportOnce('build-event', `building an event failed: ${String(error)}`);
        }
      }
      if (droppedSinceLastReport > 0) {
        events.push({ event: buildDroppedEvent(droppedSinceLastReport, nextSequence()) });
        droppedSinceLastReport = 0;
      }
      deliver(sinks, events, settings);
      totals.delivered += events.length;
    }
  } finally {
    draining = false;
  }
}

export interface PipelineStats {
  /** Calls recorded into the buffer. */
  readonly recorded: number;
  /** Routine events turned away by a full buffer. */
  readonly dropped: number;
  /** Events (and drop records) handed to the sinks. */
  readonly delivered: number;
  /** Records waiting in the buffer. */
  readonly buffered: number;
}

export function pipelineStats(): PipelineStats {
  return { ...totals, buffered: records.length };
}
