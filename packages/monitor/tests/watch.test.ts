import type { AuditEvent } from '@mlx-audit/runtime';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { neutralizeEvent } from '@mlx-audit/runtime';
import { createMonitor, type Alert } from '../src/index.js';

// `watch()` in a real process (the built runtime and monitor, as a program loads them, writing a
// real trail with the file sink): the alerts it passes to `onAlert` are written into the trail as
// the runtime's records, and the rules over the written file raise the same ones.

const RUNTIME = fileURLToPath(new URL('../../runtime/dist/index.js', import.meta.url));
const MONITOR = fileURLToPath(new URL('../dist/index.js', import.meta.url));

let work: string;
beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'mlx-audit-watch-'));
});
afterAll(() => {
  rmSync(work, { recursive: true, force: true });
});

interface Watched {
  /** What onAlert was given, in order. */
  readonly told: Alert[];
  /** The trail's lines, parsed. */
  readonly trail: AuditEvent[];
  readonly stderr: string;
}

/** Runs `body` with the file sink and `watch({ onAlert })` started before it. */
function watched(name: string, body: string, watchOptions = '{}'): Watched {
  const directory = join(work, name);
  const told = join(work, `${name}.told.json`);
  const script = [
    `const { auditEvent, configure, fileSink, flushAuditLog } = await import(${JSON.stringify(RUNTIME)});`,
    `const { watch } = await import(${JSON.stringify(MONITOR)});`,
    `const { writeFileSync } = await import('node:fs');`,
    `const told = [];`,
    `const watching = watch({ ...${watchOptions}, onAlert: (alert) => told.push(alert) });`,
    body,
    `flushAuditLog();`,
    `writeFileSync(${JSON.stringify(told)}, JSON.stringify(told));`,
  ].join('\n');
  const result = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
    encoding: 'utf8',
    env: { ...process.env, MLX_AUDIT_SINK: 'file', MLX_AUDIT_FILE: join(directory, 'audit.jsonl'), MLX_AUDIT_SERVICE_NAME: 'watched' },
  });
  expect(result.status, result.stderr).toBe(0);
  const trail = readFileSync(join(directory, 'audit.jsonl'), 'utf8')
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as AuditEvent);
  return { told: JSON.parse(readFileSync(told, 'utf8')) as Alert[], trail, stderr: result.stderr };
}

/** The monitor's alerts over the written trail, those of the end of the input apart. */
function detected(trail: readonly AuditEvent[]): { alerts: Alert[]; atEnd: readonly Alert[] } {
  const monitor = createMonitor();
  return { alerts: monitor.pushAll(trail), atEnd: monitor.end() };
}

/**
 * An alert record of the trail without what the runtime adds to the alert it was given: its place
 * in the run (`event.sequence`, and `process.pid` where the alert had none) and the chain.
 */
function asRaised(record: AuditEvent, raised: Alert | undefined): Record<string, unknown> {
  const added = new Set(['event.sequence', 'trail.line', 'event.hash', ...(raised !== undefined && 'process.pid' in raised ? [] : ['process.pid'])]);
  return Object.fromEntries(Object.entries(record).filter(([field]) => !added.has(field)));
}

function lastRecord(trail: readonly AuditEvent[]): AuditEvent | undefined {
  return trail.filter((event) => event['event.sequence'] !== undefined).at(-1);
}

const FAILING_CALLS = `
  for (let i = 0; i < 20; i++) auditEvent('model.inference', { kind: 'inference', outcome: 'success' });
  for (let i = 0; i < 20; i++) auditEvent('model.inference', { kind: 'inference', outcome: 'failure', error: new RangeError('bad shape') });
`;

describe('watch() in the process', () => {
  it('tells onAlert, writes the alert into the trail as a runtime record, and the rules over the file raise the same alerts', () => {
    const { told, trail } = watched('failing', FAILING_CALLS);
    expect(told.map((alert) => alert['rule.id'])).toEqual(['error-spike.burn-rate']);
    expect(told[0]).toMatchObject({ 'mlx.binding': 'model.inference', 'service.name': 'watched', 'event.kind': 'alert', 'event.action': 'mlx-audit.alert' });

    const records = trail.filter((event) => event['event.action'] === 'mlx-audit.alert');
    expect(records.map((record, index) => asRaised(record, told[index]))).toEqual(told);
    expect(records.every((record) => typeof record['process.pid'] === 'number')).toBe(true);
    // The record takes the next place in the run's sequence: no gap, nothing out of order.
    const sequences = trail.map((event) => event['event.sequence']).filter((sequence) => sequence !== undefined);
    expect(sequences).toEqual(sequences.map((_, index) => index + 1));
    expect(records[0]?.['event.sequence']).toBeGreaterThan(41);

    const { alerts, atEnd } = detected(trail);
    expect(alerts).toEqual(told);
    expect(atEnd).toEqual([]);
  });

  it('sees auditing turned off mid-run and writes that alert to the sinks being dropped, the last thing they hold', () => {
    const { told, trail } = watched('switched-off', `${FAILING_CALLS.split('\n')[1] ?? ''}\nflushAuditLog();\nconfigure({ sinks: [] });\nauditEvent('model.inference', { kind: 'inference', outcome: 'success' });`);
    expect(told.map((alert) => alert['rule.id'])).toEqual(['auditing-gap.sinks-off']);
    const last = lastRecord(trail);
    expect(last?.['event.action']).toBe('mlx-audit.alert');
    expect(asRaised(last ?? {}, told[0])).toEqual(told[0]);
    expect(detected(trail).alerts).toEqual(told);
  });

  it('tells onAlert a path with control characters written out, writes it as it is, and detect raises the same alert', () => {
    // A model path an attacker chose: a terminal escape, a line separator and a C1 control.
    const path = '/elsewhere/m\u001b[2Jo\u2028d\u0085el.safetensors';
    const { told, trail } = watched(
      'control-characters',
      `auditEvent('app.load', { kind: 'model-load', source: ${JSON.stringify(path)} });`,
      "{ unexpectedModel: { allowedPaths: ['/models'] } }",
    );
    expect(told.map((alert) => alert['rule.id'])).toEqual(['unexpected-model.unlisted-source']);
    expect(told[0]?.['file.path']).toBe('/elsewhere/m\\u001b[2Jo\\u2028d\\u0085el.safetensors');
    const [record] = trail.filter((event) => event['event.action'] === 'mlx-audit.alert');
    expect(record?.['file.path']).toBe(path);
    const monitor = createMonitor({ unexpectedModel: { allowedPaths: ['/models'] } });
    const detected = monitor.pushAll(trail);
    expect(detected.map((alert) => neutralizeEvent(alert))).toEqual(told);
  });

  it('with writeAlerts false, tells onAlert and writes nothing into the trail', () => {
    const { told, trail } = watched('not-written', FAILING_CALLS, '{ writeAlerts: false }');
    expect(told.map((alert) => alert['rule.id'])).toEqual(['error-spike.burn-rate']);
    expect(trail.filter((event) => event['event.action'] === 'mlx-audit.alert')).toEqual([]);
  });

  it('keeps watching and writing when onAlert throws, and says so once', () => {
    const directory = join(work, 'throwing');
    const script = [
      `const { auditEvent, flushAuditLog } = await import(${JSON.stringify(RUNTIME)});`,
      `const { watch } = await import(${JSON.stringify(MONITOR)});`,
      `watch({ onAlert: () => { throw new Error('application bug'); } });`,
      FAILING_CALLS,
      `flushAuditLog();`,
      `for (let i = 0; i < 40; i++) auditEvent('model.other', { kind: 'inference', outcome: 'failure' });`,
    ].join('\n');
    const result = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
      encoding: 'utf8',
      env: { ...process.env, MLX_AUDIT_SINK: 'file', MLX_AUDIT_FILE: join(directory, 'audit.jsonl') },
    });
    expect(result.status).toBe(0);
    expect(result.stderr.match(/onAlert threw \(application bug\)/g)).toHaveLength(1);
    const alerts = readFileSync(join(directory, 'audit.jsonl'), 'utf8')
      .split('\n')
      .filter((line) => line.includes('"mlx-audit.alert"'))
      .map((line) => (JSON.parse(line) as AuditEvent)['mlx.binding']);
    expect(alerts).toEqual(['model.inference', 'model.other']);
  });
});
