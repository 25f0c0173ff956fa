import type { AuditEvent } from '@mlx-audit/runtime';
import { describe, expect, it } from 'vitest';
import { createMonitor, type Alert } from '../src/index.js';
import { ALERT_ENVELOPE, chained, Run, stamp } from './events.js';

// Each auditing-gap rule on a crafted run: it fires on the gap, and stays quiet on the same run
// without it. Streams are chained and carry lifecycle records unless the test is about them, so
// the no-chain and no-lifecycle rules stay out of the way.

function detect(events: readonly AuditEvent[]): Alert[] {
  const monitor = createMonitor();
  return [...monitor.pushAll(events), ...monitor.end()];
}

const RUN = 'a'.repeat(32);

/** A complete run: started, a few calls, stopped. */
function cleanRun(run = new Run()): AuditEvent[] {
  return [run.started(0), run.call(1000, 'nn.Module#forward', 'success'), run.call(2000, 'nn.Module#forward', 'success'), run.stopped(3000)];
}

describe('auditing-gap.sequence', () => {
  it('names the missing sequence numbers of the run', () => {
    const run = new Run();
    const events = [run.started(0), run.call(1000, 'core.matmul', 'success')];
    run.lose(3);
    events.push(run.call(2000, 'core.matmul', 'success'), run.stopped(3000));
    expect(detect(chained(events))).toEqual([
      {
        '@timestamp': stamp(2000),
        ...ALERT_ENVELOPE,
        'log.level': 'error',
        'event.severity': 73,
        'event.reason': `3 event(s) of run ${RUN} are missing: event.sequence goes from 2 to 6`,
        'rule.id': 'auditing-gap.sequence',
        'rule.name': 'Events missing from a run',
        'rule.description': expect.stringMatching(/^event\.sequence skips numbers/) as unknown,
        'rule.category': 'auditing-gap',
        'service.name': 'svc',
        'process.pid': 4242,
        'mlx_audit.run': RUN,
        'mlx_audit.gap.from': 3,
        'mlx_audit.gap.to': 5,
        'mlx_audit.gap.count': 3,
        'mlx_audit.evidence.sequences': [2, 6],
      },
    ]);
  });

  it('stays quiet on a gap-free run, on repeated events (two copies of a trail), and across two runs of one process id', () => {
    expect(detect(chained(cleanRun()))).toEqual([]);
    const run = new Run();
    const events = cleanRun(run);
    const [first, second, third, fourth] = events as [AuditEvent, AuditEvent, AuditEvent, AuditEvent];
    expect(detect(chained([first, second, second, third, second, fourth]))).toEqual([]);
    // The same process id, reused by a later run that starts its sequence again.
    expect(detect(chained([...cleanRun(), ...cleanRun(new Run('b'.repeat(32)))]))).toEqual([]);
  });

  it('keeps runs apart: two processes interleaved have no gap', () => {
    const one = new Run('1'.repeat(32), 1);
    const two = new Run('2'.repeat(32), 2);
    const events = [one.started(0), two.started(0), one.call(1, 'x', 'success'), two.call(1, 'x', 'success'), one.stopped(2), two.stopped(2)];
    expect(detect(chained(events))).toEqual([]);
  });
});

describe('auditing-gap.dropped', () => {
  it('fires on each drop record with its count', () => {
    const run = new Run();
    const alerts = detect(chained([run.started(0), run.dropped(500, 6), run.stopped(1000)]));
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({
      '@timestamp': stamp(500),
      'rule.id': 'auditing-gap.dropped',
      'event.severity': 47,
      'log.level': 'warn',
      'event.reason': "the runtime's buffer was full: 6 routine event(s) were turned away",
      'mlx_audit.dropped': 6,
      'process.pid': 4242,
      'mlx_audit.evidence.sequences': [2],
    });
  });

  it('stays quiet on an application event that only looks like one', () => {
    const run = new Run();
    const events = [run.started(0), run.event(500, { 'event.action': 'app.dropped', count: 6 }), run.stopped(1000)];
    expect(detect(chained(events))).toEqual([]);
  });
});

describe('auditing-gap.sinks-off', () => {
  it('fires on a configuration with no sink', () => {
    const run = new Run();
    const alerts = detect(chained([run.started(0), run.configured(100, []), run.stopped(200)]));
    expect(alerts.map((alert) => alert['rule.id'])).toEqual(['auditing-gap.sinks-off']);
    expect(alerts[0]).toMatchObject({ '@timestamp': stamp(100), 'event.severity': 73, 'mlx_audit.run': RUN, 'mlx_audit.evidence.sequences': [2] });
  });

  it('stays quiet on a configuration that keeps a sink', () => {
    const run = new Run();
    expect(detect(chained([run.started(0), run.configured(100, ['stderr']), run.stopped(200)]))).toEqual([]);
  });

  it('takes a sink added again after a gap as the configuration it is, not as lost events', () => {
    const run = new Run();
    const events = [run.started(0), run.call(1, 'x', 'success')];
    run.lose(10);
    events.push(run.configured(100, ['file']), run.stopped(200));
    expect(detect(chained(events))).toEqual([]);
  });
});

describe('auditing-gap.not-stopped', () => {
  it('fires at the end of the input for a run without its stopped record, at its last event', () => {
    const run = new Run();
    const events = cleanRun(run).slice(0, 3);
    const monitor = createMonitor();
    expect(monitor.pushAll(chained(events))).toEqual([]);
    const alerts = monitor.end();
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({
      '@timestamp': stamp(2000),
      'rule.id': 'auditing-gap.not-stopped',
      'event.severity': 47,
      'mlx_audit.run': RUN,
      'process.pid': 4242,
      'event.reason': `run ${RUN} ends without mlx-audit.stopped: the process crashed or was killed, or the trail was cut`,
      'mlx_audit.evidence.sequences': [3],
    });
  });

  it('stays quiet when the run stopped, events of exit listeners after the record included', () => {
    const run = new Run();
    expect(detect(chained([...cleanRun(run), run.call(4000, 'x', 'success')]))).toEqual([]);
  });
});

describe('auditing-gap.no-chain and auditing-gap.no-lifecycle', () => {
  it('reads a trail of an earlier version (no chain, no lifecycle record) and says so in two alerts, nothing else', () => {
    const run = new Run();
    const events = [run.call(0, 'x', 'success'), run.call(10, 'x', 'success')];
    const alerts = detect(events);
    expect(alerts.map((alert) => [alert['rule.id'], alert['event.reason'], alert['@timestamp'], alert['event.severity']])).toEqual([
      ['auditing-gap.no-chain', "none of the input's 2 event(s) carries a chain (trail.line, event.hash)", stamp(10), 21],
      ['auditing-gap.no-lifecycle', "none of the input's 2 event(s) is a lifecycle record of the runtime", stamp(10), 21],
    ]);
  });

  it('stays quiet when one event carries a chain and one is a lifecycle record, and on an empty input', () => {
    const run = new Run();
    const [started, call, stopped] = [run.started(0), run.call(1, 'x', 'success'), run.stopped(2)];
    expect(detect([started, ...chained([call]), stopped])).toEqual([]);
    expect(detect([])).toEqual([]);
  });

  it('takes a hash that is not 64 hex digits as no chain', () => {
    const run = new Run();
    const events = [run.started(0), { ...run.stopped(1), 'trail.line': 1, 'event.hash': 'xyz' }];
    expect(detect(events).map((alert) => alert['rule.id'])).toEqual(['auditing-gap.no-chain']);
  });
});
