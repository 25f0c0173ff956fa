import type { AuditEvent, JsonValue } from '@mlx-audit/runtime';
import { describe, expect, it } from 'vitest';
import { createMonitor, latencyShiftRule, Monitor, type Alert, type LatencyShiftOptions } from '../src/index.js';
import { ALERT_ENVELOPE, MINUTE, Run, seeded, stamp } from './events.js';

// latency-shift.band at its thresholds and over hours of traffic. Defaults: one-minute buckets,
// the level the median of the last 5, the band median ± 3·MAD (at least ±20% of the median; ±50%
// when the MAD is 0) of the 60 buckets before them, outside for 5 min; a bucket counts with 5
// calls, a baseline with 30 counting buckets.

const MS = 1e6;
const HOUR = 60 * MINUTE;

function detect(events: readonly AuditEvent[], options: LatencyShiftOptions = {}): Alert[] {
  const monitor = new Monitor([latencyShiftRule(options)]);
  return [...monitor.pushAll(events), ...monitor.end()];
}

function evaluation(run: Run, at: number, durationNs: number, fields: Record<string, JsonValue> = {}): AuditEvent {
  return run.call(at, 'core.eval', 'success', { 'mlx.kind': 'evaluation', 'mlx.lazy': false, 'event.duration': durationNs, ...fields });
}

/** Evaluations in each minute (10 s apart, `perMinute` of them), minute m taking `durationsMs[m]` ms each. */
function minutes(run: Run, durationsMs: readonly number[], perMinute: number | ((minute: number) => number) = 5): AuditEvent[] {
  return durationsMs.flatMap((ms, minute) =>
    Array.from({ length: typeof perMinute === 'number' ? perMinute : perMinute(minute) }, (_, i) => evaluation(run, minute * MINUTE + i * 10_000, ms * MS)),
  );
}

/**
 * A baseline whose median (100 ms) and MAD (10 ms) hold while a few high buckets replace its
 * oldest ones: 20 minutes at 110, 20 at 90, 20 at 100. The band is 70 to 130 ms.
 */
const BASELINE = [...Array<number>(20).fill(110), ...Array<number>(20).fill(90), ...Array<number>(20).fill(100)];

function shifted(levelMs: number, shiftMinutes: number, after = 10): number[] {
  return [...BASELINE, ...Array<number>(shiftMinutes).fill(levelMs), ...Array<number>(after).fill(100)];
}

describe('latency-shift.band at its thresholds', () => {
  it('fires when the level stays just above the band for 5 min, with the binding and the figures', () => {
    // 130.1 ms for minutes 60-65: the level (3 of 5 buckets) is outside from minute 62 to 67.
    expect(detect(minutes(new Run(), shifted(130.1, 6)))).toEqual([
      {
        '@timestamp': stamp(68 * MINUTE),
        ...ALERT_ENVELOPE,
        'log.level': 'warn',
        'event.severity': 47,
        'event.reason':
          'core.eval calls took a median of 130.1 ms over the last 5 min, above the band of 70 ms to 130 ms (median 100 ms, MAD 10 ms over the 1 h before) for 5 min; ' +
          'slower calls can mean an injected delay, a flood of requests or a heavier model',
        'rule.id': 'latency-shift.band',
        'rule.name': 'MLX calls of one binding slower or faster than usual',
        'rule.description': expect.stringContaining('robust band') as unknown,
        'rule.category': 'latency-shift',
        'mlx.binding': 'core.eval',
        'mlx.kind': 'evaluation',
        'mlx.lazy': false,
        'service.name': 'svc',
        'mlx_audit.band.side': 'above',
        'mlx_audit.band.level': 130.1 * MS,
        'mlx_audit.band.median': 100 * MS,
        'mlx_audit.band.mad': 10 * MS,
        'mlx_audit.band.lower': 70 * MS,
        'mlx_audit.band.upper': 130 * MS,
        'mlx_audit.band.baseline_buckets': 60,
        'mlx_audit.band.recent_buckets': 5,
        'mlx_audit.band.outside_since': stamp(63 * MINUTE),
        'mlx_audit.evidence.sequences': [331, 332, 333, 334, 335, 336, 337, 338, 339, 340],
      },
    ]);
  });

  it('stays quiet at the edge of the band (130 ms for 20 min), and just outside for less than 5 min', () => {
    expect(detect(minutes(new Run(), shifted(130, 20)))).toEqual([]);
    // 130.1 ms for minutes 60-64: outside from minute 62 to 66, 4 minutes.
    expect(detect(minutes(new Run(), shifted(130.1, 5)))).toEqual([]);
  });

  it('counts below the band too, and says which side', () => {
    expect(detect(minutes(new Run(), shifted(70, 20)))).toEqual([]);
    const alerts = detect(minutes(new Run(), shifted(69.9, 6)));
    expect(alerts.map((alert) => [alert['mlx_audit.band.side'], alert['mlx_audit.band.level'], alert['mlx_audit.band.lower']])).toEqual([['below', 69.9 * MS, 70 * MS]]);
    expect(alerts[0]?.['event.reason']).toContain('below the band of 70 ms to 130 ms');
    expect(alerts[0]?.['event.reason']).toContain('a model swapped for a lighter one');
  });

  it('falls back to ±50% of the median when the MAD is 0, and clamps the band at 0', () => {
    const steady = (levelMs: number, shift: number): number[] => [...Array<number>(60).fill(100), ...Array<number>(shift).fill(levelMs), ...Array<number>(10).fill(100)];
    expect(detect(minutes(new Run(), steady(150, 20)))).toEqual([]);
    expect(detect(minutes(new Run(), steady(50, 20)))).toEqual([]);
    const figures = (alert: Alert): unknown[] => [alert['mlx_audit.band.side'], alert['mlx_audit.band.mad'], alert['mlx_audit.band.lower'], alert['mlx_audit.band.upper']];
    expect(detect(minutes(new Run(), steady(151, 6))).map(figures)).toEqual([['above', 0, 50 * MS, 150 * MS]]);
    expect(detect(minutes(new Run(), steady(49, 6))).map(figures)).toEqual([['below', 0, 50 * MS, 150 * MS]]);
    expect(detect(minutes(new Run(), steady(300, 6)), { fallbackFraction: 1.5 }).map(figures)).toEqual([['above', 0, 0, 250 * MS]]);
  });

  it('never narrows the band under minMarginFraction of the median', () => {
    // MAD 1 ms (as BASELINE, a tenth as wide): 3·MAD is ±3 ms, the floor ±20 ms.
    const tight = BASELINE.map((ms) => 100 + (ms - 100) / 10);
    expect(detect(minutes(new Run(), [...tight, ...Array<number>(20).fill(120)]))).toEqual([]);
    const alerts = detect(minutes(new Run(), [...tight, ...Array<number>(20).fill(121)]));
    expect(alerts.map((alert) => [alert['mlx_audit.band.mad'], alert['mlx_audit.band.upper']])).toEqual([[1 * MS, 120 * MS]]);
    expect(detect(minutes(new Run(), [...tight, ...Array<number>(20).fill(105)]), { minMarginFraction: 0 })).toHaveLength(1);
  });

  it('skips sparse series: buckets of 4 calls do not count, of 5 do', () => {
    const events = (perMinute: number): AuditEvent[] => minutes(new Run(), [...Array<number>(60).fill(100), ...Array<number>(20).fill(300)], perMinute);
    expect(detect(events(4))).toEqual([]);
    expect(detect(events(5))).toHaveLength(1);
  });

  it("takes a busy bucket's median from values spread over the whole bucket, not its first ones", () => {
    // 1,000 calls a minute: the first 400 at 300 ms, the other 600 at 100 ms (the median); then all at 300 ms.
    const run = new Run();
    const events: AuditEvent[] = [];
    for (let minute = 0; minute < 80; minute++)
      for (let i = 0; i < 1000; i++) events.push(evaluation(run, minute * MINUTE + i * 50, (minute >= 60 || i < 400 ? 300 : 100) * MS));
    expect(detect(events).map((alert) => [alert['mlx_audit.band.median'], alert['mlx_audit.band.level']])).toEqual([[100 * MS, 300 * MS]]);
  });

  it('judges a series once its baseline has 30 counting buckets', () => {
    // Minutes 0..filled-1 with 5 calls, the rest of the hour with 4, then 300 ms for minutes 60-67.
    const events = (filled: number): AuditEvent[] =>
      minutes(new Run(), [...Array<number>(60).fill(100), ...Array<number>(8).fill(300), ...Array<number>(10).fill(100)], (minute) => (minute < filled || minute >= 60 ? 5 : 4));
    expect(detect(events(29))).toEqual([]);
    expect(detect(events(30))).toHaveLength(1);
  });

  it('alerts once an episode, with the baseline frozen while it lasts: its end raises nothing', () => {
    // 300 ms for 40 minutes: a baseline that took those buckets in would call the return to 100 ms an anomaly.
    const alerts = detect(minutes(new Run(), [...Array<number>(60).fill(100), ...Array<number>(40).fill(300), ...Array<number>(60).fill(100)]));
    expect(alerts.map((alert) => alert['mlx_audit.band.side'])).toEqual(['above']);
    // Two episodes an hour apart: two alerts.
    const twice = [...Array<number>(60).fill(100), ...Array<number>(10).fill(300), ...Array<number>(60).fill(100), ...Array<number>(10).fill(300), ...Array<number>(10).fill(100)];
    expect(detect(minutes(new Run(), twice)).map((alert) => alert['@timestamp'])).toEqual([stamp(68 * MINUTE), stamp(138 * MINUTE)]);
  });

  it('takes a shift that lasts a whole baseline window for the new normal', () => {
    // Four hours at 20 ms after one at 100: one alert, then 20 ms is the normal, and 100 ms is above it.
    const alerts = detect(minutes(new Run(), [...Array<number>(60).fill(100), ...Array<number>(240).fill(20), ...Array<number>(20).fill(100)]));
    expect(alerts.map((alert) => alert['mlx_audit.band.side'])).toEqual(['below', 'above']);
  });

  it('watches successful calls of timed kinds only, lazy calls in a series of their own', () => {
    const run = new Run();
    const events: AuditEvent[] = [];
    for (let minute = 0; minute < 80; minute++) {
      const slow = minute >= 60;
      const at = minute * MINUTE;
      // The graph of a forward pass takes 2 ms to build (6 a minute); its evaluation 100 ms, then 300 (5 a minute).
      for (let i = 0; i < 6; i++) events.push(run.call(at + i * 1000, 'nn.Module#forward', 'success', { 'mlx.lazy': true, 'event.duration': 2 * MS }));
      for (let i = 0; i < 5; i++) events.push(evaluation(run, at + i * 1000 + 1, (slow ? 300 : 100) * MS));
      // None of these counts, though each would move a series: failures, training steps, a kind whose
      // time means nothing, the runtime's own record; and an application event without a duration.
      for (let i = 0; i < 7; i++) {
        const late = (slow ? 500 : 2) * MS;
        events.push(run.call(at + 10_000 + i, 'nn.Module#forward', 'failure', { 'mlx.lazy': true, 'event.duration': late }));
        events.push(run.call(at + 20_000 + i, 'nn.Module#forward', 'success', { 'mlx.lazy': true, 'mlx.phase': 'training', 'event.duration': late }));
        events.push(run.call(at + 30_000 + i, 'core.add', 'success', { 'mlx.kind': 'tensor-operation', 'event.duration': late }));
        events.push(run.event(at + 40_000 + i, { 'event.action': 'mlx-audit.model-hashed', 'mlx.kind': 'evaluation', 'event.outcome': 'success', 'event.duration': late }));
        events.push(run.call(at + 50_000 + i, 'app.step', 'success', { 'mlx.kind': 'evaluation' }));
      }
    }
    const fields = (alert: Alert): unknown[] => [alert['mlx.binding'], alert['mlx.lazy'], alert['mlx_audit.band.side']];
    expect(detect(events).map(fields)).toEqual([['core.eval', false, 'above']]);
    // The lazy calls under the evaluation's binding: mixed into its series, 6 of 11 calls at 2 ms would hold its median.
    const mixed = events.map((event) => (event['mlx.binding'] === 'nn.Module#forward' && event['event.outcome'] === 'success' && !('mlx.phase' in event) ? { ...event, 'mlx.binding': 'core.eval' } : event));
    expect(detect(mixed).map(fields)).toEqual([['core.eval', false, 'above']]);
    expect(detect(mixed, { includeLazy: false }).map(fields)).toEqual([['core.eval', false, 'above']]);
    expect(detect(events, { kinds: ['inference'] })).toEqual([]);
  });

  it('keeps its state to maxKeys series, counting the evicted', () => {
    const run = new Run();
    const rule = latencyShiftRule({ maxKeys: 100 });
    const monitor = new Monitor([rule]);
    for (let i = 0; i < 5000; i++) monitor.push(run.call(i * 100, `user.binding${i}`, 'success', { 'mlx.kind': 'inference', 'event.duration': MS }));
    expect(rule.state()).toEqual({ keys: 100, evicted: 4900 });
  });

  it('refuses options it cannot use, naming them', () => {
    expect(() => latencyShiftRule({ recentWindowMs: 90_000 })).toThrow(/recentWindowMs .* whole number of bucketMs/);
    expect(() => latencyShiftRule({ k: 0 })).toThrow(/k must be a positive number/);
    expect(() => latencyShiftRule({ fallbackFraction: -1 })).toThrow(/fallbackFraction/);
    expect(() => latencyShiftRule({ minMarginFraction: Number.NaN })).toThrow(/minMarginFraction/);
    expect(() => latencyShiftRule({ forMs: -1 })).toThrow(/forMs must be a non-negative integer/);
    expect(() => latencyShiftRule({ minValuesPerBucket: 0 })).toThrow(/minValuesPerBucket/);
    expect(() => latencyShiftRule({ minBaselineBuckets: 61 })).toThrow(/minBaselineBuckets \(61\) must not exceed/);
    expect(() => latencyShiftRule({ maxKeys: 0 })).toThrow(/maxKeys/);
    expect(() => latencyShiftRule({ kinds: [] })).toThrow(/kinds/);
  });

  it('is among the default rules', () => {
    expect(createMonitor().rules.map((rule) => rule.id)).toContain('latency-shift.band');
  });
});

/** A standard normal draw (Box-Muller). */
function gaussian(random: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
}

interface Traffic {
  readonly hours: number;
  readonly seed: number;
  /** A factor on the evaluation's duration at a time (ms from the start): an injected delay. */
  readonly evalFactor?: (at: number) => number;
  /** A factor on every duration: a swapped model. */
  readonly modelFactor?: (at: number) => number;
}

/**
 * Requests of an inference service: each a lazy forward pass (about 2 ms of graph building), its
 * evaluation (about 120 ms) and a result read out (about 0.3 ms), with log-normal noise, one call
 * in a hundred ten times slower, and a daily-ish drift of ±30% over 12 hours. The rate follows
 * the day too (15 to 45 requests a minute), and an hour in the middle is nearly idle: a sparse
 * stretch that must not count.
 */
function traffic({ hours, seed, evalFactor = () => 1, modelFactor = () => 1 }: Traffic): AuditEvent[] {
  const random = seeded(seed);
  const run = new Run();
  const events: AuditEvent[] = [];
  const duration = (typicalMs: number, at: number): number => {
    const drift = 1 + 0.3 * Math.sin((2 * Math.PI * at) / (12 * HOUR));
    const tail = random() < 0.01 ? 10 : 1;
    return Math.round(typicalMs * MS * drift * tail * modelFactor(at) * Math.exp(0.25 * gaussian(random)));
  };
  for (let at = 0; at < hours * HOUR; ) {
    const idle = at >= 3 * HOUR && at < 4 * HOUR;
    const perMinute = idle ? 2 : 30 + 15 * Math.sin((2 * Math.PI * at) / (12 * HOUR));
    at += Math.max(1, Math.round((-Math.log(1 - random()) * MINUTE) / perMinute));
    events.push(run.call(at, 'nn.Module#forward', 'success', { 'mlx.lazy': true, 'event.duration': duration(2, at) }));
    events.push(evaluation(run, at + 3, Math.round(duration(120, at) * evalFactor(at))));
    events.push(run.call(at + 130, 'array#item', 'success', { 'mlx.kind': 'data-extraction', 'event.duration': duration(0.3, at) }));
  }
  return events;
}

describe('latency-shift.band over hours of traffic', () => {
  it('raises nothing over 12 hours of normal traffic with noise, a long tail, drift and an idle hour', () => {
    for (const seed of [1, 2, 3]) expect(detect(traffic({ hours: 12, seed }))).toEqual([]);
  });

  it('raises one alert for an injected delay (×3 for 10 min), on the binding that slowed', () => {
    const start = 6 * HOUR;
    const alerts = detect(traffic({ hours: 12, seed: 1, evalFactor: (at) => (at >= start && at < start + 10 * MINUTE ? 3 : 1) }));
    expect(alerts.map((alert) => [alert['mlx.binding'], alert['mlx_audit.band.side']])).toEqual([['core.eval', 'above']]);
    const raised = Date.parse(alerts[0]?.['@timestamp'] ?? '') - Date.parse(stamp(start));
    expect(raised).toBeGreaterThan(5 * MINUTE);
    expect(raised).toBeLessThanOrEqual(10 * MINUTE);
  });

  it('raises one alert per series when the model is swapped for a trivial one, and none for the hours after', () => {
    const alerts = detect(traffic({ hours: 12, seed: 2, modelFactor: (at) => (at >= 6 * HOUR ? 0.1 : 1) }));
    expect(alerts.map((alert) => [alert['mlx.binding'], alert['mlx.lazy'], alert['mlx_audit.band.side']]).sort()).toEqual([
      ['array#item', false, 'below'],
      ['core.eval', false, 'below'],
      ['nn.Module#forward', true, 'below'],
    ]);
  });
});
