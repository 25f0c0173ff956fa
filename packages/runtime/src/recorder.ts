import diagnosticsChannel from 'node:diagnostics_channel';
import { CallContext } from './call-context.js';
import { AUDIT_KINDS } from './catalogue-tables.js';
import { knownChannels, watchNewChannels, type AuditChannel } from './channels.js';
import { currentCorrelation } from './context.js';
import { refusedInsideSink } from './dispatch.js';
import { summarizeError } from './errors.js';
import { reportOnce } from './internal-report.js';
import { modelCallRecorded, observeModelCall } from './model-identity/model-calls.js';
import { modelOf } from './model-identity/module-models.js';
import { admit, enqueue, nextSequence, recordBytes } from './pipeline.js';
import { redactionSettings } from './settings.js';
import { MAX_ARGUMENTS, summarizeArguments, summarize, summarizeReceiver } from './summarize.js';
import { describeThrown } from './describe-thrown.js';

/**
 * The runtime's own subscriber. It listens to `end` (synchronous calls), `asyncEnd` (settled
 * promises) and `error` (for sites in `errors` mode, which publish nothing else), never to
 * `start`: the context already carries the start time, and a `start` subscriber would only add
 * a publish to every call.
 */
function onEnd(message: unknown): void {
  if (message instanceof CallContext && message.site.mode === 'event' && !message.asynchronous) record(message);
}

function onAsyncEnd(message: unknown): void {
  if (message instanceof CallContext && message.site.mode === 'event') record(message);
}

function onError(message: unknown): void {
  if (message instanceof CallContext && message.site.mode === 'errors') record(message);
}

/**
 * The hot path once a sink is active: summaries of what the event needs, into the buffer.
 * Never throws: diagnostics_channel would rethrow a subscriber's error as an uncaught exception.
 */
function record(context: CallContext): void {
  try {
    // A sink's own MLX calls: recording them would make every drain feed the next (counted there).
    if (refusedInsideSink()) return;
    const endTime = performance.now();
    const { site, failed } = context;
    // Receiver, result and the arguments (an `omitted` summary past 64).
    const bytes = recordBytes(2 + Math.min(context.args.length, MAX_ARGUMENTS + 1));
    if (!admit(failed || AUDIT_KINDS.has(site.kind), bytes)) return;
    const correlation = currentCorrelation();
    // Summaries are complete now, redaction included: the buffer keeps none of the call's values.
    const settings = redactionSettings();
    // A model load's or save's files, hashed already or not (model-identity/); undefined for other calls.
    const modelCall = observeModelCall(context, settings);
    const sequence = nextSequence();
    // Every field written out, in one literal: a spread into a literal makes a slower object.
    enqueue({
      site,
      sequence,
      startTime: context.startTime,
      endTime,
      failed,
      phase: context.phase,
      receiver: summarizeReceiver(context.self, site.receiver, settings),
      args: summarizeArguments(context.args, site.args, settings),
      result: failed ? undefined : summarize(context.result, undefined, settings),
      error: failed ? summarizeError(context.error, settings) : undefined,
      requestId: correlation.requestId,
      clientId: correlation.clientId,
      traceId: correlation.traceId,
      spanId: correlation.spanId,
      files: modelCall?.files,
      // The weights a module was last loaded from: one WeakMap lookup per call on a module.
      model: site.receiver === 'module' ? modelOf(context.self) : undefined,
      bytes: bytes + (modelCall?.bytes ?? 0),
    });
    if (modelCall !== undefined) modelCallRecorded(modelCall, context, sequence, correlation);
  } catch (error) {
    reportOnce('record', `recording a call failed: ${describeThrown(error)}`);
  }
}

let active = false;

// By name, as Node recommends over Channel#subscribe; the names resolve to the channels that
// channels.ts holds, so these are the channels instrumented code checks.
function subscribe(channel: AuditChannel): void {
  diagnosticsChannel.subscribe(channel.end.name, onEnd);
  diagnosticsChannel.subscribe(channel.asyncEnd.name, onAsyncEnd);
  diagnosticsChannel.subscribe(channel.error.name, onError);
}

function unsubscribe(channel: AuditChannel): void {
  diagnosticsChannel.unsubscribe(channel.end.name, onEnd);
  diagnosticsChannel.unsubscribe(channel.asyncEnd.name, onAsyncEnd);
  diagnosticsChannel.unsubscribe(channel.error.name, onError);
}

/**
 * Subscribes the recorder to every channel, present and future, or unsubscribes it. Off means
 * no subscriber at all, so `site.channel.hasSubscribers` is false and instrumented code takes
 * the plain path.
 */
export function setRecording(on: boolean): void {
  if (on === active) return;
  active = on;
  for (const channel of knownChannels()) {
    if (on) subscribe(channel);
    else unsubscribe(channel);
  }
  watchNewChannels(on ? subscribe : undefined);
}
