import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createMonitor, type Alert } from '@mlx-audit/monitor';
import type { AuditEvent } from '@mlx-audit/runtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mlxAudit } from './run-cli.js';
import { writeTrail } from './trail-writer.js';

// The command line of `mlx-audit detect`: which files it reads and in which order, the alerts for
// people and with --json, --since, skipped lines, exit codes. The rules themselves are tested at
// their thresholds in packages/monitor; here real trails are written by the runtime in a child process.

let work: string;
beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'mlx-audit-detect-'));
  chmodSync(work, 0o700);
});
afterAll(() => {
  rmSync(work, { recursive: true, force: true });
});

const SUCCESS = `auditEvent('model.inference', { kind: 'inference', outcome: 'success' })`;
const FAILURE = `auditEvent('model.inference', { kind: 'inference', outcome: 'failure', error: new RangeError('bad shape') })`;

/** A trail whose process exits cleanly after `body`. */
function cleanTrail(name: string, body: string, env: Record<string, string> = {}): string {
  const trail = writeTrail(join(work, name), body, { MLX_AUDIT_SERVICE_NAME: 'detect-test', ...env });
  expect(trail.stderr).toBe('');
  expect(trail.status).toBe(0);
  return trail.directory;
}

/**
 * 20 successful calls, then 20 failed ones (the burn-rate rule's defaults: over 14.4% of at least
 * 10 calls), then SIGKILL: no `stopped` record.
 */
function killedTrail(name: string): string {
  const trail = writeTrail(join(work, name), `for (let i = 0; i < 20; i++) ${SUCCESS};\nfor (let i = 0; i < 20; i++) ${FAILURE};\nflushAuditLog();\nprocess.kill(process.pid, 'SIGKILL');`, {
    MLX_AUDIT_SERVICE_NAME: 'detect-test',
  });
  expect(trail.stderr).toBe('');
  expect(trail.signal).toBe('SIGKILL');
  return trail.directory;
}

function jsonLines(stdout: string): Alert[] {
  return stdout
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as Alert);
}

/** The alerts of the monitor in this process over the files' lines, in order. */
function inProcess(files: readonly string[]): Alert[] {
  const monitor = createMonitor();
  const alerts: Alert[] = [];
  for (const file of files) {
    for (const line of readFileSync(file, 'utf8').split('\n')) if (line !== '') alerts.push(...monitor.push(JSON.parse(line) as AuditEvent));
  }
  return [...alerts, ...monitor.end()];
}

describe('mlx-audit detect', () => {
  it('finds nothing in a trail of successful calls that ends cleanly: exit 0, only the summary', () => {
    const trail = cleanTrail('clean', `for (let i = 0; i < 50; i++) ${SUCCESS};`);
    const result = mlxAudit(work, ['detect', trail]);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    // The file's opened record, started, 50 events, stopped.
    expect(result.stdout).toBe('no alert: 53 events in 1 file\n');
    const json = mlxAudit(work, ['detect', '--json', trail]);
    expect(json.status).toBe(0);
    expect(json.stdout).toBe('');
  });

  it('raises the failing binding and the killed run, exit 1; --json gives the alerts the monitor makes in the process', () => {
    const trail = killedTrail('killed');
    const json = mlxAudit(work, ['detect', '--json', trail]);
    expect(json.stderr).toBe('');
    expect(json.status).toBe(1);
    const alerts = jsonLines(json.stdout);
    expect(alerts.map((alert) => alert['rule.id'])).toEqual(['error-spike.burn-rate', 'auditing-gap.not-stopped']);
    expect(alerts[0]).toMatchObject({ 'event.kind': 'alert', 'mlx.binding': 'model.inference', 'service.name': 'detect-test', 'event.severity': 73 });
    expect(alerts).toEqual(inProcess([join(trail, 'audit.jsonl')]));

    const people = mlxAudit(work, ['detect', trail]);
    expect(people.status).toBe(1);
    const lines = people.stdout.split('\n');
    expect(lines).toHaveLength(4);
    expect(lines[0]).toMatch(/^\d{4}-\d\d-\d\dT[\d:.]+Z high error-spike\.burn-rate: model\.inference failed 4 of 24 calls .* \[service\.name=detect-test mlx\.binding=model\.inference\]$/);
    expect(lines[1]).toMatch(/^\S+Z medium auditing-gap\.not-stopped: run [0-9a-f]{32} ends without mlx-audit\.stopped: .* \[service\.name=detect-test process\.pid=\d+ mlx_audit\.run=[0-9a-f]{32}\]$/);
    expect(lines[2]).toBe('2 alerts (1 high, 1 medium): 42 events in 1 file');
    expect(lines[3]).toBe('');
  });

  it('reads rotated files oldest first, whether given as a directory or as files in any order', () => {
    // 12 failures first: read in order, the burn-rate rule fires on the 10th call of the trail.
    const trail = cleanTrail('rotated', `for (let i = 0; i < 12; i++) ${FAILURE};\nfor (let i = 0; i < 60; i++) ${SUCCESS};`, { MLX_AUDIT_MAX_BYTES: '6000', MLX_AUDIT_MAX_FILES: '50' });
    const files = readdirSync(trail).sort();
    expect(files.length).toBeGreaterThanOrEqual(4);
    const byDirectory = mlxAudit(work, ['detect', '--json', trail]);
    expect(byDirectory.status).toBe(1);
    // Out of order, the rule would fire later, and a later file before an earlier one would be a sequence gap.
    expect(jsonLines(byDirectory.stdout)).toEqual([
      expect.objectContaining({
        'rule.id': 'error-spike.burn-rate',
        'mlx_audit.window.short.calls': 10,
        'mlx_audit.window.short.failures': 10,
        'mlx_audit.evidence.sequences': [2, 3, 4, 5, 6, 7, 8, 9, 10, 11],
      }),
    ]);
    const byFiles = mlxAudit(work, ['detect', '--json', ...files.map((file) => join(trail, file))]);
    expect(byFiles.stdout).toBe(byDirectory.stdout);
    const people = mlxAudit(work, ['detect', trail]);
    // Each file's opened record, started, 72 events, stopped.
    expect(people.stdout).toMatch(new RegExp(`\\n1 alert \\(1 high\\): ${files.length + 74} events in ${files.length} files\\n$`));
  });

  it('--since leaves out earlier events: a time in the future, no alert and exit 0; one in the past, every alert', () => {
    const trail = killedTrail('since');
    const future = mlxAudit(work, ['detect', '--since', '2999-01-01T00:00:00Z', trail]);
    expect(future.stderr).toBe('');
    expect(future.status).toBe(0);
    expect(future.stdout).toBe('no alert: 0 events in 1 file, 42 before --since left out\n');
    const past = mlxAudit(work, ['detect', '--json', '--since', '2000-01-01', trail]);
    expect(past.status).toBe(1);
    expect(past.stdout).toBe(mlxAudit(work, ['detect', '--json', trail]).stdout);
  });

  it('skips a line that is not a JSON object and says so on stderr; keeps events without a time under --since', () => {
    const trail = cleanTrail('damaged', `for (let i = 0; i < 5; i++) ${SUCCESS};`);
    const file = join(trail, 'audit.jsonl');
    const lines = readFileSync(file, 'utf8').split('\n');
    lines.splice(3, 0, 'not json at all', '[1, 2]');
    writeFileSync(file, `${lines.join('\n')}{"@timestamp":"2026-`);
    const result = mlxAudit(work, ['detect', trail]);
    // The rules read on; the chain says the two whole lines do not belong (the torn last line is a crash's, not tampering).
    expect(result.status).toBe(1);
    expect(result.stdout).toMatch(/^\S+ high auditing-gap\.chain: malformed in .*audit\.jsonl at line 4: not a JSON line \(and 1 more of this kind\) \[log\.file\.path=\S+audit\.jsonl\]\n1 alert \(1 high\): 8 events in 1 file\n$/);
    expect(result.stderr).toBe(`mlx-audit detect: skipped 3 lines that are not a JSON object (the first at ${file}:4)\n`);
    const json = mlxAudit(work, ['detect', '--json', trail]);
    expect(jsonLines(json.stdout)).toEqual([
      expect.objectContaining({ 'rule.id': 'auditing-gap.chain', 'log.file.path': file, 'mlx_audit.problem.kind': 'malformed', 'mlx_audit.problem.count': 2, 'mlx_audit.trail.lines': [4, 5] }),
    ]);
    expect(json.stderr).toBe(result.stderr);

    const untimed = join(work, 'untimed');
    mkdirSync(untimed);
    writeFileSync(join(untimed, 'events.jsonl'), '{"event.action":"model.inference","mlx.kind":"inference","event.outcome":"success"}\n');
    const since = mlxAudit(work, ['detect', '--since', '2999-01-01', untimed]);
    expect(since.stdout).toMatch(/\n2 alerts \(2 low\): 1 event in 1 file, 0 before --since left out, 1 event without a readable @timestamp kept\n$/);
    expect(since.status).toBe(1);
  });

  it('verifies the chain: a line changed after the fact is an auditing-gap.chain alert naming the file and the line', () => {
    const trail = cleanTrail('tampered', `for (let i = 0; i < 5; i++) ${SUCCESS};`);
    const file = join(trail, 'audit.jsonl');
    // The application's 3rd event made to say it failed: every field still well-formed, the line's hash now wrong.
    const lines = readFileSync(file, 'utf8').split('\n');
    lines[4] = (lines[4] ?? '').replace('"event.outcome":"success"', '"event.outcome":"failure"');
    writeFileSync(file, lines.join('\n'));
    const result = mlxAudit(work, ['detect', '--json', trail]);
    expect(result.status).toBe(1);
    expect(jsonLines(result.stdout)).toEqual([
      expect.objectContaining({ 'rule.id': 'auditing-gap.chain', 'event.severity': 73, 'log.file.path': file, 'mlx_audit.problem.kind': 'modified', 'mlx_audit.trail.lines': [5] }),
    ]);
  });

  it('--live: the newest run of each trail is still being written, so it is not "not stopped"; an earlier run that never stopped still is', () => {
    const killed = killedTrail('live-killed');
    const live = mlxAudit(work, ['detect', '--json', '--live', killed]);
    expect(jsonLines(live.stdout).map((alert) => alert['rule.id'])).toEqual(['error-spike.burn-rate']);
    // A second run after the killed one: the first never stopped, the second is the live one.
    const restarted = writeTrail(killed, `${SUCCESS};\nflushAuditLog();\nprocess.kill(process.pid, 'SIGKILL');`, { MLX_AUDIT_SERVICE_NAME: 'detect-test' });
    expect(restarted.signal).toBe('SIGKILL');
    const alerts = jsonLines(mlxAudit(work, ['detect', '--json', '--live', killed]).stdout);
    expect(alerts.map((alert) => alert['rule.id'])).toEqual(['error-spike.burn-rate', 'auditing-gap.not-stopped']);
    const runs = readFileSync(join(killed, 'audit.jsonl'), 'utf8').match(/"mlx_audit\.run":"([0-9a-f]{32})"/g) ?? [];
    expect(alerts[1]?.['mlx_audit.run']).toBe(runs[0]?.slice(-33, -1));
    expect(runs.at(-1)).not.toBe(runs[0]);
  });

  it('writes out the control characters a trail\'s strings carry: no terminal escape reaches the screen, and --json escapes what JSON.stringify leaves raw', () => {
    const path = '/elsewhere/m\u001b[2Jo\u2028del.safetensors';
    const trail = cleanTrail('control-characters', `auditEvent('app.load', { kind: 'model-load', source: ${JSON.stringify(path)} });`);
    const config = join(work, 'allowed-models.json');
    writeFileSync(config, JSON.stringify({ unexpectedModel: { allowedPaths: ['/models'] } }));
    const people = mlxAudit(work, ['detect', '--config', config, trail]);
    expect(people.status).toBe(1);
    expect(people.stdout).toContain('file.path=/elsewhere/m\\u001b[2Jo\\u2028del.safetensors');
    expect(['\u001b', '\u2028'].filter((character) => people.stdout.includes(character))).toEqual([]);
    const json = mlxAudit(work, ['detect', '--json', '--config', config, trail]);
    expect(['\u001b', '\u2028'].filter((character) => json.stdout.includes(character))).toEqual([]);
    expect(jsonLines(json.stdout)).toEqual([expect.objectContaining({ 'rule.id': 'unexpected-model.unlisted-source', 'file.path': path })]);
  });

  it('says what is wrong with its arguments in one line and the usage, exit 2', () => {
    const trail = cleanTrail('arguments', SUCCESS);
    for (const args of [['detect'], ['detect', '--bogus', trail], ['detect', '--since', 'yesterday', trail], ['detect', '--since', '2026-03-01T12:00', trail], ['detect', '--since', '2026-02-31', trail], ['detect', trail, '--since']]) {
      const result = mlxAudit(work, args);
      expect(result.status).toBe(2);
      expect(result.stdout).toBe('');
      expect(result.stderr.split('\n')[0]).toMatch(/^mlx-audit detect: /);
      expect(result.stderr).toContain('Usage: mlx-audit detect <files or directories>');
    }
    const help = mlxAudit(work, ['detect', '--help']);
    expect(help.status).toBe(0);
    expect(help.stdout).toMatch(/^Usage: mlx-audit detect /);
  });

  it('refuses a missing file or a directory without a trail in one line, exit 2', () => {
    const trail = cleanTrail('present', SUCCESS);
    const missing = mlxAudit(work, ['detect', trail, join(work, 'no-such-trail')]);
    expect(missing.status).toBe(2);
    expect(missing.stdout).toBe('');
    expect(missing.stderr).toBe(`mlx-audit detect: cannot read ${join(work, 'no-such-trail')}: ENOENT\n`);
    const empty = join(work, 'empty');
    mkdirSync(empty);
    const none = mlxAudit(work, ['detect', empty]);
    expect(none.status).toBe(2);
    expect(none.stderr).toBe(`mlx-audit detect: no trail file in ${empty}\n`);
  });
});
