import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildReport, ReportInputError } from '../src/report/build.js';
import type { AuditEvent } from '@mlx-audit/runtime';
import { ClientTally } from '../src/report/clients.js';
import { EvidenceWindow } from '../src/report/evidence.js';
import { renderMarkdown } from '../src/report/markdown.js';
import { REPORT_LIMITS, type ReportModel } from '../src/report/model.js';
import { BucketedSeries, TimeAxis } from '../src/report/time-axis.js';
import { mlxAudit } from './run-cli.js';
import { servingProgram, weightsProgram } from './support/instrumented-program.js';
import { writeTrail } from './trail-writer.js';

// What `mlx-audit report` reads from a trail: a real one, written by a program making MLX calls
// through the runtime on real MLX (durations, model files hashed at load against an allow-list,
// failures, clients), and each figure checked against the trail's own lines. The HTML page is
// tested in a browser in report-html.test.ts; the Markdown and the command line here.

const CLIENTS = ['alpha', 'alpha', 'alpha', 'beta', 'beta', 'gamma'];
const REQUESTS = 60;
const FAILURES = 12;

let work: string;
let trail: string;
let weights: string;
let otherWeights: string;
let model: ReportModel;
let lines: Record<string, unknown>[];

function sha256(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

function run(script: string, env: Record<string, string>): void {
  const result = spawnSync(process.execPath, [script], { encoding: 'utf8', env: { PATH: process.env.PATH ?? '', ...env } });
  expect(result.stderr).toBe('');
  expect(result.status).toBe(0);
}

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'mlx-audit-report-'));
  chmodSync(work, 0o700);
  weights = join(work, 'model.safetensors');
  otherWeights = join(work, 'other.safetensors');
  writeFileSync(join(work, 'weights.mjs'), weightsProgram(weights, otherWeights));
  run(join(work, 'weights.mjs'), {});
  writeFileSync(join(work, 'models.sha256'), `${sha256(weights)}  model.safetensors\n`);
  trail = join(work, 'trail');
  mkdirSync(trail, { mode: 0o700 });
  writeFileSync(join(work, 'serve.mjs'), servingProgram({ requests: REQUESTS, clients: CLIENTS, weights, otherWeights, failures: FAILURES }));
  run(join(work, 'serve.mjs'), {
    MLX_AUDIT_SINK: 'file',
    MLX_AUDIT_FILE: join(trail, 'audit.jsonl'),
    MLX_AUDIT_MODELS_MANIFEST: join(work, 'models.sha256'),
    MLX_AUDIT_MODELS_MODE: 'alert',
  });
  lines = readFileSync(join(trail, 'audit.jsonl'), 'utf8')
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
  model = await buildReport([trail]);
});
afterAll(() => {
  if (process.env.KEEP_REPORT === undefined) rmSync(work, { recursive: true, force: true });
  else process.stderr.write(`report test: kept ${work}\n`);
});

const sum = (values: readonly number[]) => values.reduce((total, value) => total + value, 0);

/** The value, known to be there (the test fails here if it is not). */
function must<T>(value: T | null | undefined): T {
  if (value === undefined || value === null) throw new Error('expected a value');
  return value;
}

describe('the report of a real trail', () => {
  it('says the chain verified, over every line', () => {
    expect(model.verdict).toMatchObject({ chain: 'intact', sealing: 'unsealed', lines: lines.length, problems: [], gaps: 0 });
    expect(model.verdict.summary).toMatch(new RegExp(`^The chain verified over ${lines.length} lines in 1 file; no auditing gap; `));
    expect(model.input).toMatchObject({ files: [join(trail, 'audit.jsonl')], events: lines.length, malformed: 0, beforeSince: 0 });
    const stamps = lines.map((line) => String(line['@timestamp'])).sort();
    expect([model.input.first, model.input.last]).toEqual([stamps[0], stamps.at(-1)]);
  });

  it('counts the calls of each binding, their failures and latency, whole and per bucket', () => {
    const matmul = model.bindings.find((binding) => binding.binding === 'core.matmul');
    expect(matmul).toMatchObject({ kind: 'inference', calls: REQUESTS + FAILURES, failures: FAILURES });
    expect(model.bindings.find((binding) => binding.binding === 'core.eval')).toMatchObject({ calls: REQUESTS, failures: 0 });
    expect(model.bindings.find((binding) => binding.binding === 'core.load')).toMatchObject({ kind: 'model-load', calls: 2 });
    for (const binding of model.bindings) {
      expect(sum(binding.series.calls)).toBe(binding.calls);
      expect(sum(binding.series.failures)).toBe(binding.failures);
      expect(binding.series.calls).toHaveLength(model.timeline.events.length);
      const latency = must(binding.latency);
      expect(latency.p50).toBeLessThanOrEqual(latency.p95);
      expect(latency.p95).toBeLessThanOrEqual(latency.p99);
    }
    // The percentiles are within the sketch's 1% (and the rounding to three figures) of the trail's own.
    const durations = lines.filter((line) => line['mlx.binding'] === 'core.matmul').map((line) => Number(line['event.duration']) / 1e6).sort((a, b) => a - b);
    const exact = must(durations[Math.ceil(0.5 * durations.length) - 1]);
    expect(Math.abs(must(must(matmul).latency).p50 - exact) / exact).toBeLessThan(0.03);
  });

  it('places every event and failure on the timeline', () => {
    expect(model.timeline.events.length).toBeGreaterThan(1);
    expect(model.timeline.events.length).toBeLessThanOrEqual(REPORT_LIMITS.buckets);
    expect(sum(model.timeline.events)).toBe(lines.length);
    expect(sum(model.timeline.failures)).toBe(lines.filter((line) => line['event.outcome'] === 'failure').length);
    expect(sum(model.timeline.alerts)).toBe(model.alerts.rows.length + model.alerts.omitted);
    const times = lines.map((line) => Date.parse(String(line['@timestamp'])));
    expect(model.timeline.start).toBeLessThanOrEqual(Math.min(...times));
    expect(model.timeline.start + model.timeline.bucketMs * model.timeline.events.length).toBeGreaterThan(Math.max(...times));
  });

  it('lists the model loads with their hashes, allowed or not', () => {
    expect(model.loads.omitted).toBe(0);
    expect(model.loads.rows).toEqual([
      expect.objectContaining({ binding: 'core.load', source: weights, sha256: sha256(weights), allowed: 'allowed', outcome: 'success' }),
      expect.objectContaining({ binding: 'core.load', source: otherWeights, sha256: sha256(otherWeights), allowed: 'not-allowed', outcome: 'success' }),
    ]);
    for (const load of model.loads.rows) expect(load.event).toMatch(/^ev-\d+-\d+$/);
  });

  it('counts inference per client, busiest first', () => {
    expect(model.clients).toMatchObject({ inferenceWithClient: REQUESTS, inferenceWithoutClient: FAILURES, distinct: 3, exact: true });
    expect(model.clients.top.map(({ id, calls, error }) => [id, calls, error])).toEqual([
      ['alpha', 30, 0],
      ['beta', 20, 0],
      ['gamma', 10, 0],
    ]);
  });

  it('lists the alerts, with the events that raised them found in the trail', () => {
    expect(model.alerts.rows.length).toBeGreaterThan(0);
    expect(model.alerts.rows.map((alert) => alert.rule)).toContain('error-spike.burn-rate');
    const evidence = new Map(model.evidence.map((event) => [event.id, event]));
    for (const alert of model.alerts.rows) {
      for (const id of alert.evidence) {
        const event = must(evidence.get(id));
        // `at` is the event's place in the trail: that line holds that sequence.
        const line = must(/:(\d+)$/.exec(event.at))[1];
        expect(lines[Number(line) - 1]?.['event.sequence']).toBe(event.sequence);
      }
    }
    const burn = must(model.alerts.rows.find((alert) => alert.rule === 'error-spike.burn-rate'));
    expect(burn.evidence.length).toBeGreaterThan(0);
    expect(burn.evidenceUnresolved).toEqual([]);
    expect(evidence.get(must(burn.evidence[0]))).toMatchObject({ outcome: 'failure', binding: 'core.matmul', code: 'src/serve.ts:9' });
    expect(model.verdict.alertsBySeverity).toEqual(
      Object.fromEntries((['critical', 'high', 'medium', 'low'] as const).map((word) => [word, model.alerts.rows.filter((alert) => alert.severity === word).length])),
    );
  });

  it('compares the sites seen with the audit plan', async () => {
    const plan = join(work, 'plan.json');
    const site = (id: string, line: number, column: number, mode = 'event') => ({ id, kind: 'x', mode, file: 'src/serve.ts', line, column, fn: 'serve', callee: id, args: [], receiver: 'other', instrumented: true });
    // A site that records failures only (`errors`) and never failed is not "never exercised": its silence says nothing.
    const sites = [site('core.load', 4, 17), site('core.matmul', 9, 12), site('core.softmax', 20, 7), site('core.add', 21, 7, 'errors')];
    writeFileSync(plan, JSON.stringify({ project: 'tsconfig.json', found: 4, instrumented: 4, leftAsWritten: [], problems: [], trainingScopes: [], sites }));
    const compared = await buildReport([trail], { plan });
    expect(compared.plan).toEqual({
      plan,
      planned: 3,
      exercised: 2,
      neverExercised: { rows: [{ file: 'src/serve.ts', line: 20, column: 7, binding: 'core.softmax', events: 0 }], omitted: 0 },
      notInPlan: { rows: [{ file: 'src/serve.ts', line: 10, column: 3, binding: 'core.eval', events: REQUESTS }], omitted: 0 },
    });
    writeFileSync(plan, '{"sites": 3}');
    await expect(buildReport([trail], { plan })).rejects.toThrow(/has no sites list/);
  });

  it('names the tampered line in the verdict', async () => {
    const copy = join(work, 'tampered');
    cpSync(trail, copy, { recursive: true });
    const file = join(copy, 'audit.jsonl');
    const text = readFileSync(file, 'utf8').split('\n');
    text[4] = must(text[4]).replace('"event.outcome":"success"', '"event.outcome":"failure"');
    writeFileSync(file, text.join('\n'));
    const tampered = await buildReport([copy]);
    expect(tampered.verdict.chain).toBe('tampered');
    expect(tampered.verdict.problems[0]).toMatchObject({ class: 'tampered', file, line: 5 });
    expect(tampered.verdict.summary).toContain(`in ${file} at line 5`);
    expect(tampered.alerts.rows.map((alert) => alert.rule)).toContain('auditing-gap.chain');
  });

  it('leaves out events before --since, and refuses a time it cannot read', async () => {
    const later = await buildReport([trail], { since: '2999-01-01' });
    expect(later.input).toMatchObject({ events: 0, beforeSince: lines.length, since: '2999-01-01' });
    expect(later.timeline.events).toEqual([]);
    await expect(buildReport([trail], { since: 'yesterday' })).rejects.toBeInstanceOf(ReportInputError);
    await expect(buildReport([join(work, 'nowhere')])).rejects.toBeInstanceOf(ReportInputError);
  });
});

describe('the Markdown', () => {
  it('holds the verdict and the tables', () => {
    const markdown = renderMarkdown(model);
    expect(markdown).toMatch(/^# mlx-audit report\n\n\*\*Intact\*\* — The chain verified/);
    for (const heading of ['## Alerts', '## Calls per binding', '## Model loads', '## Inference per client']) expect(markdown).toContain(heading);
    expect(markdown).toContain(`\`${sha256(otherWeights)}\``);
    expect(markdown).toContain('**not allowed**');
  });

  it("keeps the trail's strings inside their cells", () => {
    const hostile = '`a|b`\n# heading\r[link](http://x) <script>@team';
    const crafted: ReportModel = {
      ...model,
      clients: { ...model.clients, top: [{ id: hostile, calls: 1, error: 0, extractionAlerts: 0, extractionRules: [] }] },
      alerts: { rows: [{ ...must(model.alerts.rows[0]), reason: hostile, fields: { 'client.id': hostile } }], omitted: 0 },
    };
    const markdown = renderMarkdown(crafted);
    expect(markdown).not.toContain('\n# heading');
    // Inside a code span the text is shown as written; outside one, nothing of it is markup.
    const outsideCode = markdown.replace(/(`+) .*? \1|`[^`]*`/g, '');
    expect(outsideCode).not.toContain('<script>');
    expect(outsideCode).not.toContain('](http');
    expect(outsideCode).not.toMatch(/(?<!\\)@team/);
    // Every row of the clients' table has its four cells: no pipe of the id opened a fifth.
    const clientRows = must(markdown.split('## Inference per client')[1]).split('\n').filter((line) => line.startsWith('| '));
    for (const row of clientRows) expect(row.split(/(?<!\\)\|/).length - 2).toBe(4);
  });
});

describe('the command', () => {
  it('writes the page and the Markdown, and prints where', () => {
    const html = join(work, 'out', 'report.html');
    mkdirSync(join(work, 'out'), { recursive: true });
    const result = mlxAudit(work, ['report', trail, '-o', html, '--markdown', join(work, 'out', 'report.md')]);
    expect(result.stderr).toMatch(/^mlx-audit report: The chain verified/);
    expect(result.status).toBe(0);
    expect(result.stdout).toBe(`${html}\n`);
    expect(readFileSync(html, 'utf8')).toMatch(/^<!doctype html>/i);
    expect(readFileSync(join(work, 'out', 'report.md'), 'utf8')).toContain('# mlx-audit report');
    const stdout = mlxAudit(work, ['report', trail, '-o', html, '--markdown', '-']);
    expect(stdout.stdout).toMatch(/^# mlx-audit report/);
  });

  it('checks the seals with --key-file, and says so in the verdict', () => {
    const keys = join(work, 'keys');
    mkdirSync(keys, { mode: 0o700 });
    const initial = join(keys, 'initial.key');
    expect(mlxAudit(work, ['keygen', '--initial-key', initial, '--state-file', join(keys, 'state.key')]).status).toBe(0);
    const sealed = writeTrail(join(work, 'sealed'), "for (let i = 0; i < 30; i++) auditEvent('model.inference', { kind: 'inference', outcome: 'success' });", {
      MLX_AUDIT_SEAL_KEY_FILE: join(keys, 'state.key'),
      MLX_AUDIT_SEAL_EVERY_LINES: '8',
    });
    expect(sealed.status).toBe(0);
    const checked = mlxAudit(work, ['report', sealed.directory, '-o', join(work, 'sealed.html'), '--key-file', initial, '--markdown', '-']);
    expect(checked.status).toBe(0);
    expect(checked.stderr).toMatch(/^mlx-audit report: The chain verified over \d+ lines in 1 file, its seals verified; /);
    expect(checked.stdout).toContain('| Seals | verified |');
    const unchecked = mlxAudit(work, ['report', sealed.directory, '-o', join(work, 'sealed.html'), '--markdown', '-']);
    expect(unchecked.stdout).toContain('| Seals | present, not checked');
    writeFileSync(join(keys, 'not-a-key'), 'not a key\n');
    const wrongKey = mlxAudit(work, ['report', sealed.directory, '-o', join(work, 'sealed.html'), '--key-file', join(keys, 'not-a-key')]);
    expect(wrongKey.status).toBe(2);
    expect(wrongKey.stderr).toMatch(/^mlx-audit report: /);
  });

  it('exits 2 on what it cannot read', () => {
    writeFileSync(join(work, 'typo.json'), '{ "burnRat": { "objective": 0.9 } }');
    for (const args of [['report'], ['report', join(work, 'nowhere')], ['report', trail, '--config', join(work, 'typo.json')], ['report', trail, '--since', 'soon'], ['report', trail, '--plan', join(work, 'nowhere.json')], ['report', trail, '--bogus']]) {
      const result = mlxAudit(work, args);
      expect(result.status, args.join(' ')).toBe(2);
      expect(result.stderr).toMatch(/^mlx-audit report: /);
    }
  });
});

describe('bounded tallies', () => {
  it('keeps the time axis under its cap, each series aligned with it and counted as at the final width', () => {
    const axis = new TimeAxis(16);
    const series = new BucketedSeries<{ n: number }>(
      axis,
      () => ({ n: 0 }),
      (into, from) => {
        into.n += from.n;
      },
    );
    // Times out of order, spread over an hour: the axis widens many times as they come.
    let seed = 7;
    const random = () => (seed = (seed * 48271) % 2147483647) / 2147483647;
    const times = Array.from({ length: 5000 }, () => 1_700_000_000_000 + Math.floor(random() * 3_600_000));
    for (const time of times) series.at(axis.place(time)).n++;
    const { start, count } = axis.range();
    expect(count).toBeLessThanOrEqual(16);
    const expected = new Array<number>(count).fill(0);
    for (const time of times) {
      const index = Math.floor((time - start) / axis.width);
      expected[index] = must(expected[index]) + 1;
    }
    expect(series.toArray((bucket) => bucket.n, 0)).toEqual(expected);
  });

  it('resolves evidence within its window, of the right process only', () => {
    const window = new EvidenceWindow();
    const event = (sequence: number) => ({ '@timestamp': '2026-01-01T00:00:00.000Z', 'event.action': 'core.matmul', 'event.outcome': 'failure', 'event.sequence': sequence, 'mlx.binding': 'core.matmul' }) as AuditEvent;
    const total = REPORT_LIMITS.evidenceWindow + 10;
    for (let sequence = 1; sequence <= total; sequence++) window.add(event(sequence), 7, 'audit.jsonl', sequence + 2);
    // Another process's sequence 5 is not this one's, and this one's 5 has left the window.
    expect(window.cite(7, [5, total - 1, total])).toEqual({ resolved: [`ev-7-${total - 1}`, `ev-7-${total}`], unresolved: [5] });
    expect(window.cite(8, [total])).toEqual({ resolved: [], unresolved: [total] });
    expect(window.cited()).toEqual([
      expect.objectContaining({ id: `ev-7-${total - 1}`, sequence: total - 1, at: `audit.jsonl:${total + 1}`, binding: 'core.matmul', outcome: 'failure' }),
      expect.objectContaining({ id: `ev-7-${total}`, sequence: total, at: `audit.jsonl:${total + 2}` }),
    ]);
  });

  it('keeps the busy clients among many, with bounds that hold', () => {
    const tally = new ClientTally();
    const truth = new Map<string, number>();
    const add = (id: string) => {
      tally.addInference(id);
      truth.set(id, (truth.get(id) ?? 0) + 1);
    };
    for (let i = 0; i < 30_000; i++) {
      add(`one-off-${i}`);
      if (i % 3 === 0) add('heavy');
      if (i % 10 === 0) add('busy');
    }
    const volume = tally.volume();
    expect(volume.exact).toBe(false);
    expect(volume.top.slice(0, 2).map((client) => client.id)).toEqual(['heavy', 'busy']);
    for (const client of volume.top) {
      const real = must(truth.get(client.id));
      expect(client.calls).toBeLessThanOrEqual(real);
      expect(client.calls + client.error).toBeGreaterThanOrEqual(real);
    }
  });
});
