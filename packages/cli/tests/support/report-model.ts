import type { AlertRow, BindingStats, EvidenceEvent, ReportModel } from '../../src/report/model.js';

// Report models made by hand, for the renderings' tests: a realistic one (a service an hour into
// an incident: a failure spike, a model loaded that the allow-list does not know, a client pulling
// far more than the others), an empty one, and a hostile one whose every string is an attack.

const START = Date.parse('2026-03-02T08:00:00.000Z');
const BUCKET_MS = 60_000;
const BUCKETS = 120;
const PID = 4242;

const iso = (ms: number): string => new Date(ms).toISOString();
const buckets = <T>(value: (index: number) => T): T[] => Array.from({ length: BUCKETS }, (_, index) => value(index));
/** A wave that stays positive: the traffic of a day, compressed. */
const wave = (index: number, base: number, swing: number): number => Math.round(base + swing * Math.sin(index / 9));
/** The incident: buckets 70 to 79. */
const inIncident = (index: number): boolean => index >= 70 && index < 80;

function binding(name: string, kind: string, base: number, latencyMs: number, failing: boolean): BindingStats {
  const calls = buckets((index) => wave(index, base, base / 3));
  const failures = buckets((index) => (failing && inIncident(index) ? Math.round((calls[index] ?? 0) * 0.3) : 0));
  const at = (index: number, factor: number): number | null => ((calls[index] ?? 0) === 0 ? null : Number((latencyMs * factor * (inIncident(index) ? 2.5 : 1) * (1 + 0.1 * Math.cos(index))).toFixed(2)));
  const total = (values: readonly number[]): number => values.reduce((sum, value) => sum + value, 0);
  return {
    binding: name,
    kind,
    calls: total(calls),
    failures: total(failures),
    latency: { p50: latencyMs, p95: latencyMs * 2.1, p99: latencyMs * 3.4 },
    series: { calls, failures, p50: buckets((index) => at(index, 1)), p95: buckets((index) => at(index, 2.1)), p99: buckets((index) => at(index, 3.4)) },
  };
}

function evidenceEvent(sequence: number, action: string, outcome: string, bindingName: string | null, minute: number): EvidenceEvent {
  return {
    id: `ev-${PID}-${sequence}`,
    time: iso(START + minute * BUCKET_MS),
    action,
    outcome,
    pid: PID,
    sequence,
    binding: bindingName,
    code: bindingName === null ? null : 'src/serve.ts:42',
    at: `/var/log/inference/audit.jsonl:${sequence + 3}`,
    durationMs: bindingName === null ? null : 12.5,
  };
}

/** A service an hour into an incident, as `buildReport` would describe it. */
export function realisticReportModel(): ReportModel {
  const bindings = [
    binding('nn.Module#forward', 'inference', 40, 18.4, true),
    binding('core.matmul', 'array', 120, 0.42, false),
    binding('core.softmax', 'array', 80, 0.21, false),
    binding('generate', 'inference', 12, 640, true),
    binding('core.load', 'model-load', 1, 85, false),
    binding('nn.Module#loadWeights', 'model-load', 1, 120, false),
    binding('core.evalArrays', 'array', 30, 3.2, false),
    binding('other', 'array', 5, 1.1, false),
  ];
  const spike = [2101, 2102, 2103, 2104, 2105].map((sequence) => evidenceEvent(sequence, 'nn.Module#forward', 'failure', 'nn.Module#forward', 71));
  const load = evidenceEvent(3001, 'core.load', 'success', 'core.load', 95);
  const extraction = [4001, 4002].map((sequence) => evidenceEvent(sequence, 'generate', 'success', 'generate', 100));
  const alerts: AlertRow[] = [
    {
      id: 'alert-1',
      time: iso(START + 72 * BUCKET_MS),
      severity: 'high',
      rule: 'error-spike.burn-rate',
      ruleName: 'Error budget burning fast',
      category: 'error-spike',
      reason: 'nn.Module#forward failed 31 of 104 calls in 5 min (29.8%, burn rate 298)',
      fields: { 'service.name': 'inference', 'mlx.binding': 'nn.Module#forward' },
      evidence: spike.map((event) => event.id),
      evidenceUnresolved: [],
    },
    {
      id: 'alert-2',
      time: iso(START + 95 * BUCKET_MS),
      severity: 'critical',
      rule: 'unexpected-model.not-allowed',
      ruleName: 'Model file not in the allow-list',
      category: 'unexpected-model',
      reason: 'core.load loaded /models/llama-3-8b-q4.safetensors, whose SHA-256 is not in the allow-list',
      fields: { 'file.path': '/models/llama-3-8b-q4.safetensors', 'file.hash.sha256': '9f2c…e41a', 'process.pid': String(PID) },
      evidence: [load.id],
      evidenceUnresolved: [],
    },
    {
      id: 'alert-3',
      time: iso(START + 100 * BUCKET_MS),
      severity: 'medium',
      rule: 'extraction.volume',
      ruleName: 'One client far above the others',
      category: 'extraction',
      reason: 'client c-7f3a9b2e made 1,840 inference calls in 1 h, 12.4 times the median client',
      fields: { 'client.id': 'c-7f3a9b2e', 'service.name': 'inference' },
      evidence: extraction.map((event) => event.id),
      evidenceUnresolved: [812],
    },
    {
      id: 'alert-4',
      time: iso(START + 119 * BUCKET_MS),
      severity: 'medium',
      rule: 'auditing-gap.not-stopped',
      ruleName: 'Run ended without a stop record',
      category: 'auditing-gap',
      reason: 'run 5e0c2d0f9a1b4c3d8e7f6a5b4c3d2e1f ends without mlx-audit.stopped: the process was killed or crashed',
      fields: { 'process.pid': '4100', 'mlx_audit.run': '5e0c2d0f9a1b4c3d8e7f6a5b4c3d2e1f' },
      evidence: [],
      evidenceUnresolved: [],
    },
  ];
  const clientIds = ['c-7f3a9b2e', 'c-01d4e8aa', 'c-93bb0c17', 'c-5a5a1f02', 'c-e0f1c2d3', 'c-44c0ffee', 'c-2b7d9e10', 'c-b16b00b5', 'c-0ddba11a'];
  return {
    generated: '2026-03-02T10:05:12.345Z',
    version: '0.1.0',
    input: {
      files: ['/var/log/inference/audit.jsonl.1', '/var/log/inference/audit.jsonl'],
      skipped: [{ file: '/var/log/inference/notes.txt', reason: 'not a trail file (no mlx-audit.opened record)' }],
      events: 18_342,
      beforeSince: 0,
      malformed: 1,
      firstMalformed: '/var/log/inference/audit.jsonl.1:77',
      first: iso(START),
      last: iso(START + BUCKETS * BUCKET_MS - 1),
    },
    verdict: {
      chain: 'intact',
      sealing: 'verified',
      lines: 18_346,
      problems: [],
      problemsOmitted: 0,
      gaps: 1,
      alertsBySeverity: { critical: 1, high: 1, medium: 2, low: 0 },
      summary: 'The chain of 18,346 lines verifies and every seal checks with the key; 4 alerts, 1 critical.',
    },
    timeline: {
      start: START,
      bucketMs: BUCKET_MS,
      events: buckets((index) => wave(index, 150, 50)),
      failures: buckets((index) => (inIncident(index) ? 20 + (index % 4) * 5 : index % 17 === 0 ? 1 : 0)),
      alerts: buckets((index) => alerts.filter((alert) => Date.parse(alert.time) - START >= index * BUCKET_MS && Date.parse(alert.time) - START < (index + 1) * BUCKET_MS).length),
    },
    bindings,
    loads: {
      rows: [
        { time: iso(START + 1000), binding: 'core.load', source: '/models/phi-3-mini.safetensors', sha256: 'b5d2c0f7e8a94f3e9c1d2b3a4f5e6d7c8b9a0f1e2d3c4b5a6978877665544332', allowed: 'allowed', outcome: 'success', pid: PID, event: 'ev-4242-3' },
        { time: iso(START + 95 * BUCKET_MS), binding: 'core.load', source: '/models/llama-3-8b-q4.safetensors', sha256: '9f2c4d8e1b7a3c5f6e0d9b8a7c6f5e4d3c2b1a0f9e8d7c6b5a4f3e2d1c0be41a', allowed: 'not-allowed', outcome: 'success', pid: PID, event: load.id },
        { time: iso(START + 96 * BUCKET_MS), binding: 'nn.Module#loadWeights', source: 'huggingface.co', sha256: null, allowed: 'refused', outcome: 'failure', pid: PID, event: 'ev-4242-3010' },
        { time: iso(START + 97 * BUCKET_MS), binding: 'core.load', source: null, sha256: null, allowed: 'no-allow-list', outcome: 'success', pid: 4100, event: 'ev-4100-12' },
      ],
      omitted: 0,
    },
    clients: {
      inferenceWithClient: 4_980,
      inferenceWithoutClient: 312,
      distinct: clientIds.length,
      exact: true,
      top: clientIds.map((id, index) => ({
        id,
        calls: index === 0 ? 1_840 : Math.round(620 / (index + 1)) + 40,
        error: 0,
        extractionAlerts: index === 0 ? 1 : 0,
        extractionRules: index === 0 ? ['extraction.volume'] : [],
      })),
    },
    alerts: { rows: alerts, omitted: 0 },
    evidence: [...spike, load, ...extraction],
    plan: {
      plan: 'dist-audited/audit-plan.json',
      planned: 14,
      exercised: 11,
      neverExercised: {
        rows: [
          { file: 'src/admin.ts', line: 88, column: 5, binding: 'core.save', events: 0 },
          { file: 'src/warmup.ts', line: 12, column: 3, binding: 'core.load', events: 0 },
          { file: 'src/serve.ts', line: 140, column: 9, binding: 'nn.Module#loadWeights', events: 0 },
        ],
        omitted: 0,
      },
      notInPlan: { rows: [{ file: 'src/experimental.ts', line: 7, column: 14, binding: 'core.matmul', events: 96 }], omitted: 0 },
    },
  };
}

/** A report of a trail with nothing in it: no event, no alert, no load, no client, no plan. */
export function emptyReportModel(): ReportModel {
  return {
    generated: '2026-03-02T10:05:12.345Z',
    version: '0.1.0',
    input: { files: ['/var/log/empty/audit.jsonl'], skipped: [], events: 0, beforeSince: 0, malformed: 0 },
    verdict: {
      chain: 'intact',
      sealing: 'unsealed',
      lines: 0,
      problems: [],
      problemsOmitted: 0,
      gaps: 0,
      alertsBySeverity: { critical: 0, high: 0, medium: 0, low: 0 },
      summary: 'The trail holds no line: nothing to verify, no alert.',
    },
    timeline: { start: 0, bucketMs: 60_000, events: [], failures: [], alerts: [] },
    bindings: [],
    loads: { rows: [], omitted: 0 },
    clients: { inferenceWithClient: 0, inferenceWithoutClient: 0, distinct: 0, exact: true, top: [] },
    alerts: { rows: [], omitted: 0 },
    evidence: [],
  };
}

/**
 * The realistic report with every string of the trail replaced by `hostile` (with its position
 * appended, so that ids stay distinct): what a writer of the trail could put in a report.
 */
export function hostileReportModel(hostile: string): ReportModel {
  let count = 0;
  const replace = (value: unknown): unknown => {
    if (typeof value === 'string') return `${hostile}${count++}`;
    if (Array.isArray(value)) return value.map(replace);
    if (typeof value === 'object' && value !== null) return Object.fromEntries(Object.entries(value).map(([key, field]) => [key, replace(field)]));
    return value;
  };
  const model = realisticReportModel();
  // The structure stays: the enumerations (chain, sealing, a load's allow-list, the verdict's
  // severities) are the report's own words, not the trail's; everything else is hostile, the ids
  // an alert's evidence names included (consistently, so that its links still land).
  const evidenceIds = new Map(model.evidence.map((event) => [event.id, `${hostile}${count++}`]));
  const idOf = (id: string): string => evidenceIds.get(id) ?? `${hostile}${count++}`;
  return {
    ...model,
    generated: replace(model.generated) as string,
    version: replace(model.version) as string,
    input: replace(model.input) as ReportModel['input'],
    verdict: {
      ...model.verdict,
      problems: [{ kind: `${hostile}kind`, class: 'tampered', file: `${hostile}file`, line: 3, detail: `${hostile}detail` }],
      summary: replace(model.verdict.summary) as string,
    },
    bindings: model.bindings.map((stats) => ({ ...stats, binding: replace(stats.binding) as string, kind: replace(stats.kind) as string })),
    loads: { ...model.loads, rows: model.loads.rows.map((load) => ({ ...load, time: replace(load.time) as string, binding: replace(load.binding) as string, source: `javascript:alert(document.domain)//${hostile}`, sha256: replace(load.sha256) as string, outcome: replace(load.outcome) as string, event: idOf(load.event) })) },
    clients: { ...model.clients, top: model.clients.top.map((client) => ({ ...client, id: replace(client.id) as string, extractionRules: replace(client.extractionRules) as string[] })) },
    alerts: {
      ...model.alerts,
      rows: model.alerts.rows.map((alert) => ({
        ...(replace(alert) as AlertRow),
        // The names of an alert's fields are the trail's too.
        fields: Object.fromEntries(Object.values(alert.fields).map((value) => [`${hostile}${count++}`, replace(value) as string])),
        severity: alert.severity === 'critical' ? alert.severity : (replace(alert.severity) as string),
        evidence: alert.evidence.map(idOf),
        evidenceUnresolved: alert.evidenceUnresolved,
      })),
    },
    evidence: model.evidence.map((event) => ({ ...(replace(event) as EvidenceEvent), id: idOf(event.id), pid: event.pid, sequence: event.sequence, durationMs: event.durationMs })),
    ...(model.plan === undefined ? {} : { plan: replace(model.plan) as ReportModel['plan'] & object }),
  };
}
