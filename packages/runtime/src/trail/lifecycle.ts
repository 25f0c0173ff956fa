import { createRequire } from 'node:module';
import { sinkName } from '../describe-thrown.js';
import { sinkFailureCounts } from '../dispatch.js';
import type { EventDraft } from '../event.js';
import { deliverNow, nextSequence, pipelineStats } from '../pipeline.js';
import { redactionSettings, type RedactionSettings } from '../settings.js';
import type { AuditSink } from '../sinks/sink.js';
import { trailControlOf } from './control.js';
import { TRAIL_ACTIONS } from './format.js';
import { RUN_ID } from './process-chain.js';
import { recordEnvelope } from './records.js';

// The runtime's own records of its life, to every sink: `mlx-audit.started` when a process first
// has sinks, `mlx-audit.configured` at each later configure() (to the sinks it drops as well, before
// they close), `mlx-audit.stopped` when the process ends. A trail whose run has no `stopped`
// record ended in a crash, or was cut. They say which settings are in force, never a key.

const VERSION = runtimeVersion();

/** What a configuration record says of the configuration: booleans for keys, never their values. */
export interface ConfigurationSummary {
  readonly sinks: readonly AuditSink[];
  readonly settings: RedactionSettings;
  /** The seal interval when a seal key is in force. */
  readonly sealEveryLines: number | undefined;
  readonly capacity: number;
  readonly byteCapacity: number;
  /** The model allow-list in force, if any: its mode and how many hashes it holds (never the hashes). */
  readonly models: { readonly mode: string; readonly allowed: number } | undefined;
}

/** How the process ends: its exit code, or the signal it dies of. */
export type ProcessEnding = { readonly exitCode: number; readonly signal?: undefined } | { readonly signal: NodeJS.Signals; readonly exitCode?: undefined };

let started = false;
let stopped = false;

/**
 * Writes a configuration's record, now, to the sinks of the previous configuration and of this
 * one: the first configuration with sinks is the run's start, every later one a change.
 */
export function announceConfiguration(previous: readonly AuditSink[], summary: ConfigurationSummary): void {
  if (!started && summary.sinks.length === 0) return;
  const action = started ? TRAIL_ACTIONS.configured : TRAIL_ACTIONS.started;
  started = true;
  const audience = [...previous, ...summary.sinks.filter((sink) => !previous.includes(sink))];
  if (audience.length === 0) return;
  deliverNow(configurationRecord(action, summary), audience);
}

/**
 * The run ends: the `stopped` record with the pipeline's counters, then each file sink seals what
 * is unsealed and seals every later batch (what the application's exit listeners record).
 */
export function announceStop(sinks: readonly AuditSink[], ending: ProcessEnding): void {
  if (!started || stopped || sinks.length === 0) return;
  stopped = true;
  deliverNow(stoppedRecord(ending), sinks);
  for (const sink of sinks) trailControlOf(sink)?.finish();
}

function envelope(action: string, type: string, level: 'info' | 'warn', serviceName: string | undefined): EventDraft {
  return { ...recordEnvelope({ action, category: 'process', type, level, sequence: nextSequence(), serviceName }), 'mlx_audit.run': RUN_ID };
}

function configurationRecord(action: string, summary: ConfigurationSummary): EventDraft {
  const { settings } = summary;
  return {
    ...envelope(action, action === TRAIL_ACTIONS.started ? 'start' : 'change', 'info', settings.serviceName),
    'mlx_audit.version': VERSION,
    'mlx_audit.sinks': summary.sinks.map(sinkName),
    'mlx_audit.paths': settings.paths,
    'mlx_audit.error_messages': settings.errorMessages,
    'mlx_audit.hmac_key': settings.key !== null,
    'mlx_audit.seal_key': summary.sealEveryLines !== undefined,
    'mlx_audit.seal_every_lines': summary.sealEveryLines,
    'mlx_audit.buffer_size': summary.capacity,
    'mlx_audit.buffer_bytes': summary.byteCapacity,
    // Whether loads are checked at all: a reader of the trail tells "allowed" from "never checked".
    'mlx_audit.models': summary.models?.mode ?? 'none',
    'mlx_audit.models_allowed': summary.models?.allowed ?? 0,
  };
}

function stoppedRecord(ending: ProcessEnding): EventDraft {
  const stats = pipelineStats();
  const failures = sinkFailureCounts();
  const incomplete = stats.dropped + stats.lost + stats.recordedBySinks + Object.keys(failures).length > 0;
  return {
    ...envelope(TRAIL_ACTIONS.stopped, 'end', incomplete ? 'warn' : 'info', redactionSettings().serviceName),
    'mlx_audit.stop_reason': ending.signal === undefined ? 'exit' : 'signal',
    'process.exit_code': ending.exitCode,
    'mlx_audit.signal': ending.signal,
    'mlx_audit.recorded': stats.recorded,
    'mlx_audit.dropped': stats.dropped,
    'mlx_audit.delivered': stats.delivered,
    'mlx_audit.lost': stats.lost,
    'mlx_audit.recorded_by_sinks': stats.recordedBySinks,
    'mlx_audit.sink_failures': failures,
  };
}

function runtimeVersion(): string {
  try {
    // src/trail/ and dist/trail/ are both two levels below the package's root.
    const manifest = createRequire(import.meta.url)('../../package.json') as { version?: unknown };
    return typeof manifest.version === 'string' ? manifest.version : 'unknown';
  } catch {
    return 'unknown';
  }
}
