import type { AuditEvent, JsonValue } from '@mlx-audit/runtime';

// Crafted events in the runtime's format: one process run, its sequence numbered as the runtime
// numbers it (every event and lifecycle record takes the next number; file records take none).

export const BASE = Date.parse('2026-03-01T12:00:00.000Z');
export const MINUTE = 60_000;

export function stamp(offsetMs: number): string {
  return new Date(BASE + offsetMs).toISOString();
}

export class Run {
  sequence = 0;
  readonly id: string;
  readonly pid: number;

  constructor(id = 'a'.repeat(32), pid = 4242) {
    this.id = id;
    this.pid = pid;
  }

  event(at: number, fields: Record<string, JsonValue>): AuditEvent {
    return {
      '@timestamp': stamp(at),
      'event.kind': 'event',
      'event.sequence': ++this.sequence,
      'process.pid': this.pid,
      'service.name': 'svc',
      ...fields,
    };
  }

  started(at = 0): AuditEvent {
    return this.event(at, { 'event.action': 'mlx-audit.started', 'mlx_audit.run': this.id, 'mlx_audit.sinks': ['file'] });
  }

  configured(at: number, sinks: string[]): AuditEvent {
    return this.event(at, { 'event.action': 'mlx-audit.configured', 'mlx_audit.run': this.id, 'mlx_audit.sinks': sinks });
  }

  stopped(at: number): AuditEvent {
    return this.event(at, { 'event.action': 'mlx-audit.stopped', 'mlx_audit.run': this.id, 'mlx_audit.stop_reason': 'exit' });
  }

  dropped(at: number, count: number): AuditEvent {
    return this.event(at, { 'event.action': 'mlx-audit.dropped', count });
  }

  call(at: number, binding: string, outcome: 'success' | 'failure', fields: Record<string, JsonValue> = {}): AuditEvent {
    return this.event(at, { 'event.action': binding, 'event.outcome': outcome, 'mlx.kind': 'inference', 'mlx.binding': binding, ...fields });
  }

  load(at: number, outcome: 'success' | 'failure', path = '/models/m.safetensors'): AuditEvent {
    return this.call(at, 'core.load', outcome, { 'mlx.kind': 'model-load', 'file.path': path, 'file.hash.sha256': 'f'.repeat(64) });
  }

  /** Skips `count` sequence numbers: events the trail lost. */
  lose(count: number): void {
    this.sequence += count;
  }
}

/** Adds the chain's fields, as the file sink writes them (the values are not checked by the monitor). */
export function chained(events: readonly AuditEvent[]): AuditEvent[] {
  return events.map((event, index) => ({ ...event, 'trail.line': index + 1, 'event.hash': index.toString(16).padStart(64, '0') }));
}

/** The fields every alert has, whatever its rule. */
export const ALERT_ENVELOPE = {
  'ecs.version': '8.11.0',
  'event.kind': 'alert',
  'event.category': ['process'],
  'event.type': ['info'],
  'event.action': 'mlx-audit.alert',
} as const;

/** A seeded generator (mulberry32): the same synthetic hours of events on every run. */
export function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}
