import './support/quiet.js';
import { afterEach, describe, expect, it } from 'vitest';
import { auditEvent } from '../src/audit-event.js';
import { configure, flushAuditLog } from '../src/configure.js';
import { neutralizeEvent } from '../src/escape.js';
import type { AuditEvent } from '../src/sinks/sink.js';
import { watchTrail, type TrailWatcher, type WatchedEvent } from '../src/watchers.js';
import { captureSink, parsedLines, type CaptureSink } from './support/capture.js';

// The runtime's side of watching: a watcher gets each delivered batch and may answer with alerts,
// which the runtime writes as its own records. What a watcher answers that is not an alert, or
// that cannot be written as JSON, is refused; a watcher that throws stops nothing.

const stops: (() => void)[] = [];

function watching(watcher: TrailWatcher): void {
  stops.push(watchTrail(watcher));
}

function capture(): CaptureSink {
  const sink = captureSink();
  configure({ sinks: [sink], exitHooks: false, hmacKey: null });
  return sink;
}

afterEach(() => {
  for (const stop of stops.splice(0)) stop();
  configure({ sinks: [], exitHooks: false });
});

function alert(fields: Record<string, unknown> = {}): Record<string, unknown> {
  return { '@timestamp': '2026-03-01T12:00:00.000Z', 'event.kind': 'alert', 'event.action': 'mlx-audit.alert', 'rule.id': 'test.rule', ...fields };
}

const alertsOf = (sink: CaptureSink) => parsedLines(sink).filter((event) => event['event.action'] === 'mlx-audit.alert');

describe('watchTrail', () => {
  it('hands each delivered batch to the watcher, the events the sinks got, in order', () => {
    const sink = capture();
    const seen: WatchedEvent[] = [];
    watching((events) => {
      seen.push(...events);
    });
    for (let i = 0; i < 3; i++) auditEvent('app.step', { kind: 'inference' });
    flushAuditLog();
    const actions = seen.map((event) => event['event.action']).filter((action) => action === 'app.step');
    expect(actions).toHaveLength(3);
    // The events as made: those the sinks got, before the chain and the neutralisation of strings.
    const withoutChain = sink.events.map((event) => Object.fromEntries(Object.entries(event).filter(([field]) => field !== 'trail.line' && field !== 'event.hash')));
    expect(seen.filter((event) => event['event.action'] === 'app.step').map(neutralizeEvent)).toEqual(withoutChain);
  });

  it('writes the alerts it answers as records of the run: the next sequence number, this process, the ECS version', () => {
    const sink = capture();
    let answered = false;
    watching((events) => {
      if (answered || !events.some((event) => event['event.action'] === 'app.step')) return undefined;
      answered = true;
      return [alert({ 'process.pid': 1, 'event.sequence': 999_999, 'ecs.version': '0.0.0' }) as AuditEvent];
    });
    auditEvent('app.step', { kind: 'inference' });
    flushAuditLog();
    const [written] = alertsOf(sink);
    const step = parsedLines(sink).find((event) => event['event.action'] === 'app.step');
    expect(written).toMatchObject({ 'rule.id': 'test.rule', 'process.pid': process.pid, 'ecs.version': '8.11.0', 'event.sequence': (step?.['event.sequence'] as number) + 1 });
    expect(Object.keys(written ?? {}).slice(0, 4)).toEqual(['@timestamp', 'ecs.version', 'event.sequence', 'process.pid']);
  });

  it('refuses what is not an alert, or cannot be written as JSON, and writes the rest', () => {
    const sink = capture();
    const cycle: Record<string, unknown> = alert({ 'rule.id': 'cycle' });
    cycle.self = cycle;
    let answered = false;
    watching(() => {
      if (answered) return undefined;
      answered = true;
      return [
        alert({ 'event.action': 'app.not-an-alert' }),
        alert({ 'event.kind': 'event' }),
        alert({ '@timestamp': 'yesterday' }),
        cycle,
        alert({ 'mlx.count': 10n }),
        'a string',
        null,
        alert({ 'rule.id': 'kept', callback: () => 'dropped' }),
      ] as unknown as AuditEvent[];
    });
    auditEvent('app.step');
    flushAuditLog();
    expect(alertsOf(sink).map((event) => event['rule.id'])).toEqual(['kept']);
    expect(alertsOf(sink)[0]).not.toHaveProperty('callback');
  });

  it('copies an alert when it is queued: the watcher cannot change the record afterwards', () => {
    const sink = capture();
    const raised = alert({ 'event.reason': 'as raised' });
    let answered = false;
    watching(() => {
      if (answered) return undefined;
      answered = true;
      return [raised as AuditEvent];
    });
    auditEvent('app.step');
    flushAuditLog();
    raised['event.reason'] = 'changed';
    expect(alertsOf(sink)[0]?.['event.reason']).toBe('as raised');
    expect(sink.events.find((event) => event['event.action'] === 'mlx-audit.alert')?.['event.reason']).toBe('as raised');
  });

  it('goes on with the other watchers, and with this one later, when one throws', () => {
    const sink = capture();
    let calls = 0;
    watching(() => {
      calls++;
      throw new Error('watcher bug');
    });
    const seen: unknown[] = [];
    watching((events) => {
      seen.push(...events.map((event) => event['event.action']));
    });
    auditEvent('app.first');
    flushAuditLog();
    auditEvent('app.second');
    flushAuditLog();
    expect(calls).toBeGreaterThanOrEqual(2);
    expect(seen).toEqual(expect.arrayContaining(['app.first', 'app.second']));
    expect(sink.events.map((event) => event['event.action'])).toEqual(['app.first', 'app.second']);
  });

  it('stops calling a watcher once stopped, and refuses what is not a function', () => {
    capture();
    let calls = 0;
    const stop = watchTrail(() => {
      calls++;
    });
    auditEvent('app.first');
    flushAuditLog();
    stop();
    auditEvent('app.second');
    flushAuditLog();
    expect(calls).toBe(1);
    expect(() => watchTrail('not a function' as unknown as TrailWatcher)).toThrow(TypeError);
  });

  it('leaves an application unable to write an alert record through auditEvent', () => {
    const sink = capture();
    auditEvent('mlx-audit.alert', { kind: 'inference' });
    flushAuditLog();
    expect(alertsOf(sink)).toEqual([]);
  });
});
