import type { AuditEvent, JsonValue } from '@mlx-audit/runtime';
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  createMonitor,
  frequentReloadsRule,
  hashChangedRule,
  Monitor,
  newHashRule,
  remoteSourceRule,
  unexpectedModelRules,
  unlistedSourceRule,
  type Alert,
  type Rule,
  type UnexpectedModelOptions,
} from '../src/index.js';
import { ALERT_ENVELOPE, MINUTE, Run, stamp } from './events.js';

// The unexpected-model rules on loads written the way the runtime writes them: an instrumented
// load's event (`file.path`, the path's summary in `mlx.args`, the hash when it was known), the
// runtime's `mlx-audit.model-hashed` follow-up linked by `mlx.load.sequence`, its
// `mlx-audit.model-not-allowed` alert, and an application's `auditEvent` for a load from a URL.

function detect(rules: Rule | readonly Rule[], events: readonly AuditEvent[]): Alert[] {
  const monitor = new Monitor(Array.isArray(rules) ? rules : [rules as Rule]);
  return [...monitor.pushAll(events), ...monitor.end()];
}

/** A SHA-256 of its own for each number: a file's content. */
const hash = (n: number): string => createHash('sha256').update(`weights ${n}`).digest('hex');
const ids = (alerts: readonly Alert[]): unknown[] => alerts.map((alert) => alert['rule.id']);
const BACKDOOR = {
  'threat.framework': 'MITRE ATLAS',
  'threat.technique.id': ['AML.T0018'],
  'threat.technique.name': ['Manipulate AI Model'],
  'threat.technique.reference': ['https://atlas.mitre.org/techniques/AML.T0018'],
  'threat.tactic.id': ['AML.TA0006'],
  'threat.tactic.name': ['Persistence'],
};

/** Model loads of one process, as its trail has them. */
class Loads {
  constructor(readonly run = new Run()) {}

  /** An instrumented `core.load` of `path`; the hash is on it when the runtime knew it already. */
  call(at: number, path: string | null, sha256?: string, fields: Record<string, JsonValue> = {}): AuditEvent {
    const shown: Record<string, JsonValue> = path === null ? {} : { 'file.path': path };
    const summary = path === null ? { type: 'path', hmac: 'c0ffee0123456789' } : { type: 'path', path };
    return this.run.call(at, 'core.load', 'success', { 'mlx.kind': 'model-load', 'mlx.args': [summary], ...shown, ...(sha256 === undefined ? {} : { 'file.hash.sha256': sha256 }), ...fields });
  }

  /** The runtime's follow-up with what it read after `load`. */
  hashed(at: number, load: AuditEvent, identity: Record<string, JsonValue>): AuditEvent {
    const path = load['file.path'];
    return this.run.event(at, {
      'event.action': 'mlx-audit.model-hashed',
      'event.kind': 'event',
      'event.outcome': 'success',
      'mlx.kind': 'model-load',
      'mlx.load.sequence': load['event.sequence'] ?? null,
      ...(path === undefined ? {} : { 'file.path': path }),
      ...identity,
    });
  }

  /** A load whose hash the runtime read after it: its event, then the follow-up. */
  loadRead(at: number, path: string | null, sha256: string): AuditEvent[] {
    const load = this.call(at, path);
    return [load, this.hashed(at + 5, load, { 'file.hash.sha256': sha256, 'file.size': 1234 })];
  }

  /** The runtime's own alert for a load its allow-list did not allow (`refused` in enforce mode). */
  notAllowed(at: number, load: AuditEvent, sha256: string, refused: boolean): AuditEvent {
    return this.run.event(at, {
      'event.action': 'mlx-audit.model-not-allowed',
      'event.kind': 'alert',
      'event.outcome': refused ? 'failure' : 'success',
      'event.reason': 'not in the allow-list',
      'mlx.kind': 'model-load',
      'mlx.load.sequence': load['event.sequence'] ?? null,
      'file.path': load['file.path'] ?? null,
      'file.hash.sha256': sha256,
    });
  }

  /** An application's `auditEvent('model.fetch', { kind: 'model-load', source: url })`. */
  fetched(at: number, url: string, domain: string): AuditEvent {
    return this.run.event(at, { 'event.action': 'model.fetch', 'event.outcome': 'success', 'mlx.kind': 'model-load', 'mlx.source': { type: 'path', path: url }, 'url.domain': domain });
  }
}

describe('unexpected-model.hash-changed and new-hash', () => {
  it('take the first load of a path as its baseline, and alert when the file is swapped: the new hash, the path, the previous hash', () => {
    const loads = new Loads();
    const events = [
      ...loads.loadRead(0, '/models/m.safetensors', hash(1)),
      // A reload of the unchanged file: the runtime knew its hash, so it is on the load's event.
      loads.call(MINUTE, '/models/m.safetensors', hash(1)),
      ...loads.loadRead(2 * MINUTE, '/models/m.safetensors', hash(2)),
    ];
    expect(detect([hashChangedRule(), newHashRule()], events.slice(0, 3))).toEqual([]);
    // What both alerts say of the swapped load.
    const swap = {
      'service.name': 'svc',
      'process.pid': 4242,
      'mlx.binding': 'core.load',
      'mlx_audit.load.sequence': 4,
      'file.path': '/models/m.safetensors',
      'file.hash.sha256': hash(2),
      'mlx_audit.previous.sha256': hash(1),
    };
    const alerts = detect([hashChangedRule(), newHashRule()], events);
    expect(alerts).toEqual([
      {
        '@timestamp': stamp(2 * MINUTE + 5),
        ...ALERT_ENVELOPE,
        'log.level': 'error',
        'event.severity': 73,
        'event.reason': `core.load loaded /models/m.safetensors with SHA-256 ${hash(2).slice(0, 12)}…, where its last load had ${hash(1).slice(0, 12)}…`,
        'rule.id': 'unexpected-model.hash-changed',
        'rule.name': 'A model file changed between two loads',
        'rule.description': expect.stringMatching(/^A model file was loaded with a different SHA-256/) as unknown,
        'rule.category': 'unexpected-model',
        ...BACKDOOR,
        ...swap,
        // The reload that gave the previous hash, then the swapped load and its follow-up.
        'mlx_audit.evidence.sequences': [3, 4, 5],
      },
      {
        '@timestamp': stamp(2 * MINUTE + 5),
        ...ALERT_ENVELOPE,
        'log.level': 'warn',
        'event.severity': 47,
        'event.reason': `core.load loaded /models/m.safetensors with SHA-256 ${hash(2).slice(0, 12)}…, new to this path (1 hash known since its baseline)`,
        'rule.id': 'unexpected-model.new-hash',
        'rule.name': 'A model file with a hash not seen before',
        'rule.description': expect.stringMatching(/^A model file was loaded with a SHA-256 outside the allowed hashes/) as unknown,
        'rule.category': 'unexpected-model',
        ...BACKDOOR,
        ...swap,
        'mlx_audit.known_hashes': 1,
        'mlx_audit.evidence.sequences': [3, 4, 5],
      },
    ]);
  });

  it('count a load once when both its event and its follow-up carry the hash', () => {
    const loads = new Loads();
    const [first, firstHashed] = loads.loadRead(0, '/models/m.safetensors', hash(1)) as [AuditEvent, AuditEvent];
    const swapped = loads.call(MINUTE, '/models/m.safetensors', hash(2));
    const swappedHashed = loads.hashed(MINUTE + 5, swapped, { 'file.hash.sha256': hash(2) });
    // A third record of the same load with yet another hash is the same load again, not a change.
    const again = loads.hashed(MINUTE + 6, swapped, { 'file.hash.sha256': hash(3) });
    const alerts = detect([hashChangedRule(), newHashRule()], [first, firstHashed, swapped, swappedHashed, again]);
    expect(alerts.map((alert) => [alert['rule.id'], alert['file.hash.sha256'], alert['mlx_audit.evidence.sequences']])).toEqual([
      ['unexpected-model.hash-changed', hash(2), [1, 2, 3]],
      ['unexpected-model.new-hash', hash(2), [1, 2, 3]],
    ]);
  });

  it('follow a path across processes and keep services and paths apart', () => {
    const [one, two] = [new Loads(new Run('1'.repeat(32), 100)), new Loads(new Run('2'.repeat(32), 200))];
    const events = [...one.loadRead(0, '/models/m.safetensors', hash(1)), ...two.loadRead(MINUTE, '/models/m.safetensors', hash(2))];
    const alerts = detect(hashChangedRule(), events);
    expect(alerts.map((alert) => [alert['process.pid'], alert['mlx_audit.previous.sha256'], alert['mlx_audit.evidence.sequences']])).toEqual([[200, hash(1), [1, 2]]]);
    const otherService = events.map((event, index) => (index < 2 ? event : { ...event, 'service.name': 'other' }));
    expect(detect(hashChangedRule(), otherService)).toEqual([]);
    const otherPath = [...one.loadRead(0, '/models/a.safetensors', hash(1)), ...one.loadRead(1, '/models/b.safetensors', hash(2))];
    expect(detect([hashChangedRule(), newHashRule()], otherPath)).toEqual([]);
  });

  it('hash-changed fires again on a swap back; new-hash does not, the hash being known for the path', () => {
    const loads = new Loads();
    const events = [1, 2, 1].flatMap((n, index) => loads.loadRead(index * MINUTE, '/models/m.safetensors', hash(n)));
    expect(ids(detect([hashChangedRule(), newHashRule()], events))).toEqual(['unexpected-model.hash-changed', 'unexpected-model.new-hash', 'unexpected-model.hash-changed']);
  });

  it('remember 16 hashes a path: the 17th hash back is new again', () => {
    const cycle = (versions: number): AuditEvent[] => {
      const loads = new Loads();
      return [...Array.from({ length: versions }, (_, n) => n + 1), 1].flatMap((n, index) => loads.loadRead(index * 1000, '/models/m.safetensors', hash(n)));
    };
    // 16 versions, then the first again: known (its 15 swaps were new hashes, the return is not).
    expect(detect(newHashRule(), cycle(16))).toHaveLength(15);
    expect(detect(newHashRule(), cycle(17))).toHaveLength(17);
  });

  it('judge each file of a load of several (mlx.files), and alert once for the load, naming the first changed file', () => {
    const loads = new Loads();
    const files = (second: number, third: number): JsonValue[] => [
      { path: '/models/d/a.safetensors', sha256: hash(1), size: 10 },
      { path: '/models/d/b.safetensors', sha256: hash(second), size: 10 },
      { path: '/models/d/c.safetensors', sha256: hash(third), size: 10 },
      { path: '/models/d/d.safetensors', error: 'EACCES' },
    ];
    const first = loads.call(0, '/models/d');
    const swapped = loads.call(MINUTE, '/models/d');
    const events = [first, loads.hashed(5, first, { 'mlx.files': files(2, 3) }), swapped, loads.hashed(MINUTE + 5, swapped, { 'mlx.files': files(4, 5) })];
    const [alert, ...rest] = detect(hashChangedRule(), events);
    expect(rest).toEqual([]);
    expect(alert).toMatchObject({
      'event.reason': `core.load loaded /models/d/b.safetensors with SHA-256 ${hash(4).slice(0, 12)}… (and 1 more of its files), where its last load had ${hash(2).slice(0, 12)}…`,
      'file.path': '/models/d/b.safetensors',
      'file.hash.sha256': hash(4),
      'mlx_audit.previous.sha256': hash(2),
      'mlx_audit.files': 2,
      'mlx_audit.evidence.sequences': [1, 2, 3, 4],
    });
  });

  it('under paths policy hash, key the follow-up by its load (the keyed digest of its path); without the load it cannot', () => {
    const loads = new Loads();
    const events = [...loads.loadRead(0, null, hash(1)), ...loads.loadRead(MINUTE, null, hash(2))];
    const [alert, ...rest] = detect(hashChangedRule(), events);
    expect(rest).toEqual([]);
    expect(alert).toMatchObject({ 'event.reason': expect.stringMatching(/^core\.load loaded a model file with SHA-256/) as unknown, 'file.hash.sha256': hash(2), 'mlx_audit.previous.sha256': hash(1) });
    expect(alert).not.toHaveProperty('file.path');
    // The follow-ups alone (their loads' events lost) name no file.
    expect(detect(hashChangedRule(), [events[1], events[3]] as AuditEvent[])).toEqual([]);
  });

  it('leave out failed loads and the runtime’s not-allowed alerts (nothing was loaded, or the load is counted already)', () => {
    const loads = new Loads();
    const [first, firstHashed] = loads.loadRead(0, '/models/m.safetensors', hash(1)) as [AuditEvent, AuditEvent];
    const refused = { ...loads.call(MINUTE, '/models/m.safetensors', hash(2)), 'event.outcome': 'failure' };
    const events = [first, firstHashed, refused, loads.notAllowed(MINUTE + 1, refused, hash(2), true)];
    expect(detect([hashChangedRule(), newHashRule()], events)).toEqual([]);
  });

  it('new-hash with allowed hashes: a hash outside them alerts at its first load (no baseline), once a path and hash', () => {
    const loads = new Loads();
    const options = { allowedHashes: [hash(1).toUpperCase(), hash(2)] };
    const events = [
      ...loads.loadRead(0, '/models/m.safetensors', hash(1)),
      ...loads.loadRead(1000, '/models/x.safetensors', hash(9)),
      loads.call(2000, '/models/x.safetensors', hash(9)),
      ...loads.loadRead(3000, '/models/m.safetensors', hash(2)),
    ];
    const alerts = detect(newHashRule(options), events);
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({
      'event.reason': `core.load loaded /models/x.safetensors with SHA-256 ${hash(9).slice(0, 12)}…, which is not among the 2 allowed hashes`,
      'file.path': '/models/x.safetensors',
      'file.hash.sha256': hash(9),
      'mlx_audit.allowed_hashes': 2,
      'mlx_audit.evidence.sequences': [3, 4],
    });
    expect(alerts[0]).not.toHaveProperty('mlx_audit.previous.sha256');
    // A file the trail does not name (paths policy hash without a key: the path's length alone)
    // has no history to compare with, but its hash is judged against the list all the same.
    const unnamed = (n: number): AuditEvent => loads.run.call(4000 + n, 'core.load', 'success', { 'mlx.kind': 'model-load', 'mlx.args': [{ type: 'path', length: 21 }], 'file.hash.sha256': hash(n) });
    const hidden = [unnamed(1), unnamed(8), unnamed(8)];
    expect(detect(newHashRule(options), hidden).map((alert) => [alert['file.hash.sha256'], alert['event.reason']])).toEqual([
      [hash(8), `core.load loaded a model file with SHA-256 ${hash(8).slice(0, 12)}…, which is not among the 2 allowed hashes`],
      [hash(8), `core.load loaded a model file with SHA-256 ${hash(8).slice(0, 12)}…, which is not among the 2 allowed hashes`],
    ]);
    expect(detect([newHashRule(), hashChangedRule()], hidden)).toEqual([]);
  });
});

describe('unexpected-model.unlisted-source', () => {
  const prefix = { allowedPaths: ['/models/a'] };
  const judged = (options: UnexpectedModelOptions, path: string | null): boolean => detect(unlistedSourceRule(options), [new Loads().call(0, path)]).length > 0;

  it('is off without an allow-list, but raises the runtime’s own not-allowed records, with its reason', () => {
    const loads = new Loads();
    const load = loads.call(0, '/tmp/evil.safetensors');
    const events = [load, loads.notAllowed(5, load, hash(6), false)];
    expect(detect(unlistedSourceRule(), events)).toEqual([
      {
        '@timestamp': stamp(5),
        ...ALERT_ENVELOPE,
        'log.level': 'error',
        'event.severity': 73,
        'event.reason': "The runtime's allow-list of model hashes did not allow the model at /tmp/evil.safetensors: not in the allow-list",
        'rule.id': 'unexpected-model.unlisted-source',
        'rule.name': 'A model loaded from outside the allow-list',
        'rule.description': expect.stringMatching(/^A model load from a path outside the allowed path prefixes/) as unknown,
        'rule.category': 'unexpected-model',
        ...BACKDOOR,
        'service.name': 'svc',
        'process.pid': 4242,
        'mlx.binding': 'core.load',
        'mlx_audit.load.sequence': 1,
        'file.path': '/tmp/evil.safetensors',
        'file.hash.sha256': hash(6),
        'mlx_audit.allow_list': 'runtime',
        'mlx_audit.refused': false,
        'mlx_audit.runtime.reason': 'not in the allow-list',
        'mlx_audit.evidence.sequences': [1, 2],
      },
    ]);
  });

  it('compares path prefixes segment by segment, after resolving . and ..', () => {
    for (const path of ['/models/a', '/models/a/m.safetensors', '/models/a/./b/m.safetensors', '/models//a/m.safetensors', '/models/b/../a/m.safetensors']) expect(judged(prefix, path)).toBe(false);
    for (const path of ['/models/ab', '/models/ab/m.safetensors', '/models/a/../../etc/passwd', '/models/a/../b', '/models', '/Models/a/m.safetensors']) expect(judged(prefix, path)).toBe(true);
    expect(judged({ allowedPaths: ['/models/a/'] }, '/models/a/m.safetensors')).toBe(false);
    expect(judged({ allowedPaths: ['/models/a/../b'] }, '/models/b/m.safetensors')).toBe(false);
    expect(judged({ allowedPaths: ['/'] }, '/anything/m.safetensors')).toBe(false);
    expect(judged({ allowedPaths: [] }, '/models/a/m.safetensors')).toBe(true);
  });

  it('cannot vouch for a relative path, a file’s name alone (paths policy basename) or a hidden one (hash), and says why', () => {
    const reasons = ['models/a/m.safetensors', 'm.safetensors', null].map((path) => detect(unlistedSourceRule(prefix), [new Loads().call(0, path)])[0]?.['event.reason']);
    expect(reasons).toEqual([
      "core.load loaded a model from models/a/m.safetensors, a relative path or a file's name alone (paths policy basename), which no allowed path can vouch for",
      "core.load loaded a model from m.safetensors, a relative path or a file's name alone (paths policy basename), which no allowed path can vouch for",
      'core.load loaded a model from a path the trail does not show (paths policy hash), which cannot be checked against the allowed paths',
    ]);
    // A load of weights passed as arrays names no file: nothing to judge.
    const arrays = new Loads().run.call(0, 'nn.Module#loadWeights', 'success', { 'mlx.kind': 'model-load', 'mlx.args': [{ type: 'weights', count: 2 }] });
    expect(detect(unlistedSourceRule({ allowedPaths: [] }), [arrays])).toEqual([]);
  });

  it('alerts once a load: the runtime’s record of a load judged by its path is not a second alert; a failed attempt counts', () => {
    const loads = new Loads();
    const outside = loads.call(0, '/tmp/evil.safetensors');
    const events = [outside, loads.notAllowed(5, outside, hash(6), false), { ...loads.call(1000, '/tmp/other.safetensors'), 'event.outcome': 'failure' }];
    const inside = loads.call(2000, '/models/a/m.safetensors');
    events.push(inside, loads.notAllowed(2005, inside, hash(7), false));
    const alerts = detect(unlistedSourceRule(prefix), events);
    expect(alerts.map((alert) => [alert['event.reason'], alert['mlx_audit.allow_list'], alert['mlx_audit.evidence.sequences']])).toEqual([
      ['core.load loaded a model from /tmp/evil.safetensors, outside the allowed paths (1 prefix)', 'paths', [1]],
      ['core.load tried to load a model from /tmp/other.safetensors, outside the allowed paths (1 prefix)', 'paths', [3]],
      ["The runtime's allow-list of model hashes did not allow the model at /models/a/m.safetensors: not in the allow-list", 'runtime', [4, 5]],
    ]);
  });

  it('checks hosts when they are listed: exact, or under *.domain; a URL load is not judged by the paths alone', () => {
    const hosts = { allowedHosts: ['HuggingFace.co', '*.example.com'] };
    const fetched = (domain: string): Alert[] => detect(unlistedSourceRule(hosts), [new Loads().fetched(0, `https://${domain}/org/model`, domain)]);
    expect(['huggingface.co', 'cdn.example.com', 'a.b.example.com'].flatMap(fetched)).toEqual([]);
    expect(['evil-huggingface.co', 'huggingface.co.evil.net', 'example.com', 'evilexample.com'].map((domain) => fetched(domain).length)).toEqual([1, 1, 1, 1]);
    expect(fetched('example.com')[0]).toMatchObject({
      'event.reason': 'model.fetch loaded a model from example.com, a host not in the allowed hosts (2 entries)',
      'url.domain': 'example.com',
      'mlx_audit.url': 'https://example.com/org/model',
      'mlx_audit.allow_list': 'hosts',
    });
    expect(detect(unlistedSourceRule(prefix), [new Loads().fetched(0, 'https://example.com/m', 'example.com')])).toEqual([]);
  });
});

describe('unexpected-model.remote-source', () => {
  it('alerts for each load from a URL, with its host', () => {
    const loads = new Loads();
    const alerts = detect(remoteSourceRule(), [loads.call(0, '/models/m.safetensors'), loads.fetched(1000, 'https://huggingface.co/org/model/resolve/main/model.safetensors', 'huggingface.co')]);
    expect(alerts).toEqual([
      {
        '@timestamp': stamp(1000),
        ...ALERT_ENVELOPE,
        'log.level': 'warn',
        'event.severity': 47,
        'event.reason': 'model.fetch loaded a model from https://huggingface.co/org/model/resolve/main/model.safetensors',
        'rule.id': 'unexpected-model.remote-source',
        'rule.name': 'A model loaded from a URL',
        'rule.description': expect.stringMatching(/^A model load from a URL/) as unknown,
        'rule.category': 'unexpected-model',
        'service.name': 'svc',
        'process.pid': 4242,
        'mlx.binding': 'model.fetch',
        'mlx_audit.load.sequence': 2,
        'url.domain': 'huggingface.co',
        'mlx_audit.url': 'https://huggingface.co/org/model/resolve/main/model.safetensors',
        'mlx_audit.evidence.sequences': [2],
      },
    ]);
  });

  it('reads a URL in an instrumented load’s path, and a host alone (paths policy hash); quiet once allowed hosts are listed', () => {
    const loads = new Loads();
    const events = [loads.call(0, 'https://models.example.com/m.safetensors'), loads.run.event(1, { 'event.action': 'model.fetch', 'mlx.kind': 'model-load', 'mlx.source': { type: 'path', hmac: '0123456789abcdef' }, 'url.domain': 'cdn.example.com' })];
    expect(detect(remoteSourceRule(), events).map((alert) => [alert['url.domain'], alert['event.reason']])).toEqual([
      ['models.example.com', 'core.load loaded a model from https://models.example.com/m.safetensors'],
      ['cdn.example.com', 'model.fetch loaded a model from a URL of cdn.example.com'],
    ]);
    expect(detect(remoteSourceRule({ allowedHosts: ['nothing.example'] }), events)).toEqual([]);
    expect(detect(remoteSourceRule(), [loads.call(2, 'file:///models/m.safetensors'), loads.call(3, 'C:/models/m.safetensors')])).toEqual([]);
  });
});

describe('unexpected-model.frequent-reloads', () => {
  /** `count` loads of one path, `spacingMs` apart, each with its runtime follow-up (which is no load). */
  function reloads(count: number, spacingMs: number, loads = new Loads(), start = 0): AuditEvent[] {
    return Array.from({ length: count }, (_, i) => loads.loadRead(start + i * spacingMs, '/models/m.safetensors', hash(1))).flat();
  }

  it('fires on the 10th load of a path within 10 minutes, with the loads as evidence', () => {
    const alerts = detect(frequentReloadsRule(), reloads(10, MINUTE));
    expect(alerts).toEqual([
      {
        '@timestamp': stamp(9 * MINUTE),
        ...ALERT_ENVELOPE,
        'log.level': 'warn',
        'event.severity': 21,
        'event.reason': 'core.load loaded /models/m.safetensors 10 times within 10 min',
        'rule.id': 'unexpected-model.frequent-reloads',
        'rule.name': 'One model loaded many times in a short window',
        'rule.description': expect.stringMatching(/^The same model path/) as unknown,
        'rule.category': 'unexpected-model',
        'service.name': 'svc',
        'process.pid': 4242,
        'mlx.binding': 'core.load',
        'mlx_audit.load.sequence': 19,
        'file.path': '/models/m.safetensors',
        'mlx_audit.loads': 10,
        'mlx_audit.evidence.sequences': [1, 3, 5, 7, 9, 11, 13, 15, 17, 19],
      },
    ]);
  });

  it('stays quiet on 9 loads, on 10 spread over just more than 10 minutes, and on failed loads', () => {
    expect(detect(frequentReloadsRule(), reloads(9, MINUTE))).toEqual([]);
    expect(detect(frequentReloadsRule(), reloads(10, 66_667))).toEqual([]);
    const loads = new Loads();
    const failed = Array.from({ length: 12 }, (_, i) => ({ ...loads.call(i, '/models/m.safetensors'), 'event.outcome': 'failure' }));
    expect(detect(frequentReloadsRule(), failed)).toEqual([]);
  });

  it('alerts once an episode, and again after a quiet window; counts across processes, per service', () => {
    const loads = new Loads();
    const events = [...reloads(15, 1000, loads), ...reloads(10, 1000, loads, 30 * MINUTE)];
    expect(detect(frequentReloadsRule(), events).map((alert) => alert['@timestamp'])).toEqual([stamp(9000), stamp(30 * MINUTE + 9000)]);
    const crashLoop = Array.from({ length: 10 }, (_, i) => new Loads(new Run(String(i).repeat(32), 100 + i)).call(i * 1000, '/models/m.safetensors'));
    expect(detect(frequentReloadsRule({ reloadThreshold: 10 }), crashLoop)).toHaveLength(1);
    const split = crashLoop.map((event, i) => ({ ...event, 'service.name': i % 2 === 0 ? 'a' : 'b' }));
    expect(detect(frequentReloadsRule({ reloadThreshold: 6 }), split)).toEqual([]);
    expect(detect(frequentReloadsRule({ reloadThreshold: 5 }), split)).toHaveLength(2);
  });
});

describe('the unexpected-model family', () => {
  it('keeps its state within maxKeys, counting what it forgets', () => {
    const loads = new Loads();
    const events = Array.from({ length: 50 }, (_, i) => loads.loadRead(i * 1000, `/models/${i}.safetensors`, hash(i))).flat();
    const rules = unexpectedModelRules({ maxKeys: 4, allowedPaths: ['/nowhere'] });
    const monitor = new Monitor(rules);
    monitor.pushAll(events);
    const state = monitor.state();
    // unlisted-source links loads; the hash rules link loads and remember files (two tables of 4).
    expect(state).toEqual({
      'unexpected-model.unlisted-source': { keys: 4, evicted: 46 },
      'unexpected-model.remote-source': { keys: 0, evicted: 0 },
      'unexpected-model.new-hash': { keys: 8, evicted: 92 },
      'unexpected-model.hash-changed': { keys: 8, evicted: 92 },
      'unexpected-model.frequent-reloads': { keys: 4, evicted: 46 },
    });
  });

  it('forgets the oldest path first: a swap of a forgotten path is a new baseline', () => {
    const loads = new Loads();
    const events = [
      ...loads.loadRead(0, '/models/a.safetensors', hash(1)),
      ...loads.loadRead(1, '/models/b.safetensors', hash(2)),
      ...loads.loadRead(2, '/models/c.safetensors', hash(3)),
      ...loads.loadRead(3, '/models/a.safetensors', hash(4)),
    ];
    expect(detect(hashChangedRule({ maxKeys: 2 }), events)).toEqual([]);
    expect(detect(hashChangedRule({ maxKeys: 3 }), events)).toHaveLength(1);
  });

  it('is among the default rules, configured by RuleOptions.unexpectedModel', () => {
    const ruleIds = createMonitor().rules.map((rule) => rule.id);
    expect(ruleIds).toEqual(
      expect.arrayContaining(['unexpected-model.unlisted-source', 'unexpected-model.remote-source', 'unexpected-model.new-hash', 'unexpected-model.hash-changed', 'unexpected-model.frequent-reloads']),
    );
    const monitor = createMonitor({ unexpectedModel: { allowedPaths: ['/models'] } });
    const alerts = monitor.pushAll([new Loads().call(0, '/tmp/m.safetensors')]);
    expect(ids(alerts)).toEqual(['unexpected-model.unlisted-source']);
  });

  it('refuses options it cannot use, naming them', () => {
    expect(() => unexpectedModelRules({ allowedPaths: ['models'] })).toThrow(/^allowedPaths\[0\] must be an absolute POSIX path, got "models"$/);
    expect(() => unexpectedModelRules({ allowedPaths: '/models' as unknown as string[] })).toThrow(/^allowedPaths must be an array of strings$/);
    for (const host of ['https://huggingface.co', 'huggingface.co:443', 'user@host', 'a b', '', '*.']) expect(() => unexpectedModelRules({ allowedHosts: [host] })).toThrow(/^allowedHosts\[0\] must be a host name/);
    expect(() => unexpectedModelRules({ allowedHashes: ['abc'] })).toThrow(/^allowedHashes\[0\] must be a SHA-256/);
    expect(() => unexpectedModelRules({ reloadThreshold: 1 })).toThrow(/^reloadThreshold must be at least 2/);
    expect(() => unexpectedModelRules({ reloadWindowMs: 0 })).toThrow(/^reloadWindowMs must be a positive integer/);
    expect(() => unexpectedModelRules({ maxKeys: 1.5 })).toThrow(/^maxKeys must be a positive integer/);
    expect(() => unexpectedModelRules({ allowedHosts: ['[::1]', 'xn--mnchen-3ya.de', 'münchen.de.'] })).not.toThrow();
  });
});
