import type { AuditEvent } from '@mlx-audit/runtime';
import { describe, expect, it } from 'vitest';
import { burnRateRule, createMonitor, Monitor, modelLoadFailuresRule, type Alert } from '../src/index.js';
import { ALERT_ENVELOPE, MINUTE, Run, stamp } from './events.js';

// The error-spike rules at their thresholds: just under, quiet; just over, an alert with its key.
// Defaults: objective 99%, burn rate 14.4 (an error rate over 14.4%) over 5 min and 1 h, at least
// 10 calls a window; 5 failed model loads of a service within 5 min.

function detect(rule: Monitor['rules'][number], events: readonly AuditEvent[]): Alert[] {
  const monitor = new Monitor([rule]);
  return [...monitor.pushAll(events), ...monitor.end()];
}

/** `successes` then `failures` calls of one binding, a second apart from `start`. */
function calls(run: Run, binding: string, successes: number, failures: number, start = 0): AuditEvent[] {
  const events: AuditEvent[] = [];
  for (let i = 0; i < successes; i++) events.push(run.call(start + events.length * 1000, binding, 'success'));
  for (let i = 0; i < failures; i++) events.push(run.call(start + events.length * 1000, binding, 'failure'));
  return events;
}

describe('error-spike.burn-rate', () => {
  it('fires when 15 of 100 calls fail in both windows (burn rate 15 > 14.4), with the binding and both windows', () => {
    const run = new Run();
    const alerts = detect(burnRateRule(), calls(run, 'nn.Module#forward', 85, 15));
    expect(alerts).toEqual([
      {
        '@timestamp': stamp(99_000),
        ...ALERT_ENVELOPE,
        'log.level': 'error',
        'event.severity': 73,
        'event.reason': 'nn.Module#forward failed 15 of 100 calls in 5 min and 15 of 100 in 60 min: burn rates 15.0 and 15.0 against an objective of 99% (threshold 14.4)',
        'rule.id': 'error-spike.burn-rate',
        'rule.name': 'MLX calls of one binding failing fast',
        'rule.description': expect.stringContaining('error budget') as unknown,
        'rule.category': 'error-spike',
        'mlx.binding': 'nn.Module#forward',
        'service.name': 'svc',
        'mlx_audit.window.short.calls': 100,
        'mlx_audit.window.short.failures': 15,
        'mlx_audit.window.long.calls': 100,
        'mlx_audit.window.long.failures': 15,
        'mlx_audit.evidence.sequences': [91, 92, 93, 94, 95, 96, 97, 98, 99, 100],
      },
    ]);
  });

  it('stays quiet at 14 failures of 100 (burn rate 14.0), and per binding: failures of another binding do not count', () => {
    const run = new Run();
    expect(detect(burnRateRule(), calls(run, 'nn.Module#forward', 86, 14))).toEqual([]);
    const other = new Run();
    const mixed = [...calls(other, 'core.matmul', 85, 0), ...calls(other, 'core.load', 0, 15, 85_000)];
    expect(detect(burnRateRule(), mixed).map((alert) => alert['mlx.binding'])).toEqual(['core.load']);
  });

  it('needs both windows: a short burst after an hour of successes stays quiet, and so does an old spike', () => {
    const run = new Run();
    // 1,000 successes over 50 minutes, then 20 of 40 calls failing: 50% in 5 min, 1.9% in the hour.
    const hour: AuditEvent[] = [];
    for (let i = 0; i < 1000; i++) hour.push(run.call(i * 3000, 'core.matmul', 'success'));
    expect(detect(burnRateRule(), [...hour, ...calls(run, 'core.matmul', 20, 20, 51 * MINUTE)])).toEqual([]);
    // Failures 30 minutes ago, then ten minutes of successes: the hour burns, the last 5 minutes do not.
    const old = new Run();
    const recovered = [...calls(old, 'core.matmul', 0, 30), ...calls(old, 'core.matmul', 60, 0, 30 * MINUTE)];
    const alerts = detect(burnRateRule(), recovered);
    // The spike itself alerted once when it happened (both windows held only it), never again.
    expect(alerts.map((alert) => alert['@timestamp'])).toEqual([stamp(9000)]);
  });

  it('skips sparse series: 9 failed calls are not judged, the 10th is', () => {
    expect(detect(burnRateRule(), calls(new Run(), 'x', 0, 9))).toEqual([]);
    expect(detect(burnRateRule(), calls(new Run(), 'x', 0, 10)).map((alert) => alert['mlx_audit.window.short.calls'])).toEqual([10]);
  });

  it('alerts once an episode, and again after the windows recover', () => {
    const run = new Run();
    const events = [...calls(run, 'x', 0, 20), ...calls(run, 'x', 200, 0, 2 * 60 * MINUTE), ...calls(run, 'x', 0, 20, 4 * 60 * MINUTE)];
    expect(detect(burnRateRule(), events).map((alert) => alert['@timestamp'])).toEqual([stamp(9000), stamp(4 * 60 * MINUTE + 9000)]);
  });

  it('counts an application event with an MLX kind under its action, and leaves out the runtime records and events without a kind', () => {
    const run = new Run();
    const events: AuditEvent[] = [];
    for (let i = 0; i < 10; i++) events.push(run.event(i, { 'event.action': 'model.inference', 'event.outcome': 'failure', 'mlx.kind': 'inference' }));
    for (let i = 0; i < 10; i++) events.push(run.event(i, { 'event.action': 'app.request', 'event.outcome': 'failure' }));
    for (let i = 0; i < 10; i++) events.push(run.event(i, { 'event.action': 'mlx-audit.model-not-hashed', 'event.outcome': 'failure', 'mlx.kind': 'model-load' }));
    expect(detect(burnRateRule(), events).map((alert) => alert['mlx.binding'])).toEqual(['model.inference']);
  });

  it('refuses options it cannot use', () => {
    expect(() => burnRateRule({ objective: 1 })).toThrow(TypeError);
    expect(() => burnRateRule({ shortWindowMs: 90_000 })).toThrow(/whole number of bucketMs/);
    expect(() => burnRateRule({ shortWindowMs: 60 * MINUTE })).toThrow(/shorter than longWindowMs/);
    expect(() => burnRateRule({ minCalls: 0 })).toThrow(/minCalls must be a positive integer/);
  });
});

describe('error-spike.model-load-failures', () => {
  function loads(run: Run, spacingMs: number, count: number): AuditEvent[] {
    return Array.from({ length: count }, (_, i) => run.load(i * spacingMs, 'failure'));
  }

  it('fires on the 5th failed load within 5 minutes, with the file and the burst as evidence', () => {
    const alerts = detect(modelLoadFailuresRule(), loads(new Run(), MINUTE, 5));
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({
      '@timestamp': stamp(4 * MINUTE),
      'rule.id': 'error-spike.model-load-failures',
      'event.severity': 73,
      'event.reason': '5 model loads of svc failed within 5 min',
      'mlx.binding': 'core.load',
      'file.path': '/models/m.safetensors',
      'file.hash.sha256': 'f'.repeat(64),
      'service.name': 'svc',
      'process.pid': 4242,
      'mlx_audit.failures': 5,
      'mlx_audit.evidence.sequences': [1, 2, 3, 4, 5],
    });
  });

  it('stays quiet on 4 failures, on 5 spread over exactly 5 minutes, and on successful loads', () => {
    expect(detect(modelLoadFailuresRule(), loads(new Run(), MINUTE, 4))).toEqual([]);
    expect(detect(modelLoadFailuresRule(), loads(new Run(), 75_000, 5))).toEqual([]);
    const run = new Run();
    expect(detect(modelLoadFailuresRule(), Array.from({ length: 20 }, (_, i) => run.load(i, 'success')))).toEqual([]);
  });

  it('counts a crash loop across processes of one service, and keeps services apart', () => {
    const events = Array.from({ length: 5 }, (_, i) => new Run(String(i).repeat(32), 100 + i).load(i * 1000, 'failure'));
    expect(detect(modelLoadFailuresRule(), events)).toHaveLength(1);
    const split = events.map((event, i) => ({ ...event, 'service.name': i % 2 === 0 ? 'a' : 'b' }));
    expect(detect(modelLoadFailuresRule(), split)).toEqual([]);
  });

  it('is among the default rules', () => {
    const ids = createMonitor().rules.map((rule) => rule.id);
    expect(ids).toEqual(expect.arrayContaining(['error-spike.burn-rate', 'error-spike.model-load-failures']));
  });
});
