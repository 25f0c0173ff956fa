import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { verifyTrail } from '@mlx-audit/runtime/trail';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyInThread } from '../src/verify-thread/index.js';
import { writeTrail } from './trail-writer.js';

// `mlx-audit detect` verifies the chain on a worker thread: the result must be verifyTrail's, from
// the thread or, when the thread cannot run it, from this thread — never a lost problem.

let work: string;
let intact: string;
let tampered: string;
beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'mlx-audit-verify-thread-'));
  chmodSync(work, 0o700);
  const written = writeTrail(join(work, 'intact'), `for (let i = 0; i < 30; i++) auditEvent('model.inference', { kind: 'inference', outcome: 'success' });`);
  expect(written.status).toBe(0);
  intact = join(written.directory, 'audit.jsonl');
  // The same trail with one line edited: the chain breaks there.
  const copy = writeTrail(join(work, 'tampered'), `for (let i = 0; i < 30; i++) auditEvent('model.inference', { kind: 'inference', outcome: 'success' });`);
  expect(copy.status).toBe(0);
  tampered = join(copy.directory, 'audit.jsonl');
  const lines = readFileSync(tampered, 'utf8').split('\n');
  lines[10] = (lines[10] ?? '').replace('"success"', '"failure"');
  writeFileSync(tampered, lines.join('\n'));
});
afterAll(() => {
  rmSync(work, { recursive: true, force: true });
});

describe('verifyInThread', () => {
  it("gives verifyTrail's result from the thread, for an intact trail and a tampered one", async () => {
    for (const file of [intact, tampered]) {
      const here = await verifyTrail([file]);
      expect(await verifyInThread({ files: [file], live: false })).toEqual({ verification: here, onThread: true });
    }
    expect((await verifyInThread({ files: [tampered], live: false })).verification.problems.map((problem) => problem.kind)).toContain('modified');
  });

  it('passes live on: a running trail is not a problem for not being stopped', async () => {
    expect(await verifyInThread({ files: [intact], live: true })).toEqual({ verification: await verifyTrail([intact], { live: true }), onThread: true });
  });

  it('verifies in this thread when the thread cannot load its module, or fails in it', async () => {
    const missing = pathToFileURL(join(work, 'no-such-verifier.js'));
    const failing = join(work, 'failing-verifier.mjs');
    writeFileSync(failing, "throw new Error('the verifier module failed');\n");
    for (const verifier of [missing, pathToFileURL(failing)]) {
      expect(await verifyInThread({ files: [tampered], live: false }, verifier)).toEqual({ verification: await verifyTrail([tampered]), onThread: false });
    }
  });
});
