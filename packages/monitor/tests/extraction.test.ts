import type { AuditEvent } from '@mlx-audit/runtime';
import { describe, expect, it } from 'vitest';
import { createMonitor, distinctInputsRule, extractionRules, Monitor, rateRule, sweepRule, volumeRule, type Alert, type Rule } from '../src/index.js';
import { ALERT_ENVELOPE, MINUTE, seeded, stamp } from './events.js';
import { digest, HOUR, image, normalTraffic, SECOND, text, Traffic } from './extraction-traffic.js';

// The extraction rules at their thresholds, over hours of ordinary traffic, and with 100,000
// clients. Defaults: volume over 10 min against ≥ 5 active clients, ≥ 100 requests and robust z
// 6 (margin ≥ half the median); a token bucket of 1/s with a burst of 120; ≥ 95 distinct inputs in
// a client's last 100 within 10 min; runs of 50 inputs of one shape that ≤ 5% of ≥ 50 other
// clients' runs had.

function detect(rule: Rule, events: readonly AuditEvent[]): Alert[] {
  const monitor = new Monitor([rule]);
  return [...monitor.pushAll(events), ...monitor.end()];
}

const THREAT = {
  'threat.framework': 'MITRE ATLAS',
  'threat.technique.id': ['AML.T0024', 'AML.T0040'],
  'threat.technique.name': ['Exfiltration via AI Inference API', 'AI Model Inference API Access'],
  'threat.technique.reference': ['https://atlas.mitre.org/techniques/AML.T0024', 'https://atlas.mitre.org/techniques/AML.T0040'],
  'threat.tactic.id': ['AML.TA0010', 'AML.TA0000'],
  'threat.tactic.name': ['Exfiltration', 'AI Model Access'],
};

const MEDIUM = { ...ALERT_ENVELOPE, ...THREAT, 'log.level': 'warn', 'event.severity': 47, 'rule.category': 'extraction' };

describe('extraction.volume', () => {
  /** Minutes 0–9: eight clients with 10, 10, 10, 10, 20, 20, 20, 20 requests (median 15, MAD 5); then the attacker's requests, 500 ms apart. */
  function population(attack: (traffic: Traffic) => void, counts = [10, 10, 10, 10, 20, 20, 20, 20]): AuditEvent[] {
    const traffic = new Traffic();
    counts.forEach((count, client) => traffic.requests(client * 100, (10 * MINUTE) / count, count, `client-${client}`));
    attack(traffic);
    return traffic.events();
  }
  const attacker = (count: number) => (traffic: Traffic) => traffic.requests(10 * MINUTE, 500, count, 'attacker');

  it('fires past median + 6 robust deviations (15 + 6 × 1.4826 × 5 = 59.48): 60 requests, with the client and the population', () => {
    const alerts = detect(volumeRule({ minCount: 10 }), population(attacker(60)));
    expect(alerts).toEqual([
      {
        '@timestamp': stamp(10 * MINUTE + 59 * 500),
        ...MEDIUM,
        'event.reason': 'Client attacker of svc sent 60 requests in 10 min, against a median of 15 (MAD 5) over 8 active clients: robust z 6.1 (threshold 59.48 requests)',
        'rule.id': 'extraction.volume',
        'rule.name': 'A client querying far more than the others',
        'rule.description': expect.stringContaining('robust z') as unknown,
        'client.id': 'attacker',
        'service.name': 'svc',
        'mlx_audit.requests': 60,
        'mlx_audit.window_ms': 600_000,
        'mlx_audit.population.clients': 8,
        'mlx_audit.population.median': 15,
        'mlx_audit.population.mad': 5,
        'mlx_audit.threshold': 59.48,
        'mlx_audit.robust_z': 6.07,
        'mlx_audit.evidence.sequences': [171, 172, 173, 174, 175, 176, 177, 178, 179, 180],
      },
    ]);
    expect(detect(volumeRule({ minCount: 10 }), population(attacker(59)))).toEqual([]);
  });

  it('needs 100 requests by default, far above the band or not', () => {
    expect(detect(volumeRule(), population(attacker(99)))).toEqual([]);
    expect(detect(volumeRule(), population(attacker(100))).map((alert) => alert['mlx_audit.requests'])).toEqual([100]);
  });

  it('counts requests, not calls: 59 requests of 40 forward passes each, or interleaved 59 at a time, stay at 59', () => {
    const long = population((traffic) => traffic.requests(10 * MINUTE, 500, 59, 'attacker', () => ({ steps: 40 })));
    expect(detect(volumeRule({ minCount: 10 }), long)).toEqual([]);
    const interleaved = population((traffic) => {
      for (let step = 0; step < 5; step++) for (let request = 0; request < 59; request++) traffic.request(10 * MINUTE + step * 100 + request, 'attacker', { requestId: `stream-${request}` });
    });
    expect(detect(volumeRule({ minCount: 10 }), interleaved)).toEqual([]);
  });

  it('counts each event without a request.id as a request', () => {
    const events = population((traffic) => traffic.requests(10 * MINUTE, 500, 60, 'attacker', () => ({ requestId: null })));
    expect(detect(volumeRule({ minCount: 10 }), events).map((alert) => alert['client.id'])).toEqual(['attacker']);
  });

  it('does not judge a client among fewer than 5 active clients, however heavy', () => {
    const traffic = new Traffic();
    [10, 10, 20].forEach((count, client) => traffic.requests(client * 100, (40 * MINUTE) / (count * 4), count * 4, `client-${client}`));
    traffic.requests(10 * MINUTE, 500, 3000, 'attacker');
    expect(detect(volumeRule(), traffic.events())).toEqual([]);
  });

  it('with no spread (MAD 0) takes half the median as the margin: 20 → threshold 30', () => {
    const flat = [20, 20, 20, 20, 20, 20];
    expect(detect(volumeRule({ minCount: 10 }), population(attacker(30), flat))).toEqual([]);
    const [alert] = detect(volumeRule({ minCount: 10 }), population(attacker(31), flat));
    expect(alert?.['event.reason']).toBe('Client attacker of svc sent 31 requests in 10 min, against a median of 20 (MAD 0) over 6 active clients: no spread (MAD 0) (threshold 30 requests)');
    expect(alert).not.toHaveProperty('mlx_audit.robust_z');
  });

  it('alerts once an episode, and again after the client was back under', () => {
    const traffic = new Traffic();
    for (let client = 0; client < 8; client++) traffic.requests(client * 100, 30 * SECOND, 240, `client-${client}`);
    traffic.requests(10 * MINUTE, 300, 4000, 'attacker'); // 20 minutes at 200 a minute
    traffic.requests(60 * MINUTE, 5 * MINUTE, 6, 'attacker'); // then quiet
    traffic.requests(100 * MINUTE, 300, 1000, 'attacker');
    for (let client = 0; client < 8; client++) traffic.requests(60 * MINUTE + client * 100, 30 * SECOND, 240, `client-${client}`);
    const alerts = detect(volumeRule(), traffic.events());
    expect(alerts.map((alert) => [alert['client.id'], alert['@timestamp']])).toEqual([
      ['attacker', stamp(10 * MINUTE + 99 * 300)],
      ['attacker', stamp(100 * MINUTE + 99 * 300)],
    ]);
  });

  it('keeps services apart: the population is the service’s', () => {
    const events = population((traffic) => traffic.requests(10 * MINUTE, 500, 100, 'attacker', () => ({ service: 'other' })));
    expect(detect(volumeRule(), events)).toEqual([]);
  });

  it('refuses options it cannot use', () => {
    expect(() => volumeRule({ windowMs: 90_000 })).toThrow(/whole number of bucketMs/);
    expect(() => volumeRule({ z: 0 })).toThrow(/z must be a positive number/);
    expect(() => volumeRule({ fallbackFraction: 2 })).toThrow(/fallbackFraction/);
    expect(() => volumeRule({ maxClients: 0 })).toThrow(/maxClients must be a positive integer/);
  });
});

describe('extraction.rate', () => {
  it('fires on the 121st request at once (a burst of 120), with the client and the bucket', () => {
    const alerts = detect(rateRule(), new Traffic().requests(0, 0, 121, 'attacker').events());
    expect(alerts).toEqual([
      {
        '@timestamp': stamp(0),
        ...MEDIUM,
        'event.reason': 'Client attacker of svc sent 121 requests in 0 s, over a sustained 1/s with a burst of 120',
        'rule.id': 'extraction.rate',
        'rule.name': 'A client over its sustained request rate',
        'rule.description': expect.stringContaining('token bucket') as unknown,
        'client.id': 'attacker',
        'service.name': 'svc',
        'mlx_audit.requests': 121,
        'mlx_audit.seconds': 0,
        'mlx_audit.limit.rate_per_second': 1,
        'mlx_audit.limit.burst': 120,
        'mlx_audit.evidence.sequences': [112, 113, 114, 115, 116, 117, 118, 119, 120, 121],
      },
    ]);
    expect(detect(rateRule(), new Traffic().requests(0, 0, 120, 'attacker').events())).toEqual([]);
  });

  it('stays quiet at exactly the rate for two hours, and fires when 2/s has drained the burst (the 240th request)', () => {
    expect(detect(rateRule(), new Traffic().requests(0, SECOND, 7200, 'steady').events())).toEqual([]);
    const alerts = detect(rateRule(), new Traffic().requests(0, 500, 400, 'attacker').events());
    expect(alerts.map((alert) => [alert['mlx_audit.requests'], alert['mlx_audit.seconds'], alert['event.reason']])).toEqual([
      [240, 119.5, 'Client attacker of svc sent 240 requests in 119.5 s (2.01/s), over a sustained 1/s with a burst of 120'],
    ]);
  });

  it('alerts once an episode, re-armed once the bucket is full again', () => {
    const traffic = new Traffic().requests(0, 500, 400, 'attacker').requests(400 * 500 + 121 * SECOND, 500, 300, 'attacker');
    expect(detect(rateRule(), traffic.events()).map((alert) => alert['@timestamp'])).toEqual([stamp(239 * 500), stamp(400 * 500 + 121 * SECOND + 239 * 500)]);
    // A pause that refills the bucket only in part keeps the episode.
    const short = new Traffic().requests(0, 500, 400, 'attacker').requests(400 * 500 + 60 * SECOND, 500, 300, 'attacker');
    expect(detect(rateRule(), short.events())).toHaveLength(1);
  });

  it('counts requests, not calls, and keeps clients apart', () => {
    expect(detect(rateRule(), new Traffic().request(0, 'one', { steps: 500 }).events())).toEqual([]);
    const two = new Traffic().requests(0, 0, 100, 'a').requests(0, 0, 100, 'b');
    expect(detect(rateRule(), two.events())).toEqual([]);
  });

  it('refuses options it cannot use', () => {
    expect(() => rateRule({ ratePerSecond: 0 })).toThrow(/ratePerSecond must be a positive number/);
    expect(() => rateRule({ burst: 1.5 })).toThrow(/burst must be a positive integer/);
  });
});

describe('extraction.distinct-inputs', () => {
  /** `count` requests `spacing` ms apart, request i's input `inputOf(i)` (a digest number). */
  function inputs(count: number, spacing: number, inputOf: (index: number) => number): AuditEvent[] {
    return new Traffic().requests(0, spacing, count, 'attacker', (index) => ({ input: text(30 + (index % 50), digest(inputOf(index))) })).events();
  }

  it('fires when the last 100 requests within 10 min had 100 distinct inputs, with the ratio', () => {
    const alerts = detect(distinctInputsRule(), inputs(100, SECOND, (index) => index));
    expect(alerts).toEqual([
      {
        '@timestamp': stamp(99 * SECOND),
        ...MEDIUM,
        'event.reason': 'Client attacker of svc sent 100 distinct inputs in its last 100 requests, within 99 s (ratio 1.00, threshold 0.95 within 10 min)',
        'rule.id': 'extraction.distinct-inputs',
        'rule.name': 'A client sending many distinct inputs',
        'rule.description': expect.stringContaining('keyed text digests') as unknown,
        'client.id': 'attacker',
        'service.name': 'svc',
        'mlx_audit.requests': 100,
        'mlx_audit.distinct_inputs': 100,
        'mlx_audit.distinct_ratio': 1,
        'mlx_audit.seconds': 99,
        'mlx_audit.evidence.sequences': [91, 92, 93, 94, 95, 96, 97, 98, 99, 100],
      },
    ]);
  });

  it('stays quiet at 94 distinct of 100 and fires at 95; 99 requests are too few', () => {
    expect(detect(distinctInputsRule(), inputs(100, SECOND, (index) => (index < 94 ? index : 0)))).toEqual([]);
    expect(detect(distinctInputsRule(), inputs(100, SECOND, (index) => (index < 95 ? index : 0))).map((alert) => alert['mlx_audit.distinct_inputs'])).toEqual([95]);
    expect(detect(distinctInputsRule(), inputs(99, SECOND, (index) => index))).toEqual([]);
  });

  it('needs the sample within the window: 100 inputs over 600.04 s stay quiet, over 599.94 s fire', () => {
    expect(detect(distinctInputsRule(), inputs(100, 6061, (index) => index))).toEqual([]);
    expect(detect(distinctInputsRule(), inputs(100, 6060, (index) => index))).toHaveLength(1);
  });

  it('slides: after 100 repeats of one input, the 94th new input makes 95 distinct in the last 100', () => {
    const alerts = detect(distinctInputsRule(), inputs(200, SECOND, (index) => (index < 100 ? 0 : index)));
    expect(alerts.map((alert) => [alert['@timestamp'], alert['mlx_audit.distinct_inputs']])).toEqual([[stamp(193 * SECOND), 95]]);
  });

  it('sees nothing, and keeps nothing, without digests (no key configured)', () => {
    const rule = distinctInputsRule();
    expect(detect(rule, new Traffic().requests(0, 100, 500, 'attacker', (index) => ({ input: text(index) })).events())).toEqual([]);
    expect(rule.state()).toEqual({ keys: 0, evicted: 0 });
  });

  it('refuses options it cannot use', () => {
    expect(() => distinctInputsRule({ requests: 1 })).toThrow(/requests must be at least 2/);
    expect(() => distinctInputsRule({ minRatio: 0 })).toThrow(/minRatio/);
  });
});

describe('extraction.sweep', () => {
  /** `others` clients, one request each, `alike` of them of length 37; then the attacker's requests, a second apart. */
  function sweep(attack: (traffic: Traffic) => void, others = 100, alike = 0): AuditEvent[] {
    const traffic = new Traffic();
    for (let client = 0; client < others; client++) traffic.request(client, `client-${client}`, { input: text(client < alike ? 37 : 100 + client, digest(10_000 + client)) });
    attack(traffic);
    return traffic.events();
  }
  const attacker =
    (count: number, input: (index: number) => ReturnType<typeof text> = (index) => text(37, digest(index))) =>
    (traffic: Traffic) =>
      traffic.requests(MINUTE, SECOND, count, 'attacker', (index) => ({ input: input(index) }));

  it('fires on the 50th distinct input of one length in a row, a length no other client used', () => {
    const alerts = detect(sweepRule(), sweep(attacker(50)));
    expect(alerts).toEqual([
      {
        '@timestamp': stamp(MINUTE + 49 * SECOND),
        ...ALERT_ENVELOPE,
        ...THREAT,
        'log.level': 'error',
        'event.severity': 73,
        'event.reason':
          "Client attacker of svc sent 50 requests in a row in 49 s, every input string(37) and each different; 0.0% of the other clients' 100 recent runs had inputs of that shape (threshold 5%)",
        'rule.id': 'extraction.sweep',
        'rule.name': 'A client sweeping inputs of one shape',
        'rule.description': expect.stringContaining('one length or shape') as unknown,
        'rule.category': 'extraction',
        'client.id': 'attacker',
        'service.name': 'svc',
        'mlx_audit.run.requests': 50,
        'mlx_audit.seconds': 49,
        'mlx_audit.input.shape': 'string(37)',
        'mlx_audit.input.distinct': true,
        'mlx_audit.population.runs': 100,
        'mlx_audit.population.share': 0,
        'mlx_audit.evidence.sequences': [141, 142, 143, 144, 145, 146, 147, 148, 149, 150],
      },
    ]);
    expect(detect(sweepRule(), sweep(attacker(49)))).toEqual([]);
  });

  it('judges against the population: 5% of the others’ runs of that length fire, 6% do not; 49 other runs are too few', () => {
    expect(detect(sweepRule(), sweep(attacker(50), 100, 5))).toHaveLength(1);
    expect(detect(sweepRule(), sweep(attacker(50), 100, 6))).toEqual([]);
    expect(detect(sweepRule(), sweep(attacker(50), 50))).toHaveLength(1);
    expect(detect(sweepRule(), sweep(attacker(50), 49))).toEqual([]);
  });

  it('is no sweep where every client’s input has one shape (28×28 images)', () => {
    const traffic = new Traffic();
    for (let client = 0; client < 100; client++) traffic.requests(client, MINUTE, 3, `client-${client}`, () => ({ input: image() }));
    traffic.requests(5 * MINUTE, SECOND, 500, 'attacker', () => ({ input: image() }));
    expect(detect(sweepRule(), traffic.events())).toEqual([]);
  });

  it('breaks a run on a repeated input, another length, or a pause over 5 minutes', () => {
    const repeat = attacker(50, (index) => text(37, digest(index === 25 ? 3 : index)));
    expect(detect(sweepRule(), sweep(repeat))).toEqual([]);
    const other = attacker(50, (index) => text(index === 25 ? 38 : 37, digest(index)));
    expect(detect(sweepRule(), sweep(other))).toEqual([]);
    const paused = sweep((traffic) => traffic.requests(MINUTE, SECOND, 25, 'attacker', (index) => ({ input: text(37, digest(index)) })).requests(MINUTE + 25 * SECOND + 5 * MINUTE, SECOND, 25, 'attacker', (index) => ({ input: text(37, digest(100 + index)) })));
    expect(detect(sweepRule(), paused)).toEqual([]);
  });

  it('sweeps tensors of one rare shape too, saying their distinctness is not known', () => {
    const traffic = new Traffic();
    for (let client = 0; client < 60; client++) traffic.request(client, `client-${client}`, { input: [{ type: 'tensor', shape: [1, 10 + client], dtype: 'int32', size: 10 + client, nbytes: 40 + 4 * client }] });
    traffic.requests(MINUTE, SECOND, 50, 'attacker', () => ({ input: [{ type: 'tensor', shape: [1, 7], dtype: 'int32', size: 7, nbytes: 28 }] }));
    const alerts = detect(sweepRule(), traffic.events());
    expect(alerts.map((alert) => [alert['client.id'], alert['mlx_audit.input.shape'], alert['mlx_audit.input.distinct']])).toEqual([['attacker', 'tensor(1x7 int32)', false]]);
  });

  it('takes the digest a wrapper brings after the forward passes it made (`generate(prompt)` is recorded when it returns)', () => {
    const generations = (repeatAt?: number): AuditEvent[] =>
      sweep((traffic) => {
        for (let index = 0; index < 50; index++) {
          const requestId = `generation-${index}`;
          traffic.request(MINUTE + index * SECOND, 'attacker', { requestId, input: [{ type: 'tensor', shape: [1, 9], dtype: 'int32', size: 9, nbytes: 36 }] });
          traffic.request(MINUTE + index * SECOND + 5, 'attacker', { requestId, input: text(37, digest(index === repeatAt ? 3 : index)) });
        }
      });
    expect(detect(sweepRule(), generations()).map((alert) => [alert['mlx_audit.input.shape'], alert['mlx_audit.input.distinct']])).toEqual([['tensor(1x9 int32)', true]]);
    expect(detect(sweepRule(), generations(30))).toEqual([]);
  });

  it('counts a request once: its later forward passes (tokens, layers) neither extend nor break the run', () => {
    const events = sweep((traffic) => traffic.requests(MINUTE, SECOND, 50, 'attacker', (index) => ({ input: text(37, digest(index)), steps: 6 })));
    expect(detect(sweepRule(), events).map((alert) => alert['mlx_audit.run.requests'])).toEqual([50]);
  });

  it('refuses options it cannot use', () => {
    expect(() => sweepRule({ maxShapeShare: 1.5 })).toThrow(/maxShapeShare/);
    expect(() => sweepRule({ minPopulation: 2000 })).toThrow(/must not exceed populationSize/);
  });
});

describe('the extraction family', () => {
  const ATTACKERS: Record<string, string> = {
    scraper: 'extraction.volume',
    burster: 'extraction.rate',
    harvester: 'extraction.distinct-inputs',
    prober: 'extraction.sweep',
  };

  /** Six hours of 40 chat clients and 10 image clients (seeded), and, if asked, one attacker per rule. */
  function hours(attacks: boolean): AuditEvent[] {
    const random = seeded(0x17);
    const traffic = new Traffic();
    normalTraffic(traffic, random, { hours: 6, chatClients: 40, imageClients: 10 });
    if (attacks) {
      let n = 1_000_000;
      const varied = (): ReturnType<typeof text> => text(20 + Math.floor(random() * 400), digest(Math.floor(random() * 3) === 0 ? 7 : ++n));
      // 20 a minute for 30 minutes, a third of them one prompt again and again: volume alone.
      traffic.requests(2 * HOUR, 3 * SECOND, 600, 'scraper', () => ({ service: 'chat', input: varied(), steps: 4 }));
      // 3 a second for 3 minutes of one prompt.
      traffic.requests(3 * HOUR, 333, 540, 'burster', () => ({ service: 'chat', input: text(50, digest(8)) }));
      // 120 distinct prompts in 4 minutes.
      traffic.requests(4 * HOUR, 2 * SECOND, 120, 'harvester', () => ({ service: 'chat', input: text(20 + Math.floor(random() * 400), digest(++n)) }));
      // 60 distinct prompts of 64 characters, one every 15 seconds.
      traffic.requests(5 * HOUR, 15 * SECOND, 60, 'prober', () => ({ service: 'chat', input: text(64, digest(++n)), steps: 3 }));
    }
    return traffic.events();
  }

  it('raises nothing over six hours of ordinary traffic, and is among the default rules', () => {
    const events = hours(false);
    expect(events.length).toBeGreaterThan(50_000);
    const monitor = createMonitor({ rules: extractionRules() });
    expect([...monitor.pushAll(events), ...monitor.end()]).toEqual([]);
    expect(createMonitor().rules.map((rule) => rule.id)).toEqual(expect.arrayContaining(Object.values(ATTACKERS)));
    // The defaults keep it quiet, not a traffic too thin to judge: with thresholds ten times lower it is not.
    const lowered = createMonitor({ rules: extractionRules({ volume: { minCount: 10 }, rate: { burst: 12, ratePerSecond: 0.1 }, distinctInputs: { requests: 10 } }) });
    const raised = new Set(lowered.pushAll(events).map((alert) => alert['rule.id']));
    expect([...raised].sort()).toEqual(['extraction.distinct-inputs', 'extraction.rate', 'extraction.volume']);
  });

  it('raises each attack’s rule with the attacker’s client.id, and no alert names an ordinary client', () => {
    const monitor = createMonitor({ rules: extractionRules() });
    const alerts = [...monitor.pushAll(hours(true)), ...monitor.end()];
    for (const [client, rule] of Object.entries(ATTACKERS)) {
      expect(alerts.filter((alert) => alert['rule.id'] === rule).map((alert) => alert['client.id']), rule).toContain(client);
    }
    expect(alerts.filter((alert) => !Object.keys(ATTACKERS).includes(alert['client.id'] as string))).toEqual([]);
    expect(alerts.every((alert) => alert['service.name'] === 'chat' && (alert['mlx_audit.evidence.sequences'] as number[]).length > 0)).toBe(true);
  });

  it('keeps its memory bounded: 100,000 clients keep 10,000 per rule, the rest counted as evicted', () => {
    const traffic = new Traffic();
    for (let client = 0; client < 100_000; client++) traffic.request(client * 60, `client-${client}`, { input: text(10 + (client % 300), digest(client)) });
    const monitor = createMonitor({ rules: extractionRules() });
    expect(monitor.pushAll(traffic.events())).toEqual([]);
    expect(monitor.state()).toEqual({
      'extraction.volume': { keys: 10_000, evicted: 90_000 },
      'extraction.rate': { keys: 10_000, evicted: 90_000 },
      'extraction.distinct-inputs': { keys: 10_000, evicted: 90_000 },
      // And the one service's population.
      'extraction.sweep': { keys: 10_001, evicted: 90_000 },
    });
  });

  it('takes a smaller limit per rule', () => {
    const traffic = new Traffic();
    for (let client = 0; client < 50; client++) traffic.request(client, `client-${client}`, { input: text(10, digest(client)) });
    const monitor = createMonitor({ rules: extractionRules({ volume: { maxClients: 10 }, rate: { maxClients: 20 }, distinctInputs: { maxClients: 30 }, sweep: { maxClients: 40, maxServices: 1 } }) });
    monitor.pushAll(traffic.events());
    expect(Object.values(monitor.state())).toEqual([
      { keys: 10, evicted: 40 },
      { keys: 20, evicted: 30 },
      { keys: 30, evicted: 20 },
      { keys: 41, evicted: 10 },
    ]);
  });

  it('leaves out events without client.id, training steps, the runtime’s records and alerts', () => {
    const traffic = new Traffic();
    for (let index = 0; index < 200; index++) {
      traffic.other(index, { 'event.action': 'nn.Module#forward', 'mlx.kind': 'inference', 'gen_ai.operation.name': 'inference', 'request.id': `r${index}`, 'mlx.args': text(37, digest(index)) });
      traffic.other(index, { 'event.action': 'nn.Module#forward', 'mlx.kind': 'inference', 'gen_ai.operation.name': 'training', 'client.id': 'x', 'request.id': `t${index}`, 'mlx.args': text(37, digest(index)) });
      traffic.other(index, { 'event.action': 'mlx-audit.model-not-allowed', 'mlx.kind': 'inference', 'client.id': 'x', 'request.id': `m${index}` });
      traffic.other(index, { 'event.kind': 'alert', 'event.action': 'mlx-audit.alert', 'client.id': 'x', 'request.id': `a${index}` });
    }
    const monitor = createMonitor({ rules: extractionRules() });
    expect(monitor.pushAll(traffic.events())).toEqual([]);
    expect(Object.values(monitor.state()).map((state) => state.keys)).toEqual([0, 0, 0, 0]);
  });
});
