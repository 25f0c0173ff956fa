import type { AuditEvent } from '@mlx-audit/runtime';
import { describe, expect, it } from 'vitest';
import { createMonitor, Monitor, type Alert, type Rule } from '../src/index.js';
import { chained, MINUTE, Run } from './events.js';

// The engine: the same events give the same alerts (one call or many, once or twice), and state
// stays at its limit whatever the number of keys.

/** A stream that raises every kind of alert: a gap, a drop, sinks off, a burn, a load burst, an unstopped run. */
function busyStream(): AuditEvent[] {
  const events: AuditEvent[] = [];
  const one = new Run('1'.repeat(32), 1);
  const two = new Run('2'.repeat(32), 2);
  events.push(one.started(0), two.started(0));
  for (let i = 0; i < 200; i++) {
    events.push(one.call(i * 1000, 'nn.Module#forward', i % 5 === 0 ? 'failure' : 'success'));
    if (i % 50 === 0) two.lose(1);
    events.push(two.call(i * 1000, 'core.matmul', 'success'));
    if (i % 40 === 0) events.push(one.load(i * 1000 + 1, 'failure'));
  }
  events.push(one.dropped(250_000, 3), two.configured(260_000, []), one.stopped(10 * MINUTE));
  return chained(events);
}

function detectAll(events: readonly AuditEvent[]): Alert[] {
  const monitor = createMonitor();
  return [...monitor.pushAll(events), ...monitor.end()];
}

describe('the monitor', () => {
  it('gives the same alerts for the same stream, every time, and raises each rule of the busy stream', () => {
    const first = detectAll(busyStream());
    const second = detectAll(busyStream());
    expect(second).toEqual(first);
    expect(JSON.stringify(second)).toBe(JSON.stringify(first));
    expect(new Set(first.map((alert) => alert['rule.id']))).toEqual(
      new Set(['auditing-gap.sequence', 'auditing-gap.dropped', 'auditing-gap.sinks-off', 'auditing-gap.not-stopped', 'error-spike.burn-rate', 'error-spike.model-load-failures']),
    );
  });

  it('gives the same alerts for a stream split across calls, at any point', () => {
    const events = busyStream();
    const whole = detectAll(events);
    for (const at of [1, 137, Math.floor(events.length / 2), events.length - 1]) {
      const monitor = createMonitor();
      const split = [...monitor.pushAll(events.slice(0, at)), ...monitor.pushAll(events.slice(at)), ...monitor.end()];
      expect(split).toEqual(whole);
    }
    const monitor = createMonitor();
    const oneByOne = [...events.flatMap((event) => monitor.push(event)), ...monitor.end()];
    expect(oneByOne).toEqual(whole);
  });

  it('reads time from the events only: alerts do not depend on when the stream is read', () => {
    const events = busyStream();
    const before = detectAll(events);
    const realNow = Date.now;
    try {
      Date.now = () => 0;
      expect(detectAll(events)).toEqual(before);
    } finally {
      Date.now = realNow;
    }
  });

  it('keeps its state at the limit over 100,000 distinct runs, bindings and services', () => {
    const limit = 1000;
    const monitor = createMonitor({ auditingGaps: { maxRuns: limit }, burnRate: { maxKeys: limit }, modelLoadFailures: { maxKeys: limit } });
    for (let i = 0; i < 100_000; i++) {
      const run = new Run(i.toString(16).padStart(32, '0'), i);
      monitor.push(run.started(i));
      monitor.push({ ...run.load(i, 'failure'), 'mlx.binding': `binding-${i}`, 'service.name': `service-${i}` });
    }
    const state = monitor.state();
    // The run rules hold two maps at the limit: a run's state and which run each process is in.
    expect(state['auditing-gap.sequence']).toEqual({ keys: 2 * limit, evicted: 100_000 - limit });
    expect(state['auditing-gap.not-stopped']).toEqual({ keys: 2 * limit, evicted: 100_000 - limit });
    expect(state['error-spike.burn-rate']).toEqual({ keys: limit, evicted: 100_000 - limit });
    expect(state['error-spike.model-load-failures']).toEqual({ keys: limit, evicted: 100_000 - limit });
    // Forgotten runs are not reported at the end: only the runs still held.
    const unstopped = monitor.end().filter((alert) => alert['rule.id'] === 'auditing-gap.not-stopped');
    expect(unstopped).toHaveLength(limit);
    expect(unstopped[0]?.['mlx_audit.run']).toBe((100_000 - limit).toString(16).padStart(32, '0'));
  });

  it('gives a rule only the events it reads, and raises the alerts of an event in the order of the rules', () => {
    const seen: Record<string, string[]> = { all: [], loads: [], configured: [], both: [] };
    const rule = (id: string, reads?: Rule['reads']): Rule => ({
      id,
      name: id,
      description: id,
      category: 'test',
      ...(reads === undefined ? {} : { reads }),
      observe({ event }, emit) {
        const action = event['event.action'];
        seen[id]?.push(typeof action === 'string' ? action : '');
        emit({ 'rule.id': id } as unknown as Alert);
      },
      state: () => ({ keys: 0, evicted: 0 }),
    });
    const monitor = new Monitor([
      rule('loads', { kinds: ['model-load'] }),
      rule('all'),
      rule('configured', { actions: ['mlx-audit.configured'] }),
      rule('both', { actions: ['mlx-audit.configured'], kinds: ['model-load'] }),
    ]);
    const run = new Run();
    const events = [run.started(0), run.load(1, 'success'), run.call(2, 'nn.Module#forward', 'success'), run.configured(3, []), run.load(4, 'failure')];
    const raised = events.map((event) => monitor.push(event).map((alert) => alert['rule.id']));
    expect(raised).toEqual([['all'], ['loads', 'all', 'both'], ['all'], ['all', 'configured', 'both'], ['loads', 'all', 'both']]);
    expect(seen).toEqual({
      all: ['mlx-audit.started', 'core.load', 'nn.Module#forward', 'mlx-audit.configured', 'core.load'],
      loads: ['core.load', 'core.load'],
      configured: ['mlx-audit.configured'],
      both: ['core.load', 'mlx-audit.configured', 'core.load'],
    });
  });

  it('takes no event after its end, and refuses two rules of one id', () => {
    const monitor = createMonitor();
    monitor.end();
    expect(monitor.end()).toEqual([]);
    expect(() => monitor.push(new Run().started())).toThrow(/has ended/);
    expect(() => createMonitor({ rules: [...createMonitor().rules, ...createMonitor().rules] })).toThrow(/two rules have the id/);
  });

  it('reads events with fields of the wrong type or no timestamp without throwing', () => {
    const monitor = createMonitor();
    const odd: AuditEvent[] = [{}, { '@timestamp': 'yesterday', 'event.sequence': -1 }, { 'event.action': 'mlx-audit.configured', 'mlx_audit.sinks': 'none' }, { 'mlx.kind': 'inference', 'event.outcome': 'failure' }];
    expect(() => [...monitor.pushAll(odd), ...monitor.end()]).not.toThrow();
  });
});
