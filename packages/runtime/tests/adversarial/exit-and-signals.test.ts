import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyTrail } from '../../src/trail/verify.js';
import { requireBuild, SCRIPT_PRELUDE } from '../support/child-script.js';
import { isRuntimeRecord, runtimeActionsIn } from '../support/trail.js';

// How a program ends (by a signal, by its exit listeners) is only visible from outside: each case
// runs the built package in a child `node` with the file sink, as an application would.
const directory = mkdtempSync(join(tmpdir(), 'mlx-audit-exit-'));
const children = new Set<ChildProcess>();
const CHILD_TIMEOUT_MS = 20_000;

beforeAll(requireBuild);

afterAll(() => {
  for (const child of children) child.kill('SIGKILL');
  rmSync(directory, { recursive: true, force: true });
});

interface Case {
  readonly name: string;
  readonly body: string;
  /** Sent when the child prints `ready`; the child's synchronous task then ends (see `longTask`). */
  readonly signal?: NodeJS.Signals;
  /** Variables besides the file sink's. */
  readonly env?: NodeJS.ProcessEnv;
}

interface Outcome {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
  /** The actions of the application's events and calls. */
  readonly actions: readonly string[];
  /** The runtime's own records: the file's opened record, the run's start and stop. */
  readonly runtime: readonly string[];
  /** What verifying the trail finds. */
  readonly problems: readonly string[];
}

/** Every run: its file opened, started, stopped, and a trail that verifies. */
const RUN = { runtime: ['mlx-audit.file-opened', 'mlx-audit.started', 'mlx-audit.stopped'], problems: [] };

/**
 * `calls(count)` makes a `core.load` and a `model.forward` call each; `longTask()` stands for a
 * long synchronous MLX call: it prints `ready` and blocks in a synchronous read of stdin, which
 * the parent ends only after sending its signal, so the signal always arrives during the task,
 * however loaded the machine.
 */
function script(name: string, body: string): string {
  const path = join(directory, `${name.replace(/\W+/g, '-')}.mjs`);
  writeFileSync(
    path,
    `${SCRIPT_PRELUDE}import { readSync } from 'node:fs';
function longTask() {
  process.stdout.write('ready\\n');
  const buffer = Buffer.alloc(8);
  for (;;) {
    try {
      if (readSync(0, buffer, 0, buffer.length, null) === 0) return;
      if (buffer.includes('go')) return;
    } catch (error) {
      if (error.code !== 'EAGAIN') throw error;
    }
  }
}
void longTask;
${body}
`,
  );
  return path;
}

function runCase(testCase: Case): Promise<Outcome> {
  const file = join(directory, testCase.name.replace(/\W+/g, '-'), 'audit.jsonl');
  const env = { ...process.env, MLX_AUDIT_SINK: 'file', MLX_AUDIT_FILE: file, ...testCase.env };
  const child = spawn(process.execPath, [script(testCase.name, testCase.body)], { env, stdio: ['pipe', 'pipe', 'pipe'] });
  children.add(child);
  let stdout = '';
  let stderr = '';
  let signalled = false;
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
    if (testCase.signal !== undefined && !signalled && stdout.includes('ready\n')) {
      signalled = true;
      // The signal first, then the end of the task: kill() has queued it by the time `go` is read.
      child.kill(testCase.signal);
      child.stdin.end('go\n');
    }
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  // A child that does not end is a failure, never a hung test run.
  const timer = setTimeout(() => child.kill('SIGKILL'), CHILD_TIMEOUT_MS);
  return new Promise((resolve) => {
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      children.delete(child);
      const text = existsSync(file) ? readFileSync(file, 'utf8') : '';
      const lines = text.split('\n').filter(Boolean);
      const actions = lines.filter((line) => !isRuntimeRecord(line)).map((line) => String((JSON.parse(line) as Record<string, unknown>)['event.action']));
      void verifyTrail(file).then((verification) => {
        resolve({ code, signal, stdout, stderr, actions, runtime: runtimeActionsIn(text), problems: verification.problems.map((problem) => `${problem.kind}: ${problem.message}`) });
      });
    });
  });
}

/** All cases at once (each is a process of its own), then one comparison that shows every difference. */
async function runAll(cases: readonly Case[]): Promise<Record<string, Outcome>> {
  return Object.fromEntries(await Promise.all(cases.map(async (testCase) => [testCase.name, await runCase(testCase)] as const)));
}

/**
 * stderr without the runtime's notice of a slow write (over 100 ms), which a loaded machine causes
 * now and then and which says nothing about how the process ended.
 */
function unexpectedStderr(stderr: string): string {
  return stderr.replace(/^mlx-audit: the file sink took \d+ ms to write \d+ events; .*\n/gm, '');
}

const calls = (count: number): string[] => Array.from({ length: count }, () => ['core.load', 'nn.Module#forward']).flat();

describe('exit and signals', () => {
  it('7: after flushing, the process dies of the signal it got (SIGINT, SIGTERM, SIGHUP), unless the application handles it', async () => {
    const outcomes = await runAll([
      { name: 'SIGTERM during a long task, nothing scheduled after', signal: 'SIGTERM', body: 'calls(2); longTask(); calls(1);' },
      { name: 'SIGINT during a long task, nothing scheduled after', signal: 'SIGINT', body: 'calls(2); longTask(); calls(1);' },
      { name: 'SIGHUP during a long task, nothing scheduled after', signal: 'SIGHUP', body: 'calls(2); longTask(); calls(1);' },
      { name: 'SIGTERM during a long task, an unref timer after', signal: 'SIGTERM', body: 'calls(2); longTask(); calls(1); setTimeout(() => {}, 60_000).unref();' },
      { name: 'SIGINT during a long task, a timer pending after', signal: 'SIGINT', body: 'calls(2); longTask(); calls(1); setTimeout(() => {}, 60_000);' },
      {
        name: 'SIGTERM while idle, waiting on a timer',
        signal: 'SIGTERM',
        body: "calls(2); setTimeout(() => {}, 60_000); process.stdout.write('ready\\n');",
      },
      {
        name: 'SIGHUP while idle, waiting on a timer',
        signal: 'SIGHUP',
        body: "calls(2); setTimeout(() => {}, 60_000); process.stdout.write('ready\\n');",
      },
      {
        name: 'SIGTERM with a handler the application added after the runtime',
        signal: 'SIGTERM',
        body: `const timer = setTimeout(() => {}, 60_000);
process.on('SIGTERM', () => { runtime.auditEvent('app.stopping'); process.stdout.write('app handled\\n'); clearTimeout(timer); });
calls(2);
process.stdout.write('ready\\n');`,
      },
      {
        name: 'SIGTERM after the application removed the handler it had before configure()',
        signal: 'SIGTERM',
        env: { MLX_AUDIT_SINK: 'off' },
        body: `const handler = () => process.stdout.write('app handled\\n');
process.on('SIGTERM', handler);
runtime.configure({ sinks: [runtime.fileSink({ path: process.env.MLX_AUDIT_FILE })] });
process.removeListener('SIGTERM', handler);
calls(2); setTimeout(() => {}, 60_000); process.stdout.write('ready\\n');`,
      },
      {
        name: 'no signal: the application beforeExit listener runs once and the exit code is kept',
        body: "process.on('beforeExit', () => process.stdout.write('beforeExit\\n')); process.exitCode = 4; calls(1);",
      },
      {
        // Node emits beforeExit again once the work a listener scheduled is done; an unref'd
        // interval falling due in the runtime's extra turn is no such work.
        name: 'no signal: a beforeExit listener that schedules work runs again, as Node runs it',
        body: `let runs = 0;
process.on('beforeExit', () => {
  process.stdout.write('beforeExit ' + ++runs + '\\n');
  if (runs === 1) setTimeout(() => calls(1), 5);
});
setInterval(() => {}, 1).unref();
calls(1);`,
      },
    ]);
    const seen = Object.fromEntries(
      Object.entries(outcomes).map(([name, outcome]) => [
        name,
        { code: outcome.code, signal: outcome.signal, stdout: outcome.stdout, stderr: unexpectedStderr(outcome.stderr), actions: outcome.actions, runtime: outcome.runtime, problems: outcome.problems },
      ]),
    );
    expect(seen).toEqual({
      'SIGTERM during a long task, nothing scheduled after': { code: null, signal: 'SIGTERM', stdout: 'ready\n', stderr: '', actions: calls(3), ...RUN },
      'SIGINT during a long task, nothing scheduled after': { code: null, signal: 'SIGINT', stdout: 'ready\n', stderr: '', actions: calls(3), ...RUN },
      'SIGHUP during a long task, nothing scheduled after': { code: null, signal: 'SIGHUP', stdout: 'ready\n', stderr: '', actions: calls(3), ...RUN },
      'SIGTERM during a long task, an unref timer after': { code: null, signal: 'SIGTERM', stdout: 'ready\n', stderr: '', actions: calls(3), ...RUN },
      'SIGINT during a long task, a timer pending after': { code: null, signal: 'SIGINT', stdout: 'ready\n', stderr: '', actions: calls(3), ...RUN },
      'SIGTERM while idle, waiting on a timer': { code: null, signal: 'SIGTERM', stdout: 'ready\n', stderr: '', actions: calls(2), ...RUN },
      'SIGHUP while idle, waiting on a timer': { code: null, signal: 'SIGHUP', stdout: 'ready\n', stderr: '', actions: calls(2), ...RUN },
      'SIGTERM with a handler the application added after the runtime': {
        code: 0,
        signal: null,
        stdout: 'ready\napp handled\n',
        stderr: '',
        actions: [...calls(2), 'app.stopping'],
        ...RUN,
      },
      'SIGTERM after the application removed the handler it had before configure()': {
        code: null,
        signal: 'SIGTERM',
        stdout: 'ready\n',
        stderr: '',
        actions: calls(2),
        ...RUN,
      },
      'no signal: the application beforeExit listener runs once and the exit code is kept': {
        code: 4,
        signal: null,
        stdout: 'beforeExit\n',
        stderr: '',
        actions: calls(1),
        ...RUN,
      },
      'no signal: a beforeExit listener that schedules work runs again, as Node runs it': {
        code: 0,
        signal: null,
        stdout: 'beforeExit 1\nbeforeExit 2\n',
        stderr: '',
        actions: calls(2),
        ...RUN,
      },
    });
  });

  it("11a: what the application records in its own exit, beforeExit and uncaught-exception listeners is written", async () => {
    const outcomes = await runAll([
      {
        name: 'exit listener after the runtime, natural end',
        body: "calls(1); process.on('exit', () => { calls(1); runtime.auditEvent('app.shutdown'); });",
      },
      {
        name: 'exit listener after the runtime, process.exit()',
        body: "process.on('exit', () => { runtime.auditEvent('app.shutdown'); calls(1); }); setTimeout(() => { calls(1); process.exit(3); }, 1);",
      },
      {
        // Bounded: were a record to schedule a drain, the loop would revive and emit beforeExit again, for ever.
        name: 'beforeExit listener, synchronous and after an await',
        body: `let runs = 0;
process.on('beforeExit', async () => {
  if (++runs > 3) process.exit(9);
  calls(1);
  await null;
  runtime.auditEvent('app.before-exit');
});
process.on('exit', () => process.stdout.write('beforeExit ran ' + runs));
calls(1);`,
      },
      {
        name: 'uncaught exception: a monitor and an exit listener after the runtime',
        body: `process.on('uncaughtExceptionMonitor', () => runtime.auditEvent('app.crash'));
process.on('exit', () => calls(1));
calls(1);
setTimeout(() => { throw new Error('application bug'); }, 1);`,
      },
    ]);
    const seen = Object.fromEntries(
      Object.entries(outcomes).map(([name, outcome]) => [name, { code: outcome.code, signal: outcome.signal, stdout: outcome.stdout, actions: outcome.actions, runtime: outcome.runtime, problems: outcome.problems }]),
    );
    expect(seen).toEqual({
      // What exit listeners record comes after the run's stop record, and is still part of the trail.
      'exit listener after the runtime, natural end': { code: 0, signal: null, stdout: '', actions: [...calls(2), 'app.shutdown'], ...RUN },
      'exit listener after the runtime, process.exit()': { code: 3, signal: null, stdout: '', actions: [...calls(1), 'app.shutdown', ...calls(1)], ...RUN },
      'beforeExit listener, synchronous and after an await': {
        code: 0,
        signal: null,
        stdout: 'beforeExit ran 1',
        actions: [...calls(2), 'app.before-exit'],
        ...RUN,
      },
      'uncaught exception: a monitor and an exit listener after the runtime': {
        code: 1,
        signal: null,
        stdout: '',
        actions: [...calls(1), 'app.crash', ...calls(1)],
        ...RUN,
      },
    });
    for (const [name, outcome] of Object.entries(outcomes)) {
      if (name.startsWith('uncaught')) expect(outcome.stderr).toContain('Error: application bug');
      else expect(unexpectedStderr(outcome.stderr), name).toBe('');
    }
  });
});
