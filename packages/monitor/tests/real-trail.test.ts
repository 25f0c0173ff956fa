import type { AuditEvent } from '@mlx-audit/runtime';
import { spawnSync } from 'node:child_process';
import { createReadStream, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMonitor, type Alert } from '../src/index.js';

// Trails written by the runtime's file sink in a child process (the built runtime, as a program
// loads it), read line by line as `mlx-audit detect` will read them.

const RUNTIME = fileURLToPath(new URL('../../runtime/dist/index.js', import.meta.url));

let work: string;
beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'mlx-audit-monitor-'));
});
afterAll(() => {
  rmSync(work, { recursive: true, force: true });
});

/** Runs `body` after loading the runtime, with the file sink writing to `<name>/audit.jsonl`. */
function writeTrail(name: string, body: string): { directory: string; signal: NodeJS.Signals | null; status: number | null } {
  const directory = join(work, name);
  const script = `const { auditEvent, flushAuditLog } = await import(${JSON.stringify(RUNTIME)});\n${body}`;
  const result = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
    encoding: 'utf8',
    env: { ...process.env, MLX_AUDIT_SINK: 'file', MLX_AUDIT_FILE: join(directory, 'audit.jsonl'), MLX_AUDIT_SERVICE_NAME: 'real-trail' },
  });
  expect(result.stderr).toBe('');
  return { directory, signal: result.signal, status: result.status };
}

async function detectFile(file: string): Promise<{ alerts: Alert[]; lines: number }> {
  const monitor = createMonitor();
  const alerts: Alert[] = [];
  let lines = 0;
  for await (const line of createInterface({ input: createReadStream(file), crlfDelay: Infinity })) {
    if (line === '') continue;
    lines++;
    alerts.push(...monitor.push(JSON.parse(line) as AuditEvent));
  }
  alerts.push(...monitor.end());
  return { alerts, lines };
}

const CALLS = `
  for (let i = 0; i < 20; i++) auditEvent('model.inference', { kind: 'inference', outcome: 'success' });
  for (let i = 0; i < 20; i++) auditEvent('model.inference', { kind: 'inference', outcome: 'failure', error: new RangeError('bad shape') });
`;

describe('a trail written by the runtime', () => {
  it('of a process killed with SIGKILL: the failing binding and the run without its stopped record, nothing else', async () => {
    const trail = writeTrail('killed', `${CALLS}\nflushAuditLog();\nprocess.kill(process.pid, 'SIGKILL');`);
    expect(trail.signal).toBe('SIGKILL');
    expect(readdirSync(trail.directory)).toEqual(['audit.jsonl']);
    const { alerts, lines } = await detectFile(join(trail.directory, 'audit.jsonl'));
    // The file's opened record, the started record, 40 events.
    expect(lines).toBe(42);
    expect(alerts.map((alert) => alert['rule.id'])).toEqual(['error-spike.burn-rate', 'auditing-gap.not-stopped']);
    const [burn, notStopped] = alerts as [Alert, Alert];
    expect(burn).toMatchObject({
      'mlx.binding': 'model.inference',
      'service.name': 'real-trail',
      // Sequence 1 is the started record; the failures start at 22. The 4th failure of 24 calls
      // (16.7% > 14.4%) is the first over the threshold with at least 10 calls.
      'mlx_audit.window.short.calls': 24,
      'mlx_audit.window.short.failures': 4,
      'mlx_audit.evidence.sequences': [22, 23, 24, 25],
    });
    expect(notStopped).toMatchObject({ 'service.name': 'real-trail', 'mlx_audit.evidence.sequences': [41] });
    expect(notStopped['mlx_audit.run']).toMatch(/^[0-9a-f]{32}$/);
  });

  it('of a process that exits cleanly with successful calls: no alert', async () => {
    const trail = writeTrail('clean', `for (let i = 0; i < 50; i++) auditEvent('model.inference', { kind: 'inference', outcome: 'success' });`);
    expect(trail.status).toBe(0);
    const { alerts, lines } = await detectFile(join(trail.directory, 'audit.jsonl'));
    // Opened, started, 50 events, stopped.
    expect(lines).toBe(53);
    expect(alerts).toEqual([]);
  });

  it('with its lines stripped of the chain and the lifecycle records (a pino or OpenTelemetry export of old): read, and said', () => {
    const trail = writeTrail('stripped', `for (let i = 0; i < 5; i++) auditEvent('model.inference', { kind: 'inference', outcome: 'success' });`);
    const events = readFileSync(join(trail.directory, 'audit.jsonl'), 'utf8')
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => JSON.parse(line) as Record<string, unknown>)
      .filter((event) => !String(event['event.action']).startsWith('mlx-audit.'))
      .map((event) => Object.fromEntries(Object.entries(event).filter(([field]) => field !== 'trail.line' && field !== 'event.hash')) as AuditEvent);
    const monitor = createMonitor();
    const alerts = [...monitor.pushAll(events), ...monitor.end()];
    expect(alerts.map((alert) => alert['rule.id'])).toEqual(['auditing-gap.no-chain', 'auditing-gap.no-lifecycle']);
  });
});
