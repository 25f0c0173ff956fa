import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PACKAGE_ROOT, requireBuild, SCRIPT_PRELUDE } from './support/child-script.js';
import { eventsIn, runtimeActionsIn } from './support/trail.js';

// These run the built package in a child `node`, as an application would: what happens at exit
// and on signals cannot be observed from inside the test worker.
const directory = mkdtempSync(join(tmpdir(), 'mlx-audit-process-'));
let scriptCount = 0;

beforeAll(requireBuild);

afterAll(() => {
  rmSync(directory, { recursive: true, force: true });
});

/** A script that instruments `count` calls of a `model-load` site (audit) and an inference site. */
function script(body: string): string {
  const path = join(directory, `script-${++scriptCount}.mjs`);
  writeFileSync(
    path,
    `${SCRIPT_PRELUDE}${body}
`,
  );
  return path;
}

function fileEnv(name: string): { env: NodeJS.ProcessEnv; file: string } {
  const file = join(directory, name, 'audit.jsonl');
  return { file, env: { ...process.env, MLX_AUDIT_SINK: 'file', MLX_AUDIT_FILE: file } };
}

/** The events of calls in the file (the runtime's own records are checked by `runtimeRecords`). */
function readEvents(file: string): Record<string, unknown>[] {
  if (!existsSync(file)) return [];
  return eventsIn(readFileSync(file, 'utf8'));
}

/** The runtime's own records in the file: the file's opened record, then the run's start and its stop. */
function runtimeRecords(file: string): string[] {
  return existsSync(file) ? runtimeActionsIn(readFileSync(file, 'utf8')) : [];
}

const STARTED_AND_STOPPED = ['mlx-audit.file-opened', 'mlx-audit.started', 'mlx-audit.stopped'];

function run(path: string, env: NodeJS.ProcessEnv) {
  return spawnSync(process.execPath, [path], { env, encoding: 'utf8', timeout: 20_000 });
}

describe('flush at exit', () => {
  it('writes everything when the process exits by itself', () => {
    const { env, file } = fileEnv('natural');
    const child = run(script('calls(3);'), env);
    expect(child.status).toBe(0);
    expect(readEvents(file)).toHaveLength(6);
    expect(runtimeRecords(file)).toEqual(STARTED_AND_STOPPED);
  });

  it('writes everything on process.exit(), before the scheduled drain could run', () => {
    const { env, file } = fileEnv('explicit');
    const child = run(script('calls(3); process.exit(3);'), env);
    expect(child.status).toBe(3);
    expect(readEvents(file)).toHaveLength(6);
    expect(runtimeRecords(file)).toEqual(STARTED_AND_STOPPED);
  });

  it('writes everything on an uncaught exception, and Node still reports it and exits with 1', () => {
    const { env, file } = fileEnv('uncaught');
    const child = run(script("calls(2); throw new Error('application bug');"), env);
    expect(child.status).toBe(1);
    expect(child.stderr).toContain('application bug');
    expect(readEvents(file)).toHaveLength(4);
    expect(runtimeRecords(file)).toEqual(STARTED_AND_STOPPED);
  });

  it('flushes on SIGTERM, then dies of the signal as it would have without the runtime', async () => {
    const { env, file } = fileEnv('sigterm');
    // The events are recorded, then the loop is blocked until after the signal has arrived: the
    // scheduled drain has not run, so only the signal handler can have written them.
    const path = script(`calls(2);
process.stdout.write('ready\\n');
Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 800);
setTimeout(() => {}, 10_000);`);
    const child = spawn(process.execPath, [path], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.once('data', () => child.kill('SIGTERM'));
    const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve) => {
      child.once('exit', (exitCode, exitSignal) => {
        resolve([exitCode, exitSignal]);
      });
    });
    expect(code).toBeNull();
    expect(signal).toBe('SIGTERM');
    expect(readEvents(file)).toHaveLength(4);
    expect(runtimeRecords(file)).toEqual(STARTED_AND_STOPPED);
  });

  it('leaves SIGTERM to the application when it has a handler of its own', async () => {
    const { env, file } = fileEnv('app-handler');
    const path = script(`process.on('SIGTERM', () => { process.stdout.write('app handled\\n'); process.exit(0); });
calls(2);
process.stdout.write('ready\\n');
setTimeout(() => {}, 10_000);`);
    const child = spawn(process.execPath, [path], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('ready')) child.kill('SIGTERM');
    });
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    expect(code).toBe(0);
    expect(output).toContain('app handled');
    expect(readEvents(file)).toHaveLength(4);
    expect(runtimeRecords(file)).toEqual(STARTED_AND_STOPPED);
  });
});

describe('stderr and the environment', () => {
  it('writes JSON lines to stderr by default', () => {
    const env = { ...process.env };
    delete env.MLX_AUDIT_SINK;
    delete env.MLX_AUDIT_FILE;
    const child = run(script('calls(1);'), env);
    const events = eventsIn(child.stderr);
    expect(events).toHaveLength(2);
    expect(events[0]).toMatchObject({ 'event.action': 'core.load', 'mlx.args': [{ type: 'path', path: 'model.safetensors' }] });
    // The run's start and stop around them, every line chained (the process chain).
    expect(runtimeActionsIn(child.stderr)).toEqual(['mlx-audit.started', 'mlx-audit.stopped']);
    expect(child.stderr.split('\n').filter(Boolean).map((line) => (JSON.parse(line) as Record<string, unknown>)['trail.line'])).toEqual([1, 2, 3, 4]);
  });

  it('subscribes nothing with MLX_AUDIT_SINK=off', () => {
    const child = run(script("calls(1); process.stdout.write(String(load.channel.hasSubscribers));"), { ...process.env, MLX_AUDIT_SINK: 'off' });
    expect(child.stdout).toBe('false');
    expect(child.stderr).toBe('');
  });

  it('reports a failing sink once on stderr while the program and the other sinks carry on', () => {
    const { file } = fileEnv('failing-sink');
    const child = run(
      script(`runtime.configure({
  sinks: [runtime.functionSink(() => { throw new Error('collector down'); }, 'collector'), runtime.fileSink({ path: ${JSON.stringify(file)} })],
});
for (let turn = 0; turn < 3; turn++) { calls(1); await new Promise((resolve) => setImmediate(resolve)); }
process.stdout.write(JSON.stringify(runtime.auditStats().sinkFailures));`),
      { ...process.env, MLX_AUDIT_SINK: 'off' },
    );
    expect(child.status).toBe(0);
    expect(child.stderr.match(/the collector sink failed \(Error: collector down\)/g)).toHaveLength(1);
    // The run's start record, then three batches.
    expect(JSON.parse(child.stdout)).toEqual({ collector: 4 });
    expect(readEvents(file)).toHaveLength(6);
  });

  it('loads through require() from CommonJS, by package name', () => {
    const child = spawnSync(
      process.execPath,
      ['-e', "const i = require('@mlx-audit/runtime/instrument'); const r = require('@mlx-audit/runtime'); process.stdout.write(typeof i.call + typeof r.configure)"],
      { cwd: PACKAGE_ROOT, env: { ...process.env, MLX_AUDIT_SINK: 'off' }, encoding: 'utf8' },
    );
    expect(child.stderr).toBe('');
    expect(child.stdout).toBe('functionfunction');
  });
});
