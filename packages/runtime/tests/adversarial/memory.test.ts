import '../support/quiet.js';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { auditStats, configure, flushAuditLog } from '../../src/configure.js';
import { call } from '../../src/instrument.js';
import { INDEX_URL, INSTRUMENT_URL } from '../support/child-script.js';
import { captureSink, testSite } from '../support/capture.js';

// Issue #11, finding 8: the buffer capped records, not bytes, and kept every prompt alive until
// it drained: 1,500 calls with unique 1 MB prompts held 1.5 GB, and 800 crashed a 512 MB heap.

const directory = mkdtempSync(join(tmpdir(), 'mlx-audit-memory-'));

afterEach(() => {
  configure({ sinks: [], exitHooks: false, hmacKey: null });
});

afterAll(() => {
  rmSync(directory, { recursive: true, force: true });
});

describe('8: memory', () => {
  it('8: summaries keep no prompt alive: 800 unique 1 MB prompts, recorded before any drain, fit a 256 MB heap', () => {
    const path = join(directory, 'prompts.mjs');
    writeFileSync(
      path,
      `import * as __mlxa from ${JSON.stringify(INSTRUMENT_URL)};
import * as runtime from ${JSON.stringify(INDEX_URL)};
runtime.configure({ sinks: [runtime.functionSink(() => {})], exitHooks: false, hmacKey: 'a-key-of-32-bytes-0123456789abcd' });
const generate = __mlxa.site({ id: 'app:generate', kind: 'inference', mode: 'event', file: 'src/app.ts', line: 1, column: 1, fn: null, callee: 'generate', args: ['text'], receiver: null });
// One synchronous loop: no drain runs until it ends, so whatever the records hold is alive at once.
for (let index = 0; index < 800; index++) {
  const prompt = String(index).padStart(8, '0') + 'x'.repeat(1 << 20);
  __mlxa.call(generate, undefined, (text) => text.length, [prompt]);
}
globalThis.gc();
process.stdout.write(JSON.stringify({ heap: process.memoryUsage().heapUsed, buffered: runtime.auditStats().buffered }));
`,
    );
    // MLX_AUDIT_SINK=off: the instrument module's configuration from the environment adds no stderr sink.
    const child = spawnSync(process.execPath, ['--max-old-space-size=256', '--expose-gc', path], { encoding: 'utf8', timeout: 60_000, env: { ...process.env, MLX_AUDIT_SINK: 'off' } });
    expect(child.stderr).toBe('');
    expect(child.status).toBe(0);
    const { heap, buffered } = JSON.parse(child.stdout) as { heap: number; buffered: number };
    expect(buffered).toBe(800);
    expect(heap).toBeLessThan(64 * 1024 * 1024);
  });

  it('8: the buffer has a byte budget: routine events are dropped past it, audit events still recorded', () => {
    const sink = captureSink();
    configure({ sinks: [sink], exitHooks: false, bufferSize: 1_000_000, bufferBytes: 256 * 1024 });
    const before = auditStats();
    const forward = testSite({ id: 'nn.Module#forward', kind: 'inference', args: ['tensor'] });
    const load = testSite({ id: 'core.load', kind: 'model-load', args: ['path'] });
    let peak = 0;
    for (let index = 0; index < 5_000; index++) {
      call(forward, undefined, () => 1, new Array<number>(64).fill(index));
      peak = Math.max(peak, auditStats().bufferedBytes);
    }
    call(load, undefined, () => ({}), ['model.safetensors']);
    const after = auditStats();
    expect(peak).toBeLessThanOrEqual(256 * 1024);
    expect(after.dropped - before.dropped).toBeGreaterThan(4_000);
    flushAuditLog();
    const actions = sink.lines.map((line) => (JSON.parse(line) as Record<string, unknown>)['event.action']);
    expect(actions).toContain('core.load');
    expect(actions).toContain('mlx-audit.dropped');
  });
});
