import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mlxAudit } from './run-cli.js';
import { writeTrail as writeTrailIn } from './trail-writer.js';

// The command line of `mlx-audit verify` and `mlx-audit keygen`: arguments, the report, exit codes.
// The engine's own tamper matrix, on a trail written by instrumented MLX calls, is the runtime's
// (packages/runtime/tests); here a real trail is written by the runtime in a child process.

let work: string;
beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'mlx-audit-verify-'));
  chmodSync(work, 0o700);
});
afterAll(() => {
  rmSync(work, { recursive: true, force: true });
});

/** A trail of `events` events, written by the runtime's file sink in a process that exits cleanly. */
function writeTrail(name: string, events: number, env: Record<string, string> = {}): string {
  const trail = writeTrailIn(join(work, name), `for (let i = 0; i < ${events}; i++) auditEvent('model.inference', { outcome: 'success' });`, env);
  expect(trail.stderr).toBe('');
  expect(trail.status).toBe(0);
  return trail.directory;
}

function keygen(name: string): { initial: string; state: string } {
  const initial = join(work, `${name}.initial.key`);
  const state = join(work, `${name}.state.key`);
  const result = mlxAudit(work, ['keygen', '--initial-key', initial, '--state-file', state]);
  expect(result.stderr).toBe('');
  expect(result.status).toBe(0);
  expect(result.stdout).toMatch(/^key [0-9a-f]+: initial key in .* \(move it off this host\), state in .*\n$/);
  return { initial, state };
}

describe('mlx-audit verify', () => {
  it('says a clean trail is intact, exit 0, and with --json gives the same verdict as an object', () => {
    const trail = writeTrail('clean', 50);
    const result = mlxAudit(work, ['verify', trail]);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/^intact: \d+ lines in 1 files, 1 streams, no seals\n$/);
    const json = mlxAudit(work, ['verify', '--json', trail]);
    expect(json.status).toBe(0);
    expect(JSON.parse(json.stdout)).toMatchObject({ intact: true, problems: [], sealing: 'unsealed' });
  });

  it('names the file and line of a changed byte, exit 1', () => {
    const trail = writeTrail('tampered', 50);
    const file = join(trail, 'audit.jsonl');
    const lines = readFileSync(file, 'utf8').split('\n');
    lines[9] = (lines[9] ?? '').replace('"success"', '"failure"');
    writeFileSync(file, lines.join('\n'));
    const result = mlxAudit(work, ['verify', trail]);
    expect(result.status).toBe(1);
    expect(result.stdout.split('\n')[0]).toMatch(new RegExp(`^${file.replaceAll('.', '\\.')}:10: modified \\(tampered\\): `));
    expect(result.stdout).toMatch(/NOT INTACT: /);
    const json = JSON.parse(mlxAudit(work, ['verify', '--json', trail]).stdout) as { problems: { kind: string; file: string; line: number }[] };
    expect(json.problems[0]).toMatchObject({ kind: 'modified', file, line: 10 });
  });

  it('checks seals with the initial key, and refuses a key file it cannot use, exit 2', () => {
    const keys = keygen('sealed');
    const trail = writeTrail('sealed', 30, { MLX_AUDIT_SEAL_KEY_FILE: keys.state });
    const result = mlxAudit(work, ['verify', '--key-file', keys.initial, trail]);
    expect(result.stdout).toMatch(/^intact: .* seals verified with the key\n$/);
    expect(result.status).toBe(0);
    const other = keygen('other');
    expect(mlxAudit(work, ['verify', '--key-file', other.initial, trail]).status).toBe(2);
    const missing = mlxAudit(work, ['verify', '--key-file', join(work, 'no-such.key'), trail]);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toMatch(/^mlx-audit verify: .*no-such\.key/);
  });

  it('says what is wrong with its arguments in one line and the usage, exit 2', () => {
    for (const args of [['verify'], ['verify', '--bogus', work]]) {
      const result = mlxAudit(work, args);
      expect(result.status).toBe(2);
      expect(result.stderr.split('\n')[0]).toMatch(/^mlx-audit verify: /);
      expect(result.stderr).toContain('Usage: mlx-audit verify <files or directories>');
    }
    const unreadable = mlxAudit(work, ['verify', join(work, 'no-such-trail')]);
    expect(unreadable.status).toBe(2);
  });
});

describe('mlx-audit keygen', () => {
  it('writes both files 0600 and never overwrites one', () => {
    const { initial, state } = keygen('fresh');
    for (const file of [initial, state]) expect(statSync(file).mode & 0o777).toBe(0o600);
    const again = mlxAudit(work, ['keygen', '--initial-key', initial, '--state-file', join(work, 'new.state.key')]);
    expect(again.status).toBe(2);
    expect(again.stderr).toMatch(/^mlx-audit keygen: /);
  });
});
