import './support/quiet.js';
import { readdirSync, readFileSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { auditStats, configure, flushAuditLog } from '../src/configure.js';
import { call } from '../src/instrument.js';
import { fileSink } from '../src/sinks/file.js';
import { RING_BYTES } from '../src/sinks/writer-thread/writer-host.js';
import { createSealKeys, loadSealState, readSealKeyFile } from '../src/trail/seal-key.js';
import { verifyTrail } from '../src/trail/verify.js';
import { testSite } from './support/capture.js';
import { fileSinkWorkspace } from './support/file-sink-workspace.js';
import { isRuntimeRecord } from './support/trail.js';
import { nearlyFullDisk } from './support/full-disk.js';

// The file sink as configured: its chain, seals and writes on the writer thread. What must hold
// is what held when it wrote on the application's thread: every event on disk once
// flushAuditLog() returns and when the process ends, its failures counted and reported, its
// events lost counted as lost, the key in one place; and if the thread is gone, auditing goes on.

const { root, scripts, directory } = fileSinkWorkspace('mlx-audit-writer-');
const inference = testSite({ id: 'generate', kind: 'inference' });

/** The application's events in a file (the trail's and the run's own records left out). */
function eventsIn(path: string): Record<string, unknown>[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((row) => row !== '' && !isRuntimeRecord(row))
    .map((row) => JSON.parse(row) as Record<string, unknown>);
}

describe('the file sink on its writer thread', () => {
  it('has every event on disk once flushAuditLog returns, chained and sealed with the key the application thread handed over', async () => {
    const logs = directory('sealed');
    const keys = directory('sealed-keys');
    createSealKeys({ initialKeyFile: join(keys, 'initial.key'), stateFile: join(keys, 'state.key') });
    const path = join(logs, 'audit.jsonl');
    configure({ sinks: [fileSink({ path, maxBytes: 50_000, maxFiles: 100 })], exitHooks: false, seal: { keyFile: join(keys, 'state.key'), everyLines: 50 } });
    // The key went to the writer thread: this thread keeps none it could seal with.
    const here = loadSealState(join(keys, 'state.key'));
    expect(here.handedOver).toBe(true);
    expect(() => here.mac({ stream: 'a'.repeat(32), epoch: here.epoch, from: 1, to: 1, head: 'b'.repeat(64) })).toThrow(/writer thread/);

    for (let round = 0; round < 5; round++) {
      for (let index = 0; index < 100; index++) call(inference, undefined, () => index, []);
      flushAuditLog();
      const written = readdirSync(logs).flatMap((file) => eventsIn(join(logs, file)));
      expect(written.length).toBe(100 * (round + 1));
    }
    configure({ sinks: [], exitHooks: false });
    const result = await verifyTrail(logs, { keys: [readSealKeyFile(join(keys, 'initial.key'))] });
    expect(result.problems).toEqual([]);
    expect(result).toMatchObject({ intact: true, sealing: 'verified' });
    expect(result.files.length).toBeGreaterThan(1);
  });

  it('keeps every batch whole and in order through its ring, past its end, when it is full, and for a batch larger than it', async () => {
    const logs = directory('ring');
    const path = join(logs, 'audit.jsonl');
    const sink = fileSink({ path, maxBytes: 2 ** 40 });
    const line = (index: number, width: number) => `${JSON.stringify({ 'event.sequence': index, padding: 'x'.repeat(width) })}\n`;
    let next = 0;
    // 24 batches of about 700 KB, handed over without waiting: twice the ring, so it wraps and
    // fills, and a write waits for room; then one batch of about 12 MB, more than the ring holds.
    for (let batch = 0; batch < 24; batch++) sink.write({ lines: Array.from({ length: 700 }, () => line(next++, 1000)), events: [] });
    sink.write({ lines: Array.from({ length: 1200 }, () => line(next++, 10_000)), events: [] });
    sink.close?.();
    expect(RING_BYTES).toBeLessThan(24 * 700 * 1000);
    expect(eventsIn(path).map((event) => event['event.sequence'])).toEqual(Array.from({ length: next }, (_, index) => index));
    expect((await verifyTrail(path)).problems).toEqual([]);
  });

  it('counts a batch the writer thread could not write as lost, and its failure on the sink, as when the write threw', () => {
    const logs = directory('refused');
    symlinkSync(join(root, 'nowhere.txt'), join(logs, 'audit.jsonl'));
    configure({ sinks: [fileSink({ path: join(logs, 'audit.jsonl') })], exitHooks: false });
    // The configuration's own record failed too: known once the writer thread has tried it.
    flushAuditLog();
    const before = auditStats();
    for (let index = 0; index < 5; index++) call(inference, undefined, () => index, []);
    flushAuditLog();
    const after = auditStats();
    expect(after.delivered - before.delivered).toBe(0);
    expect(after.lost - before.lost).toBe(5);
    expect((after.sinkFailures.file ?? 0) - (before.sinkFailures.file ?? 0)).toBe(1);
  });

  it('reports a refusal on stderr from the application thread, once, naming what it refused', () => {
    const logs = directory('reported');
    const elsewhere = directory('reported-elsewhere');
    symlinkSync(elsewhere, join(logs, 'linked'));
    const child = scripts.run(`
runtime.configure({ sinks: [runtime.fileSink({ path: ${JSON.stringify(join(logs, 'linked', 'audit.jsonl'))} })], exitHooks: false });
for (let round = 0; round < 3; round++) { calls(2); runtime.flushAuditLog(); }
process.stdout.write(JSON.stringify(runtime.auditStats()));`);
    expect(child.status, child.stderr).toBe(0);
    const stats = JSON.parse(child.stdout) as { sinkFailures: Record<string, number>; delivered: number; lost: number };
    // The configuration's record and the three rounds.
    expect(stats).toMatchObject({ sinkFailures: { file: 4 }, delivered: 0, lost: 12 });
    const reports = child.stderr.split('\n').filter(Boolean);
    expect(reports).toHaveLength(1);
    expect(reports[0]).toMatch(/^mlx-audit: the file sink failed \(Error: .*symbolic link/);
  });

  it('writes a full disk’s batch not at all, no torn line, and carries on the chain once there is room', async () => {
    const disk = nearlyFullDisk('mlx-audit-writer-enospc-');
    try {
      const { path } = disk;
      configure({ sinks: [fileSink({ path })], exitHooks: false });
      const failures = () => (auditStats().sinkFailures.file ?? 0);
      const failedBefore = failures();
      let recorded = 0;
      while (failures() === failedBefore && recorded < 10_000) {
        for (let index = 0; index < 20; index++) call(inference, undefined, () => recorded + index, []);
        recorded += 20;
        flushAuditLog();
      }
      expect(failures()).toBe(failedBefore + 1);
      const kept = eventsIn(path).length;
      expect(kept).toBeGreaterThan(0);
      expect(kept % 20).toBe(0);
      disk.makeRoom();
      for (let index = 0; index < 20; index++) call(inference, undefined, () => index, []);
      configure({ sinks: [], exitHooks: false });
      expect(eventsIn(path).length).toBe(kept + 20);
      const result = await verifyTrail(path);
      expect(result.problems).toEqual([]);
    } finally {
      configure({ sinks: [], exitHooks: false });
      disk.unmount();
    }
  });

  it('has everything on disk, sealed and stopped, however the process ends', async () => {
    const keys = directory('ending-keys');
    createSealKeys({ initialKeyFile: join(keys, 'initial.key'), stateFile: join(keys, 'state.key') });
    const endings = {
      'the loop runs dry': 'calls(300);',
      'process.exit': 'calls(300); process.exit(3);',
      'an uncaught exception': "calls(300); setImmediate(() => { throw new Error('boom'); });",
      'an exit listener that records more': "calls(300); process.on('exit', () => calls(5));",
    };
    for (const [ending, body] of Object.entries(endings)) {
      const logs = directory(`ending-${Object.keys(endings).indexOf(ending)}`);
      const child = scripts.run(`
runtime.configure({ sinks: [runtime.fileSink({ path: ${JSON.stringify(join(logs, 'audit.jsonl'))} })], seal: { keyFile: ${JSON.stringify(join(keys, 'state.key'))}, everyLines: 100 } });
${body}`);
      expect(child.stderr, ending).not.toContain('writer thread');
      const events = eventsIn(join(logs, 'audit.jsonl'));
      expect(events.length, ending).toBe(ending === 'an exit listener that records more' ? 610 : 600);
      const result = await verifyTrail(logs, { keys: [readSealKeyFile(join(keys, 'initial.key'))] });
      expect(result.problems, ending).toEqual([]);
      expect(result, ending).toMatchObject({ intact: true, sealing: 'verified', streams: [{ stopped: true }] });
    }
  });

  it('goes on writing on the application thread if the writer thread is gone, and says so', async () => {
    const logs = directory('lost-thread');
    const path = join(logs, 'audit.jsonl');
    const child = scripts.run(`
const { stopWriterThread } = await import(${JSON.stringify(new URL('../dist/sinks/writer-thread/writer-host.js', import.meta.url).href)});
runtime.configure({ sinks: [runtime.fileSink({ path: ${JSON.stringify(path)} })] });
calls(10);
runtime.flushAuditLog();
await stopWriterThread();
calls(10);
runtime.flushAuditLog();
process.stdout.write(JSON.stringify(runtime.auditStats()));`);
    expect(child.status).toBe(0);
    expect(child.stderr).toMatch(/the file sink's writer thread stopped/);
    expect(child.stderr).toMatch(/writes on the application's thread from now on/);
    expect(eventsIn(path)).toHaveLength(40);
    // The trail shows the break: the first stream ends without its end, a second one starts.
    const result = await verifyTrail(path);
    expect(result.streams).toHaveLength(2);
    expect(result.intact).toBe(false);
  });
});
