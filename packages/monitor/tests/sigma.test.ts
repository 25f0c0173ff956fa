import type { AuditEvent, JsonValue } from '@mlx-audit/runtime';
import { describe, expect, it } from 'vitest';
import { allRules, CHAIN_RULE, droppedRule, frequentReloadsRule, modelLoadFailuresRule, newHashRule, remoteSourceRule, SEVERITY, sinksOffRule, unlistedSourceRule, type RuleOptions } from '../src/index.js';
import { RULE_MAPPINGS, sigmaExport, sigmaId, timespan, uuidV5 } from '../src/sigma/index.js';
import { MINUTE, Run, stamp } from './events.js';
import { sigmaFileErrors } from './support/sigma-checks.js';
import { alertsOf, expectCountsLike, exported, find, judged, sigmaOf, without } from './support/sigma-export.js';
import { sigmaMatches } from './support/sigma-match.js';
import { sigmaSchemaErrors } from './support/sigma-schemas.js';

// The Sigma export: every document valid against Sigma's schemas (tests/support/sigma/) and sound for
// sigma-cli, every rule exported or said why not, the same output every time, and each exported
// rule shown to mean what the monitor's rule means, by running both over the same events.

/** Every rule id of issue #17 (/work/notes/rule-ids.md): the export must know each, exported or not. */
const RULE_IDS = [
  'auditing-gap.sequence',
  'auditing-gap.dropped',
  'auditing-gap.sinks-off',
  'auditing-gap.not-stopped',
  'auditing-gap.no-chain',
  'auditing-gap.no-lifecycle',
  'auditing-gap.chain',
  'error-spike.burn-rate',
  'error-spike.model-load-failures',
  'unexpected-model.unlisted-source',
  'unexpected-model.remote-source',
  'unexpected-model.new-hash',
  'unexpected-model.hash-changed',
  'unexpected-model.frequent-reloads',
  'latency-shift.band',
  'resources.band',
  'extraction.volume',
  'extraction.rate',
  'extraction.distinct-inputs',
  'extraction.sweep',
  'confidence-drift.psi',
];

const HASH_A = 'a'.repeat(64);
const HASH_B = 'b'.repeat(64);
const HASH_C = 'c'.repeat(64);

/** Options other than the defaults, for every family that has some. */
const TUNED: RuleOptions = {
  auditingGaps: { maxRuns: 50 },
  burnRate: { objective: 0.999, burnRate: 6, shortWindowMs: 30 * MINUTE, longWindowMs: 360 * MINUTE },
  modelLoadFailures: { threshold: 3, windowMs: 90_000 },
  unexpectedModel: { allowedPaths: ['/srv/models'], allowedHashes: [HASH_A.toUpperCase(), HASH_B], reloadThreshold: 3, reloadWindowMs: 120_000 },
};


describe('the Sigma export', () => {
  it.each([
    ['default options', {}],
    ['tuned options', TUNED],
  ])('writes only documents the schemas accept and sigma-cli can resolve, with %s', (_, options: RuleOptions) => {
    const files = exported(sigmaExport(options));
    expect(files.length).toBeGreaterThan(0);
    for (const rule of files) expect({ file: rule.sigma.file, errors: sigmaFileErrors(rule.sigma.documents) }).toEqual({ file: rule.sigma.file, errors: [] });
  });

  it('validates for real: the schemas refuse broken documents', () => {
    const [outer, events] = sigmaOf('error-spike.model-load-failures');
    const dropped = sigmaOf('auditing-gap.dropped')[0];
    if (outer === undefined || events === undefined || dropped === undefined) throw new Error('documents missing');
    expect(sigmaSchemaErrors(dropped)).toEqual([]);
    const noDetection = without(dropped, 'detection');
    const broken: unknown[] = [
      noDetection,
      { ...dropped, id: 'auditing-gap.dropped' },
      { ...dropped, level: 'severe' },
      { ...dropped, status: 'draft' },
      { ...dropped, tags: ['ATLAS.AML.T0024'] },
      { ...dropped, date: '2026-13-01' },
      { ...dropped, detection: { selection: { 'event.action': 'x' } } },
      { ...outer, correlation: { ...(outer.correlation as object), type: 'event_counts' } },
      { ...outer, correlation: { type: 'event_count', rules: ['x'], timespan: '5m', condition: { gte: 5 } } },
      { ...outer, correlation: { ...(outer.correlation as object), timespan: '12345678901s' } },
    ];
    for (const document of broken) expect(sigmaSchemaErrors(document)).not.toEqual([]);
    // What the schemas leave to the structure checks.
    const unnamed = { ...events, name: 'another_name' };
    expect(sigmaFileErrors([outer, unnamed])).toEqual([expect.stringContaining('no detection rule of the file is named') as unknown]);
    const fractional = { ...outer, correlation: { ...(outer.correlation as object), condition: { gte: 2.5 } } };
    expect(sigmaFileErrors([fractional, events])).toEqual(['document 0: condition.gte must be a positive integer']);
  });

  it('lists every rule of the monitor once, each exported or with its reason, and knows every rule id of #17', () => {
    const listing = sigmaExport();
    // The chain rule is read off the verifier over files (CHAIN_RULE), no Rule of allRules().
    expect(listing.map((rule) => rule.id).sort()).toEqual([...allRules().map((rule) => rule.id), CHAIN_RULE.id].sort());
    expect(listing.map((rule) => rule.id).indexOf(CHAIN_RULE.id)).toBe(allRules().filter((rule) => rule.category === 'auditing-gap').length);
    for (const rule of listing) {
      if (rule.exported) expect(rule.sigma.documents.length).toBeGreaterThan(0);
      else expect(rule.reason).toMatch(/^[A-Z].{40,}\.$/s);
    }
    expect(Object.keys(RULE_MAPPINGS).sort()).toEqual([...RULE_IDS].sort());
  });

  it('gives the same output every time, and ids that depend on the rule id alone', () => {
    expect(sigmaExport()).toEqual(sigmaExport());
    const ids = exported(sigmaExport()).flatMap((rule) => rule.sigma.documents.map((document) => document.id));
    expect(new Set(ids).size).toBe(ids.length);
    // Other options change what a rule says, never its ids.
    const idsByRule = (options: RuleOptions): Map<string, unknown[]> => new Map(exported(sigmaExport(options)).map((rule) => [rule.id, rule.sigma.documents.map((document) => document.id)]));
    const tuned = idsByRule(TUNED);
    for (const [rule, documents] of idsByRule({})) expect(tuned.get(rule)).toEqual(documents);
    expect(sigmaOf('auditing-gap.dropped')[0]?.id).toBe('38971124-6f3d-57b5-acae-ae4ddd40535f');
  });

  it('makes RFC 9562 version-5 UUIDs and Sigma timespans', () => {
    // The RFC's example: www.example.com in the DNS namespace.
    expect(uuidV5('6ba7b810-9dad-11d1-80b4-00c04fd430c8', 'www.example.com')).toBe('2ed6657d-e927-568b-95e1-2665a8aea6a2');
    expect(sigmaId('x')).not.toBe(sigmaId('y'));
    expect([timespan(300_000), timespan(90_000), timespan(3_600_000), timespan(86_400_000 * 2), timespan(1500), timespan(0)]).toEqual(['5m', '90s', '1h', '2d', undefined, undefined]);
  });

  it('writes the drop record rule in full', () => {
    expect(sigmaOf('auditing-gap.dropped')).toEqual([
      {
        title: 'Events turned away by a full buffer',
        id: '38971124-6f3d-57b5-acae-ae4ddd40535f',
        status: 'experimental',
        description: 'The runtime recorded a mlx-audit.dropped record: its buffer was full and routine events were never written.',
        references: ['https://github.com/mlx-audit/mlx-audit/blob/main/rules-docs/detections/auditing-gap.dropped.md'],
        author: 'mlx-audit',
        date: '2026-12-02',
        logsource: { product: 'mlx-audit', category: 'application', definition: expect.stringContaining('@mlx-audit/runtime') as unknown },
        detection: { selection: { 'event.action': 'mlx-audit.dropped' }, condition: 'selection' },
        fields: ['process.pid', 'count', 'event.sequence'],
        falsepositives: ['A process under sustained overload writes one drop record per drain of its buffer, and each one is an alert'],
        level: 'medium',
      },
    ]);
    expect(find(sigmaExport(), 'auditing-gap.dropped')).toMatchObject({ family: 'auditing-gap', severity: 'medium', sigma: { file: 'mlx_audit_auditing_gap_dropped.yml', approximation: undefined } });
  });

  it('marks an approximation in the description and the listing', () => {
    const rule = find(sigmaExport(), 'auditing-gap.sinks-off');
    if (!rule.exported) throw new Error('sinks-off is exported');
    expect(rule.sigma.approximation).toMatch(/empty list/);
    expect(rule.sigma.documents[0]?.description).toContain(`APPROXIMATION of the mlx-audit rule auditing-gap.sinks-off: ${rule.sigma.approximation ?? ''}`);
    for (const other of exported(sigmaExport()).filter((candidate) => candidate.sigma.approximation === undefined)) {
      expect(other.sigma.documents[0]?.description).not.toContain('APPROXIMATION');
    }
  });

  it('follows the options: the threshold and window of model-load-failures, and a window Sigma cannot write', () => {
    expect(sigmaOf('error-spike.model-load-failures')[0]?.correlation).toEqual({
      type: 'event_count',
      rules: ['mlx_audit_error_spike_model_load_failures_event'],
      'group-by': ['service.name'],
      timespan: '5m',
      condition: { gte: 5 },
    });
    expect(sigmaOf('error-spike.model-load-failures', TUNED)[0]?.correlation).toMatchObject({ timespan: '90s', condition: { gte: 3 } });
    const odd = find(sigmaExport({ modelLoadFailures: { windowMs: 1500 } }), 'error-spike.model-load-failures');
    expect(odd).toMatchObject({ exported: false, reason: 'modelLoadFailures.windowMs (1500 ms) is not a whole number of seconds, the smallest unit of a Sigma timespan.' });
  });

  it("refuses options the rules refuse, with the rule factory's TypeError", () => {
    expect(() => sigmaExport({ modelLoadFailures: { threshold: 0 } })).toThrow(new TypeError('threshold must be a positive integer, got 0'));
    expect(() => sigmaExport({ burnRate: { objective: 1.5 } })).toThrow(TypeError);
  });
});

describe('an exported rule matches what the monitor rule judges', () => {
  it('auditing-gap.dropped: each drop record, and nothing else', () => {
    const [rule] = sigmaOf('auditing-gap.dropped');
    const run = new Run();
    const events = [run.dropped(0, 3), run.call(1000, 'core.load', 'failure'), run.configured(2000, [])];
    const alerts = alertsOf(droppedRule(), events);
    expect(alerts.map((alert) => alert['mlx_audit.evidence.sequences'])).toEqual([[1]]);
    expect(alerts[0]?.['event.severity']).toBe(SEVERITY[RULE_MAPPINGS['auditing-gap.dropped']?.severity ?? 'low']);
    expect(events.map((event) => sigmaMatches(rule?.detection as Record<string, unknown>, event))).toEqual([true, false, false]);
  });

  it('auditing-gap.sinks-off: a configuration with no sink; the approximation matches one whose sinks field is gone too', () => {
    const [rule] = sigmaOf('auditing-gap.sinks-off');
    const detection = rule?.detection as Record<string, unknown>;
    const run = new Run();
    const events = [run.started(0), run.configured(1000, ['file']), run.configured(2000, []), run.call(3000, 'core.load', 'success', { 'mlx_audit.sinks': [] })];
    const alerts = alertsOf(sinksOffRule(), events);
    expect(alerts.map((alert) => alert['mlx_audit.evidence.sequences'])).toEqual([[3]]);
    expect(alerts[0]?.['event.severity']).toBe(SEVERITY[RULE_MAPPINGS['auditing-gap.sinks-off']?.severity ?? 'low']);
    expect(events.map((event) => sigmaMatches(detection, event))).toEqual([false, false, true, false]);
    // The difference the approximation declares: a configured record that lost its sinks field.
    const stripped = without(run.configured(4000, ['file']), 'mlx_audit.sinks');
    expect([alertsOf(sinksOffRule(), [stripped]).length, sigmaMatches(detection, stripped)]).toEqual([0, true]);
  });

  it.each([
    ['defaults', {}, 5, 5 * MINUTE],
    ['tuned', TUNED, 3, 90_000],
  ])('error-spike.model-load-failures (%s): the events counted, and the count and window that fire', (_, options: RuleOptions, threshold: number, windowMs: number) => {
    const [outer, events] = sigmaOf('error-spike.model-load-failures', options);
    expect(outer?.correlation).toMatchObject({ timespan: timespan(windowMs), condition: { gte: threshold } });
    const detection = events?.detection as Record<string, unknown>;
    const run = new Run();
    const failed = run.load(0, 'failure');
    const loaded = run.load(0, 'success');
    const refused = run.event(0, { 'event.action': 'mlx-audit.model-not-allowed', 'mlx.kind': 'model-load', 'event.outcome': 'failure', 'file.path': '/tmp/m' });
    expect([failed, loaded, refused].map((event) => sigmaMatches(detection, event))).toEqual([true, false, false]);

    expectCountsLike(() => modelLoadFailuresRule(options.modelLoadFailures), (at) => run.load(at, 'failure'), threshold, windowMs, 'error-spike.model-load-failures');
    // What the detection leaves out, the rule does not count either.
    expect(alertsOf(modelLoadFailuresRule(options.modelLoadFailures), Array.from({ length: threshold }, (_unused, index) => ({ ...refused, '@timestamp': stamp(index * 1000) })))).toEqual([]);
  });
});

describe('the unexpected-model rules in Sigma', () => {
  const run = new Run();
  const load = (fields: Record<string, JsonValue>, action = 'model.load'): AuditEvent => run.event(0, { 'event.action': action, 'event.outcome': 'success', 'mlx.kind': 'model-load', ...fields });

  it('unlisted-source: the runtime\'s refusals alone, exactly, with no allow-list; an approximation with one', () => {
    const detection = sigmaOf('unexpected-model.unlisted-source')[0]?.detection as Record<string, unknown>;
    const events = [
      load({ 'file.path': '/srv/models/m' }, 'mlx-audit.model-not-allowed'),
      load({ 'file.path': '/srv/models/m', 'event.outcome': 'failure' }, 'mlx-audit.model-not-allowed'),
      load({ 'mlx.kind': 'model-save', 'file.path': '/srv/models/m' }, 'mlx-audit.model-not-allowed'),
      load({ 'file.path': '/tmp/m' }),
    ];
    expect(events.map((event) => sigmaMatches(detection, event))).toEqual([true, true, false, false]);
    expect(judged(() => unlistedSourceRule(), events)).toEqual([true, true, false, false]);
    const listed = find(sigmaExport(TUNED), 'unexpected-model.unlisted-source');
    expect(listed).toMatchObject({ exported: true, sigma: { approximation: expect.stringMatching(/^Only the runtime’s own/) as unknown } });
    // The part it leaves to the monitor: a load outside the allowed paths.
    expect(judged(() => unlistedSourceRule(TUNED.unexpectedModel), [load({ 'file.path': '/srv/models/../etc/m' })])).toEqual([true]);
  });

  it('remote-source: a load from a URL, as the monitor reads the source; off with allowed hosts', () => {
    const detection = sigmaOf('unexpected-model.remote-source')[0]?.detection as Record<string, unknown>;
    const events = [
      load({ 'file.path': '/models/m.safetensors' }),
      load({ 'file.path': 'https://hub.example/org/m.safetensors' }),
      load({ 'file.path': 'file:///models/m.safetensors' }),
      load({ 'file.path': 'C:\\models\\m.safetensors' }),
      load({ 'url.domain': 'hub.example', 'mlx.source': { type: 'path', path: 'https://hub.example/org/m' } }),
      load({ 'mlx.source': { type: 'path', path: 'hf:' } }),
      load({ 'mlx.source': { type: 'path', path: 'file:///models/m' } }),
      load({ 'url.domain': 'hub.example' }, 'mlx-audit.invalid-action'),
      load({ 'file.path': 'https://hub.example/org/m' }, 'mlx-audit.model-hashed'),
      load({ 'mlx.kind': 'inference', 'url.domain': 'hub.example' }),
    ];
    const expected = [false, true, false, false, true, true, false, true, false, false];
    expect(events.map((event) => sigmaMatches(detection, event))).toEqual(expected);
    expect(judged(() => remoteSourceRule(), events)).toEqual(expected);
    expect(find(sigmaExport({ unexpectedModel: { allowedHosts: ['hub.example'] } }), 'unexpected-model.remote-source')).toMatchObject({ exported: false, reason: expect.stringMatching(/allowedHosts/) as unknown });
  });

  it('new-hash: not exported without allowed hashes; with them, single-file loads judged alike, every load rather than once', () => {
    expect(find(sigmaExport(), 'unexpected-model.new-hash')).toMatchObject({ exported: false, reason: expect.stringMatching(/baseline/) as unknown });
    const [rule] = sigmaOf('unexpected-model.new-hash', TUNED);
    const detection = rule?.detection as Record<string, unknown>;
    expect(detection.allowed).toEqual({ 'file.hash.sha256': [HASH_A, HASH_B] });
    const events = [
      load({ 'file.path': '/srv/models/a', 'file.hash.sha256': HASH_A }),
      load({ 'file.path': '/srv/models/c', 'file.hash.sha256': HASH_C }),
      load({ 'file.path': '/srv/models/d', 'file.hash.sha256': HASH_C, 'event.outcome': 'failure' }),
      load({ 'file.path': '/srv/models/e', 'file.hash.sha256': HASH_C, 'mlx.load.sequence': 1 }, 'mlx-audit.model-hashed'),
      load({ 'file.path': '/srv/models/f', 'file.hash.sha256': HASH_C, 'mlx.load.sequence': 1 }, 'mlx-audit.model-not-allowed'),
    ];
    const expected = [false, true, false, true, false];
    expect(events.map((event) => sigmaMatches(detection, event))).toEqual(expected);
    expect(judged(() => newHashRule(TUNED.unexpectedModel), events)).toEqual(expected);
    // The difference the approximation declares: the same path and hash again.
    const again = [load({ 'file.path': '/srv/models/c', 'file.hash.sha256': HASH_C }), load({ 'file.path': '/srv/models/c', 'file.hash.sha256': HASH_C })];
    expect([alertsOf(newHashRule(TUNED.unexpectedModel), again).length, again.filter((event) => sigmaMatches(detection, event)).length]).toEqual([1, 2]);
    // With an empty list every hash is new: the detection has no list to leave out.
    expect(sigmaOf('unexpected-model.new-hash', { unexpectedModel: { allowedHashes: [] } })[0]?.detection).not.toHaveProperty('allowed');
  });

  it('hash-changed is not exported, and says which rule is', () => {
    expect(find(sigmaExport(TUNED), 'unexpected-model.hash-changed')).toMatchObject({ exported: false, reason: expect.stringMatching(/new-hash is exported/) as unknown });
  });

  it.each([
    ['defaults', {}, 10, 10 * MINUTE],
    ['tuned', TUNED, 3, 120_000],
  ])('frequent-reloads (%s): loads of one path of one service, counted over the window', (_, options: RuleOptions, threshold: number, windowMs: number) => {
    const [outer, events] = sigmaOf('unexpected-model.frequent-reloads', options);
    expect(outer?.correlation).toMatchObject({ 'group-by': ['service.name', 'file.path'], timespan: timespan(windowMs), condition: { gte: threshold } });
    const detection = events?.detection as Record<string, unknown>;
    const path = { 'file.path': '/srv/models/m' };
    const judgedEvents = [load(path), load({ ...path, 'event.outcome': 'failure' }), load(path, 'mlx-audit.model-hashed'), load({}), load(path, 'mlx-audit.invalid-action')];
    expect(judgedEvents.map((event) => sigmaMatches(detection, event))).toEqual([true, false, false, false, true]);
    expectCountsLike(() => frequentReloadsRule(options.unexpectedModel), (at) => run.event(at, { 'event.action': 'core.load', 'event.outcome': 'success', 'mlx.kind': 'model-load', ...path }), threshold, windowMs, 'unexpected-model.frequent-reloads');
  });
});
