import { RESOURCES_ACTION, type AuditEvent, type JsonValue } from '@mlx-audit/runtime';
import { describe, expect, it } from 'vitest';
import { createMonitor, Monitor, resourcesRule, type Alert, type ResourcesOptions } from '../src/index.js';
import { ALERT_ENVELOPE, MINUTE, Run, seeded, stamp } from './events.js';

// resources.band at its thresholds and over hours of gauge records. Defaults: five-minute
// buckets, the level the median of the last 3, the band median + 3·MAD (at least +10% of the
// median, +50% when the MAD is 0; CPU at least +0.5 core) of the 24 buckets before them, above
// it for 5 min; a baseline needs 12 counting buckets (an hour). Only above counts.

const MIB = 2 ** 20;
const GIB = 2 ** 30;
const HOUR = 60 * MINUTE;
const BUCKET = 5 * MINUTE;
const TICK = 10_000;

function detect(events: readonly AuditEvent[], options: ResourcesOptions = {}): Alert[] {
  const monitor = new Monitor([resourcesRule(options)]);
  return [...monitor.pushAll(events), ...monitor.end()];
}

function gauges(run: Run, at: number, fields: Record<string, JsonValue>): AuditEvent {
  return run.event(at, { 'event.action': RESOURCES_ACTION, 'event.kind': 'metric', ...fields });
}

/** A started record, then a record a minute, bucket b (5 min) holding `values[b]` of `gauge` in all five. */
function buckets(run: Run, gauge: string, values: readonly number[], everyMs = MINUTE): AuditEvent[] {
  const events = [run.started(0)];
  for (let at = 0; at < values.length * BUCKET; at += everyMs) events.push(gauges(run, at, { [gauge]: values[Math.floor(at / BUCKET)] ?? Number.NaN }));
  return events;
}

/**
 * RSS whose baseline median (1100 MiB) and MAD (100 MiB) hold while high buckets replace its
 * oldest: 8 buckets at 1200, 8 at 1000, 8 at 1100 MiB. The band's top is 1400 MiB.
 */
function rss(levelMib: number, shiftBuckets: number, after = 4): number[] {
  const mib = [...Array<number>(8).fill(1200), ...Array<number>(8).fill(1000), ...Array<number>(8).fill(1100), ...Array<number>(shiftBuckets).fill(levelMib), ...Array<number>(after).fill(1100)];
  return mib.map((value) => value * MIB);
}

describe('resources.band at its thresholds', () => {
  it('fires when a gauge stays just above its band for 5 min, with the process, the gauge and the figures', () => {
    // 1401 MiB in buckets 24-25: the level (2 of 3 buckets) is outside from bucket 25 to 26.
    expect(detect(buckets(new Run(), 'process.memory.rss', rss(1401, 2)))).toEqual([
      {
        '@timestamp': stamp(27 * BUCKET),
        ...ALERT_ENVELOPE,
        'log.level': 'warn',
        'event.severity': 21,
        'event.reason':
          `process.memory.rss of process 4242 (run ${'a'.repeat(32)}) stood at 1.368 GiB over the last 15 min, above its band of 800 MiB to 1.367 GiB ` +
          '(median 1.074 GiB, MAD 100 MiB over the 2 h before) for 5 min',
        'rule.id': 'resources.band',
        'rule.name': 'A process using more memory or CPU than usual',
        'rule.description': expect.stringContaining('robust band') as unknown,
        'rule.category': 'resources',
        'service.name': 'svc',
        'process.pid': 4242,
        'mlx_audit.run': 'a'.repeat(32),
        'mlx_audit.gauge': 'process.memory.rss',
        'mlx_audit.band.side': 'above',
        'mlx_audit.band.level': 1401 * MIB,
        'mlx_audit.band.median': 1100 * MIB,
        'mlx_audit.band.mad': 100 * MIB,
        'mlx_audit.band.lower': 800 * MIB,
        'mlx_audit.band.upper': 1400 * MIB,
        'mlx_audit.band.baseline_buckets': 24,
        'mlx_audit.band.recent_buckets': 3,
        'mlx_audit.band.outside_since': stamp(26 * BUCKET),
        'mlx_audit.evidence.sequences': [127, 128, 129, 130, 131, 132, 133, 134, 135, 136],
      },
    ]);
  });

  it('stays quiet at the top of the band (1400 MiB for 30 min), above it at one judgement only, and below it', () => {
    expect(detect(buckets(new Run(), 'process.memory.rss', rss(1400, 6)))).toEqual([]);
    // 1401 MiB in buckets 24 and 26: the level is outside when bucket 26 ends, inside when 27 does.
    const once = rss(1401, 3).map((value, bucket) => (bucket === 25 ? 1100 * MIB : value));
    expect(detect(buckets(new Run(), 'process.memory.rss', once))).toEqual([]);
    expect(detect(buckets(new Run(), 'process.memory.rss', rss(100, 6)))).toEqual([]);
  });

  it('falls back to +50% of the median when the MAD is 0, and gives CPU a margin of at least half a core', () => {
    const steady = (value: number, level: number): number[] => [...Array<number>(24).fill(value), ...Array<number>(6).fill(level)];
    const upper = (alert: Alert): unknown => alert['mlx_audit.band.upper'];
    expect(detect(buckets(new Run(), 'mlx.memory.peak', steady(GIB, 1.5 * GIB)))).toEqual([]);
    expect(detect(buckets(new Run(), 'mlx.memory.peak', steady(GIB, 1.5 * GIB + 1))).map(upper)).toEqual([1.5 * GIB]);
    // A quarter of a core, steady: +50% would be 0.375; the CPU margin makes it 0.75.
    expect(detect(buckets(new Run(), 'process.cpu.pct', steady(0.25, 0.75)))).toEqual([]);
    const cpu = detect(buckets(new Run(), 'process.cpu.pct', steady(0.25, 0.76)));
    expect(cpu.map(upper)).toEqual([0.75]);
    expect(cpu[0]?.['event.reason']).toContain('stood at 76% of a core over the last 15 min, above its band of 0% of a core to 75% of a core');
    expect(detect(buckets(new Run(), 'process.cpu.pct', steady(0.25, 0.76)), { cpuMinMargin: 0.1 }).map(upper)).toEqual([0.375]);
  });

  it('skips sparse series: records every 10 minutes leave half the buckets empty, and the level is never judged', () => {
    const step = [...Array<number>(24).fill(GIB), ...Array<number>(12).fill(3 * GIB)];
    expect(detect(buckets(new Run(), 'process.memory.rss', step, 10 * MINUTE))).toEqual([]);
    expect(detect(buckets(new Run(), 'process.memory.rss', step, 5 * MINUTE))).toHaveLength(1);
    expect(detect(buckets(new Run(), 'process.memory.rss', step, 10_000))).toHaveLength(1);
  });

  it('keeps runs and gauges apart, and takes an absent gauge for no value', () => {
    // A run of the same process that starts higher has its own baseline; another gauge's level is not this one's.
    const first = new Run('1'.repeat(32));
    const second = new Run('2'.repeat(32));
    const events = [...buckets(first, 'process.memory.rss', Array<number>(30).fill(GIB)), ...buckets(second, 'process.memory.rss', Array<number>(30).fill(4 * GIB)).map((event) => ({ ...event, '@timestamp': stamp(Date.parse(event['@timestamp'] as string) - Date.parse(stamp(0)) + 30 * BUCKET) }))];
    expect(detect(events)).toEqual([]);
    const rule = resourcesRule();
    const monitor = new Monitor([rule]);
    const run = new Run();
    monitor.pushAll([run.started(0), gauges(run, 0, { 'process.memory.rss': GIB, 'process.cpu.pct': 0.1, 'mlx.memory.cache': 'n/a' }), gauges(run, MINUTE, { 'process.memory.rss': GIB })]);
    // Two series (rss and cpu) and the run the started record named.
    expect(rule.state()).toEqual({ keys: 3, evicted: 0 });
  });

  it('watches the gauges it is given', () => {
    const events = buckets(new Run(), 'mlx.memory.cache', [...Array<number>(24).fill(GIB), ...Array<number>(6).fill(3 * GIB)]);
    expect(detect(events).map((alert) => alert['mlx_audit.gauge'])).toEqual(['mlx.memory.cache']);
    expect(detect(events, { gauges: ['process.memory.rss', 'mlx.memory.active'] })).toEqual([]);
  });

  it('keeps its state to maxKeys series, counting the evicted', () => {
    const rule = resourcesRule({ maxKeys: 100 });
    const monitor = new Monitor([rule]);
    for (let pid = 0; pid < 3000; pid++) monitor.push(gauges(new Run('x', pid), pid, { 'process.memory.rss': GIB, 'process.cpu.pct': 0.5 }));
    expect(rule.state()).toEqual({ keys: 100, evicted: 5900 });
  });

  it('refuses options it cannot use, naming them', () => {
    expect(() => resourcesRule({ gauges: [] })).toThrow(/gauges/);
    expect(() => resourcesRule({ gauges: ['process.memory.swap' as 'process.memory.rss'] })).toThrow(/process.memory.swap is not one of/);
    expect(() => resourcesRule({ cpuMinMargin: -0.5 })).toThrow(/minMargin must be a non-negative number/);
    expect(() => resourcesRule({ baselineWindowMs: 2 * MINUTE })).toThrow(/baselineWindowMs .* whole number of bucketMs/);
    expect(() => resourcesRule({ minBaselineBuckets: 25 })).toThrow(/minBaselineBuckets/);
  });

  it('is among the default rules', () => {
    expect(createMonitor().rules.map((rule) => rule.id)).toContain('resources.band');
  });
});

interface Records {
  readonly hours: number;
  readonly seed: number;
  readonly everyMs: number;
  /** A factor on RSS and MLX's active memory at a time (ms from the start): a memory flood. */
  readonly memoryFactor?: (at: number) => number;
}

/**
 * The gauges of an inference service: RSS rising to 4 GiB as the model loads in the first
 * minutes, then creeping 3% an hour, with ±2% noise; the V8 heap in a GC sawtooth; CPU following
 * a 12-hour day of traffic with bursts; MLX's active memory with each request's buffers, its
 * peak the highest active so far, its cache filling over the first hour then wandering.
 */
function records({ hours, seed, everyMs, memoryFactor = () => 1 }: Records): AuditEvent[] {
  const random = seeded(seed);
  const run = new Run();
  const events = [run.started(0)];
  let peak = 0;
  // CPU is drawn every 10 s and a record gives its mean since the one before, as a process's CPU
  // time over the interval does; memory is what it is when the record is taken.
  let cpuTime = 0;
  for (let at = TICK; at <= hours * HOUR; at += TICK) {
    const day = 0.3 + 0.2 * Math.sin((2 * Math.PI * at) / (12 * HOUR));
    cpuTime += Math.max(0, day + 0.1 * (random() - 0.5) + (random() < 0.05 ? 0.6 : 0));
    if (at % everyMs !== 0) continue;
    const loaded = Math.min(1, at / (3 * MINUTE));
    const factor = memoryFactor(at);
    const rss = (0.2 + 3.8 * loaded) * GIB * (1 + (0.03 * at) / HOUR) * (1 + 0.02 * (random() * 2 - 1)) * factor;
    const heap = (150 + 200 * ((at / 45_000) % 1) + 20 * random()) * MIB;
    const active = (3.5 * loaded * GIB + random() * 300 * MIB) * factor;
    peak = Math.max(peak, active);
    const cache = Math.min(1, at / HOUR) * GIB * (1 + 0.1 * (random() - 0.5));
    const fields: Record<string, JsonValue> = { 'process.memory.rss': Math.round(rss), 'process.memory.heap_used': Math.round(heap), 'process.cpu.pct': cpuTime / (everyMs / TICK) };
    cpuTime = 0;
    // MLX's gauges are absent while they are 0, as the runtime writes them.
    if (active > 0) Object.assign(fields, { 'mlx.memory.active': Math.round(active), 'mlx.memory.peak': Math.round(peak) });
    if (cache > 0) fields['mlx.memory.cache'] = Math.round(cache);
    events.push(gauges(run, at, fields));
  }
  return events;
}

describe('resources.band over hours of records', () => {
  it('raises nothing over 12 hours of a normal process, at records every 10 s, 1 min and 5 min', () => {
    for (const everyMs of [10_000, MINUTE, 5 * MINUTE]) for (const seed of [1, 2]) expect(detect(records({ hours: 12, seed, everyMs }))).toEqual([]);
  });

  it('raises one alert per memory gauge for a memory flood (+60% for 40 min), at every interval', () => {
    const start = 6 * HOUR;
    const flood = (at: number): number => (at >= start && at < start + 40 * MINUTE ? 1.6 : 1);
    for (const everyMs of [10_000, MINUTE, 5 * MINUTE]) {
      const alerts = detect(records({ hours: 12, seed: 1, everyMs, memoryFactor: flood }));
      expect(alerts.map((alert) => alert['mlx_audit.gauge']).sort()).toEqual(['mlx.memory.active', 'mlx.memory.peak', 'process.memory.rss']);
      for (const alert of alerts) expect(Date.parse(alert['@timestamp']) - Date.parse(stamp(start))).toBeLessThanOrEqual(25 * MINUTE);
    }
  });
});
