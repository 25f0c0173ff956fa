import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { childScripts, requireBuild } from './child.js';

// A sink is application code handed to the runtime. Whatever it does, the program around it
// must go on: these run a whole program with a misbehaving sink and watch it from outside.
const scripts = childScripts('mlx-audit-sinks-');

beforeAll(requireBuild);

afterAll(() => {
  scripts.dispose();
});

describe('sinks that misbehave', () => {
  it('10a: a sink whose name getter throws fails like any other, and the program goes on', () => {
    const child = scripts.run(`
const sink = {
  get name() { throw new Error('no name for you'); },
  write() { throw new Error('write failed'); },
};
runtime.configure({ sinks: [sink] });
calls(1);
await turn(); await turn();
process.stdout.write(JSON.stringify(runtime.auditStats()));`);
    expect(child.stderr).not.toContain('no name for you');
    expect(child.status).toBe(0);
    expect(child.stderr).toContain('the unnamed sink failed (Error: write failed)');
    // Its failed writes: the run's start record, then the batch (records of the runtime's own are not counted as lost).
    expect(JSON.parse(child.stdout)).toMatchObject({ sinkFailures: { unnamed: 2 }, delivered: 0, lost: 2 });
  });

  it('10b: a sink that throws a Proxy whose every trap throws is reported, and the program goes on', () => {
    const child = scripts.run(`
// A handler whose every property read throws: each trap of the Proxy throws when looked up.
const hostile = () => new Proxy({}, new Proxy({}, { get() { throw new Error('trap'); } }));
runtime.configure({ sinks: [{ name: 'hostile', write() { throw hostile(); } }] });
calls(1);
await turn(); await turn();
runtime.flushAuditLog();
process.stdout.write('alive');`);
    expect(child.stderr).not.toMatch(/Error: trap/);
    expect(child.status).toBe(0);
    expect(child.stdout).toBe('alive');
    expect(child.stderr).toContain('the hostile sink failed (Proxy)');
  });

  it('10c: a sink that records events (MLX calls, auditEvent) while it writes does not keep the process alive', () => {
    const child = scripts.run(
      `
import { writeSync } from 'node:fs';
let writes = 0;
const sink = {
  name: 'recording',
  write(batch) {
    writes += 1;
    // What a sink might do: run a model on what it ships, log its own event.
    __mlxa.call(forward, undefined, (text) => text.length, ['from the sink']);
    runtime.auditEvent('sink.shipped', { data: { count: batch.lines.length } });
  },
};
runtime.configure({ sinks: [sink] });
calls(1);
process.on('exit', () => { writeSync(1, JSON.stringify({ writes, stats: runtime.auditStats() })); });`,
      10_000,
    );
    // Today's loop never ends: the child is killed by the timeout.
    expect(child.signal).toBeNull();
    expect(child.status).toBe(0);
    const { writes, stats } = JSON.parse(child.stdout) as { writes: number; stats: Record<string, unknown> };
    // The run's start record (written while configure() applies, before recording starts), the
    // batch, the run's stop record: what the sink records in the last two is left out.
    expect(writes).toBe(3);
    expect(stats).toMatchObject({ recorded: 2, delivered: 2, recordedBySinks: 4, buffered: 0 });
    expect(child.stderr).toMatch(/recorded events while it was being written/);
  });

  it('10d: slow synchronous sinks let the application\'s timers run between their writes', () => {
    // Three sinks that each hold the loop 110 ms per write, three batches of 1024 events. Today a
    // drain step writes to every sink back to back: 330 ms without a timer. A sink's own write
    // cannot be interrupted, so the best achievable is about one write, 110 ms.
    const child = scripts.run(`
const slow = (name) => ({ name, write() { const end = performance.now() + 110; while (performance.now() < end); } });
runtime.configure({ sinks: [slow('first'), slow('second'), slow('third')] });
for (let index = 0; index < 3 * 1024; index++) __mlxa.call(forward, undefined, (text) => text.length, ['a prompt']);
let last = performance.now();
let longest = 0;
const timer = setInterval(() => {
  const now = performance.now();
  longest = Math.max(longest, now - last);
  last = now;
}, 2);
const done = setInterval(() => {
  const stats = runtime.auditStats();
  if (stats.delivered < 3 * 1024) return;
  clearInterval(timer);
  clearInterval(done);
  process.stdout.write(JSON.stringify({ longest }));
}, 1);`);
    expect(child.status).toBe(0);
    const { longest } = JSON.parse(child.stdout) as { longest: number };
    expect(longest).toBeGreaterThanOrEqual(100);
    expect(longest).toBeLessThan(250);
    // Once per sink: its first slow write is of the run's start record, at configure().
    expect(child.stderr.match(/the first sink took \d+ ms to write 1 events/g)).toHaveLength(1);
  });
});
