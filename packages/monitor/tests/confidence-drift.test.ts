import type { AuditEvent } from '@mlx-audit/runtime';
import { describe, expect, it } from 'vitest';
import { allRules, confidenceDriftRule, createMonitor, Monitor, type Alert, type ConfidenceDriftOptions } from '../src/index.js';
import { ALERT_ENVELOPE, MINUTE, Run, stamp } from './events.js';

// confidence-drift.psi at its threshold: a window of 500 rows against the first 1,000, by the
// Population Stability Index with half a row added to every bucket. Defaults: threshold 0.25.

function detect(events: readonly AuditEvent[], options: ConfidenceDriftOptions = {}): Alert[] {
  const monitor = new Monitor([confidenceDriftRule(options)]);
  return [...monitor.pushAll(events), ...monitor.end()];
}

/** An application's event carrying a `confidenceSummary`, as `auditEvent` writes it. */
function confidence(run: Run, at: number, max: number[], entropy: number[], fields: Record<string, string> = {}): AuditEvent {
  const rows = max.reduce((sum, count) => sum + count, 0);
  return run.event(at, {
    'event.action': 'model.confidence',
    'event.outcome': 'success',
    'mlx.kind': 'inference',
    'mlx.data': { confidence_entropy: entropy, confidence_invalid_rows: 0, confidence_max_probability: max, confidence_rows: rows },
    ...fields,
  });
}

/** PSI by its definition: shares after adding `smoothing` to every bucket, Σ (a − e) · ln(a / e). */
function psiByHand(expected: readonly number[], actual: readonly number[], smoothing = 0.5): number {
  const share = (counts: readonly number[]) => {
    const total = counts.reduce((sum, count) => sum + count + smoothing, 0);
    return counts.map((count) => (count + smoothing) / total);
  };
  const e = share(expected);
  const a = share(actual);
  return e.reduce((sum, _, bucket) => sum + ((a[bucket] ?? 0) - (e[bucket] ?? 0)) * Math.log((a[bucket] ?? 0) / (e[bucket] ?? 0)), 0);
}

// A confident model: most rows have a max probability of 0.8 and more, and a low entropy.
const BASELINE_MAX = [0, 0, 0, 0, 0, 50, 100, 150, 300, 400];
const BASELINE_ENTROPY = [400, 300, 150, 100, 50, 0, 0, 0, 0, 0];
/** Half the baseline's rows, in its shape: a window that has not drifted. */
const STEADY_MAX = BASELINE_MAX.map((count) => count / 2);
const STEADY_ENTROPY = BASELINE_ENTROPY.map((count) => count / 2);

/** A window of 500 rows in the baseline's shape but for `moved` rows taken from the top tenth to 0.5–0.6. */
function movedWindow(moved: number): number[] {
  return [0, 0, 0, 0, 0, 25 + moved, 50, 75, 150, 200 - moved];
}

describe('confidence-drift.psi', () => {
  it('fires when a window of 500 rows has a PSI just above 0.25 (71 rows moved to 0.5–0.6), with its figures and both histograms', () => {
    // By hand: 0.2525 with 71 rows moved, 0.2464 with 70; the entropy's shape is unchanged (0.0017).
    expect(psiByHand(BASELINE_MAX, movedWindow(71))).toBeCloseTo(0.2525, 4);
    expect(psiByHand(BASELINE_MAX, movedWindow(70))).toBeCloseTo(0.2464, 4);
    expect(psiByHand(BASELINE_ENTROPY, STEADY_ENTROPY)).toBeCloseTo(0.0017, 4);

    const run = new Run();
    const alerts = detect([confidence(run, 0, BASELINE_MAX, BASELINE_ENTROPY), confidence(run, MINUTE, movedWindow(71), STEADY_ENTROPY)]);
    expect(alerts).toEqual([
      {
        '@timestamp': stamp(MINUTE),
        ...ALERT_ENVELOPE,
        'log.level': 'warn',
        'event.severity': 47,
        'event.reason':
          'The confidence of model.confidence in svc drifted over its last 500 rows from its first 1000: PSI 0.2525 for the max probability (about 0.84 on average then, 0.78 now) ' +
          'and 0.0017 for the entropy (about 0.16 then, 0.16 now), threshold 0.25',
        'rule.id': 'confidence-drift.psi',
        'rule.name': "The model's confidence drifted from its baseline",
        'rule.description': expect.stringContaining('Population Stability Index') as unknown,
        'rule.category': 'confidence-drift',
        'service.name': 'svc',
        'process.pid': 4242,
        'mlx.binding': 'model.confidence',
        'mlx_audit.confidence.action': 'model.confidence',
        'mlx_audit.psi.max_probability': 0.2525,
        'mlx_audit.psi.entropy': 0.0017,
        'mlx_audit.baseline.rows': 1000,
        'mlx_audit.window.rows': 500,
        'mlx_audit.baseline.max_probability': BASELINE_MAX,
        'mlx_audit.window.max_probability': movedWindow(71),
        'mlx_audit.baseline.entropy': BASELINE_ENTROPY,
        'mlx_audit.window.entropy': STEADY_ENTROPY,
        'mlx_audit.evidence.sequences': [2],
      },
    ]);
  });

  it('stays quiet just below (70 rows moved, PSI 0.2464), and on a window in the baseline\'s shape', () => {
    const run = new Run();
    expect(detect([confidence(run, 0, BASELINE_MAX, BASELINE_ENTROPY), confidence(run, MINUTE, movedWindow(70), STEADY_ENTROPY)])).toEqual([]);
    const steady = new Run();
    expect(detect([confidence(steady, 0, BASELINE_MAX, BASELINE_ENTROPY), confidence(steady, MINUTE, STEADY_MAX, STEADY_ENTROPY)])).toEqual([]);
  });

  it('fires on the entropy alone, and compares a lower threshold (0.1, a moderate shift)', () => {
    const run = new Run();
    // The max probabilities in the baseline's shape (0.0017, from the half row of smoothing), the entropy spread to the upper half.
    const spread = [0, 0, 0, 0, 0, 100, 100, 100, 100, 100];
    const alerts = detect([confidence(run, 0, BASELINE_MAX, BASELINE_ENTROPY), confidence(run, MINUTE, STEADY_MAX, spread)]);
    expect(alerts.map((alert) => [alert['mlx_audit.psi.max_probability'], alert['mlx_audit.psi.entropy'] as number > 0.25])).toEqual([[0.0017, true]]);
    // 45 rows moved: 0.1164 by hand, a moderate shift.
    expect(psiByHand(BASELINE_MAX, movedWindow(45))).toBeCloseTo(0.1164, 4);
    const moderate = new Run();
    const events = [confidence(moderate, 0, BASELINE_MAX, BASELINE_ENTROPY), confidence(moderate, MINUTE, movedWindow(45), STEADY_ENTROPY)];
    expect(detect(events)).toEqual([]);
    expect(detect(events, { threshold: 0.1 }).map((alert) => alert['mlx_audit.psi.max_probability'])).toEqual([0.1164]);
  });

  it('judges a window only once it holds 500 rows, counted over events; a baseline only once it holds 1,000', () => {
    const run = new Run();
    const window = movedWindow(100);
    // 499 rows of the drifted window in one event, then a single row: judged at the 500th, with both events as evidence.
    const almost = window.map((count, bucket) => (bucket === 9 ? count - 1 : count));
    const single = window.map((_, bucket) => (bucket === 9 ? 1 : 0));
    const events = [confidence(run, 0, BASELINE_MAX, BASELINE_ENTROPY), confidence(run, MINUTE, almost, STEADY_ENTROPY.map((count, bucket) => (bucket === 0 ? count - 1 : count)))];
    expect(detect(events)).toEqual([]);
    const alerts = detect([...events, confidence(run, 2 * MINUTE, single, [1, 0, 0, 0, 0, 0, 0, 0, 0, 0])]);
    expect(alerts.map((alert) => [alert['mlx_audit.window.rows'], alert['mlx_audit.evidence.sequences']])).toEqual([[500, [2, 3]]]);
    // 999 rows are not yet a baseline: the next event completes it, whatever it holds.
    const early = new Run();
    const short = BASELINE_MAX.map((count, bucket) => (bucket === 9 ? count - 1 : count));
    const shortEntropy = BASELINE_ENTROPY.map((count, bucket) => (bucket === 0 ? count - 1 : count));
    expect(detect([confidence(early, 0, short, shortEntropy), confidence(early, MINUTE, window, STEADY_ENTROPY)])).toEqual([]);
  });

  it('alerts once an episode, and again after a window back under the threshold', () => {
    const run = new Run();
    const drifted = movedWindow(150);
    const events = [
      confidence(run, 0, BASELINE_MAX, BASELINE_ENTROPY),
      confidence(run, 1 * MINUTE, drifted, STEADY_ENTROPY),
      confidence(run, 2 * MINUTE, drifted, STEADY_ENTROPY),
      confidence(run, 3 * MINUTE, STEADY_MAX, STEADY_ENTROPY),
      confidence(run, 4 * MINUTE, drifted, STEADY_ENTROPY),
    ];
    expect(detect(events).map((alert) => alert['@timestamp'])).toEqual([stamp(MINUTE), stamp(4 * MINUTE)]);
  });

  it('keeps series apart by action and service, and reads flattened fields', () => {
    const run = new Run();
    const events = [
      confidence(run, 0, BASELINE_MAX, BASELINE_ENTROPY),
      // Another action starts its own baseline with the drifted shape: no alert for it.
      confidence(run, 1000, movedWindow(150), STEADY_ENTROPY, { 'event.action': 'ranker.confidence' }),
      confidence(run, 2000, movedWindow(150), STEADY_ENTROPY, { 'event.action': 'ranker.confidence' }),
      confidence(run, 3000, movedWindow(150), STEADY_ENTROPY, { 'service.name': 'other' }),
      confidence(run, 4000, movedWindow(150), STEADY_ENTROPY, { 'service.name': 'other' }),
    ];
    expect(detect(events)).toEqual([]);
    // A pipeline that flattened `mlx.data` into dotted keys: the same alert.
    const flat = new Run();
    const flattened = [confidence(flat, 0, BASELINE_MAX, BASELINE_ENTROPY), confidence(flat, MINUTE, movedWindow(150), STEADY_ENTROPY)].map(({ 'mlx.data': data, ...rest }) => ({
      ...rest,
      ...Object.fromEntries(Object.entries(data as Record<string, unknown>).map(([key, value]) => [`mlx.data.${key}`, value])),
    })) as AuditEvent[];
    expect(detect(flattened).map((alert) => alert['rule.id'])).toEqual(['confidence-drift.psi']);
  });

  it('skips what is no confidence summary: runtime records, other data, other bucket counts, unequal totals', () => {
    const run = new Run();
    const drifted = movedWindow(150);
    const events = [
      confidence(run, 0, BASELINE_MAX, BASELINE_ENTROPY),
      confidence(run, 1, drifted, STEADY_ENTROPY, { 'event.action': 'mlx-audit.alert' }),
      run.event(2, { 'event.action': 'model.confidence', 'mlx.data': { confidence_max_probability: drifted.slice(0, 9), confidence_entropy: STEADY_ENTROPY.slice(0, 9) } }),
      run.event(3, { 'event.action': 'model.confidence', 'mlx.data': { confidence_max_probability: drifted, confidence_entropy: BASELINE_ENTROPY } }),
      run.event(4, { 'event.action': 'model.confidence', 'mlx.data': { confidence_max_probability: drifted.map((count) => count + 0.5), confidence_entropy: STEADY_ENTROPY } }),
      run.event(5, { 'event.action': 'model.confidence', 'mlx.data': { batch: 2 } }),
    ];
    expect(detect(events)).toEqual([]);
  });

  it('keeps at most maxKeys series, forgetting the least recently seen', () => {
    const monitor = new Monitor([confidenceDriftRule({ maxKeys: 10 })]);
    const run = new Run();
    for (let series = 0; series < 50; series++) monitor.push(confidence(run, series, BASELINE_MAX, BASELINE_ENTROPY, { 'event.action': `model-${series}.confidence` }));
    expect(monitor.state()).toEqual({ 'confidence-drift.psi': { keys: 10, evicted: 40 } });
    // An evicted series starts over: its next event is a baseline again, not a window.
    expect(monitor.push(confidence(run, 100, movedWindow(150), STEADY_ENTROPY, { 'event.action': 'model-0.confidence' }))).toEqual([]);
  });

  it('refuses options it cannot use', () => {
    expect(() => confidenceDriftRule({ baselineRows: 99 })).toThrow(/baselineRows must be at least 100 rows/);
    expect(() => confidenceDriftRule({ windowRows: 0 })).toThrow(/windowRows must be a positive integer/);
    expect(() => confidenceDriftRule({ threshold: 0 })).toThrow(/threshold must be a positive number/);
    expect(() => confidenceDriftRule({ smoothing: -1 })).toThrow(/smoothing must be a positive number/);
    expect(() => confidenceDriftRule({ maxKeys: 0 })).toThrow(/maxKeys must be a positive integer/);
  });

  it('is opt-in: among the default rules only with confidenceDrift options, and always among all rules', () => {
    const ids = (rules: readonly { id: string }[]) => rules.map((rule) => rule.id).filter((id) => id.startsWith('confidence-drift.'));
    expect(ids(createMonitor().rules)).toEqual([]);
    expect(ids(createMonitor({ confidenceDrift: {} }).rules)).toEqual(['confidence-drift.psi']);
    expect(ids(allRules())).toEqual(['confidence-drift.psi']);
    expect(ids(allRules({ confidenceDrift: { threshold: 0.1 } }))).toEqual(['confidence-drift.psi']);
  });
});
