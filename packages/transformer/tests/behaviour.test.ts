import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as ts from 'typescript';
import { afterAll, describe, expect, it } from 'vitest';
import { compile } from './compile.js';

// Instrumentation must never change behaviour: the same programs, built with and without the
// transformer, run on real MLX (CPU) and must print the same results, throw the same errors and
// keep the same order, whether the runtime has subscribers (the default stderr sink) or not.

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const require = createRequire(import.meta.url);
const TSC = require.resolve('typescript/bin/tsc');
// ts-patch exports no subpaths: its `tspc` bin sits beside its package.json.
const TSPC = join(dirname(require.resolve('ts-patch/package.json')), 'bin', 'tspc.js');

interface Run {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

function run(script: string, env: Record<string, string> = {}): Run {
  const result = spawnSync(process.execPath, [script, ...(script.endsWith('main.js') ? ['demo'] : [])], {
    encoding: 'utf8',
    env: { ...process.env, ...env },
    timeout: 120_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

const lastLine = (text: string): string => text.trim().split('\n').at(-1) ?? '';
const auditEvents = (stderr: string): Record<string, unknown>[] =>
  stderr
    .split('\n')
    .filter((line) => line.includes('"event.action"'))
    .map((line) => JSON.parse(line) as Record<string, unknown>);

/** The runs of each fixture, built once by its describe block below. */
const runs = new Map<string, { plain: ReturnType<typeof run>; audited: ReturnType<typeof run> }>();
function builtRun(fixture: string): { plain: ReturnType<typeof run>; audited: ReturnType<typeof run> } {
  const built = runs.get(fixture);
  if (built === undefined) throw new Error(`the ${fixture} fixture was not built`);
  return built;
}

describe.each<{ fixture: string; entry: string; actions: string[]; training: string[]; scoped: string[] }>([
  // `training`: the functions whose forward passes are training steps, found in the source.
  // `scoped`: those whose forward passes are training steps when a training scope runs them (a
  // call of the function nn.valueAndGrad returned), inference otherwise: the training fixture's
  // meanSquaredError is the loss of its training steps and measures validation loss too.
  { fixture: 'inference-service', entry: 'main.js', actions: ['nn.Module#saveWeights', 'core.load', 'nn.Module#loadWeights', 'nn.Module#forward', 'core.array#tolist'], training: ['crossEntropy'], scoped: [] },
  { fixture: 'training', entry: 'train.js', actions: ['nn.valueAndGrad', 'core.eval', 'nn.Module#saveWeights'], training: [], scoped: ['meanSquaredError'] },
])('the $fixture fixture, built with tsc and with tspc + the transformer', ({ fixture, entry, actions, training, scoped }) => {
  const directory = join(ROOT, 'test-fixtures', fixture);
  execFileSync(process.execPath, [TSC, '-p', directory], { stdio: 'pipe' });
  execFileSync(process.execPath, [TSPC, '-p', join(directory, 'tsconfig.audited.json')], { stdio: 'pipe' });
  const plain = run(join(directory, 'dist', entry));
  const audited = run(join(directory, 'dist-audited', entry));
  const quiet = run(join(directory, 'dist-audited', entry), { MLX_AUDIT_SINK: 'off' });
  runs.set(fixture, { plain, audited });

  it('prints exactly the same results, instrumented or not, subscribed or not', () => {
    expect(plain.status).toBe(0);
    expect(audited.status).toBe(0);
    expect(quiet.status).toBe(0);
    // Every line, in order: results, progress output, and their sequence. Paths of temporary
    // directories differ from run to run and are masked.
    const masked = (text: string): string => text.replace(/\/tmp\/[\w.-]+/g, '<tmp>');
    expect(masked(audited.stdout)).toBe(masked(plain.stdout));
    expect(masked(quiet.stdout)).toBe(masked(plain.stdout));
    expect(lastLine(plain.stdout)).toMatch(/^\{.*\}$/);
  });

  it('writes an audit event for the loads, saves and inference it runs, and none when off', () => {
    const seen = new Set(auditEvents(audited.stderr).map((event) => event['event.action']));
    for (const action of actions) expect(seen).toContain(action);
    expect(auditEvents(quiet.stderr)).toEqual([]);
    expect(auditEvents(plain.stderr)).toEqual([]);
  });

  it('labels the forward passes of training steps `training` and the others `inference` (#13, point 6)', () => {
    const forward = auditEvents(audited.stderr).filter((event) => event['event.action'] === 'nn.Module#forward');
    expect(forward.length).toBeGreaterThan(0);
    for (const event of forward) {
      const fn = String(event['code.function']);
      if (scoped.includes(fn)) continue;
      const phase = training.includes(fn) ? 'training' : 'inference';
      expect([fn, event['gen_ai.operation.name']]).toEqual([fn, phase]);
      expect(event['mlx.phase']).toBe(phase === 'training' ? 'training' : undefined);
    }
    for (const fn of [...training, ...scoped]) expect(forward.filter((event) => event['code.function'] === fn).length).toBeGreaterThan(0);
  });

  it('writes weight paths as basenames when told to: a secret directory name stays out', () => {
    const secretDirectory = mkdtempSync(join(tmpdir(), 'customer-acme-secret-'));
    try {
      const reduced = run(join(directory, 'dist-audited', entry), { TMPDIR: secretDirectory, MLX_AUDIT_PATHS: 'basename' });
      expect(reduced.status).toBe(0);
      const events = auditEvents(reduced.stderr).map((event) => JSON.stringify(event));
      expect(events.filter((event) => event.includes('.safetensors')).length).toBeGreaterThan(0);
      expect(events.filter((event) => event.includes('customer-acme-secret'))).toEqual([]);
    } finally {
      rmSync(secretDirectory, { recursive: true, force: true });
    }
  });

  it('never writes prompts or tensor contents into the events', () => {
    const events = auditEvents(audited.stderr).map((event) => JSON.stringify(event));
    expect(events.length).toBeGreaterThan(0);
    const result = JSON.parse(lastLine(plain.stdout)) as { predictions?: { prompt: string }[] };
    for (const { prompt } of result.predictions ?? []) {
      expect(events.filter((event) => event.includes(prompt))).toEqual([]);
    }
    // A tensor's contents would appear as long lists of numbers.
    expect(events.filter((event) => /\[(-?\d+\.\d+,){3,}/.test(event))).toEqual([]);
  });
});

const SEMANTICS = `import { core as mx, nn } from '@frost-beta/mlx';
const out: unknown[] = [];
const note = (label: string, value: unknown): void => { out.push([label, value]); };
const order: string[] = [];
const tap = <T>(label: string, value: T): T => { order.push(label); return value; };

class Scaled extends nn.Module {
  factor = 2;
  layer = new nn.Linear(2, 2);
  forward(x: mx.array): mx.array { return mx.multiply(this.layer.forward(x), this.factor); }
}

function withDefault(x: mx.array = mx.ones([2])): unknown { return x.tolist(); }
function* squares(n: number) { for (let i = 1; i <= n; i++) yield mx.square(mx.array([i])).item(); }
async function later(x: mx.array): Promise<unknown> { await Promise.resolve(); return mx.sum(x).item(); }

async function main(): Promise<void> {
  mx.random.seed(3);
  const model = new Scaled();
  note('instance', model.layer instanceof nn.Linear);
  const x = mx.ones([1, 2]);
  note('forward', mx.round(model.forward(x), 4).tolist());
  note('order', [mx.add(tap('a', x), tap('b', mx.ones([1, 2]))).tolist(), order.splice(0)]);
  const shape = [2, 2];
  note('spread', mx.reshape(mx.arange(4), ...shape).tolist());
  note('default', withDefault());
  note('generator', [...squares(3)]);
  note('async', await later(mx.ones([3])));
  const absent: nn.Linear | undefined = undefined;
  let evaluated = false;
  note('optional', absent?.forward(tap('never', (evaluated = true, x))));
  note('optional args', evaluated);
  try { mx.reshape(mx.ones([4]), [3]); } catch (error) { note('thrown', [(error as Error).constructor.name, (error as Error).message]); }
  try { (mx as any).checkpoint((y: number) => y); } catch (error) { note('missing', [(error as Error).constructor.name, (error as Error).message]); }
  const caught = new Error('mine');
  try { mx.eval(() => { throw caught; }); } catch (error) { note('same error object', error === caught || (error as Error).message); }
  note('this', [1, 2].map(function (this: { k: number }, n) { return n * this.k; }, { k: 3 }));
  console.log(JSON.stringify(out));
}
void main();
`;

describe('semantics of instrumented call sites, on real MLX', () => {
  const directory = join(fileURLToPath(new URL('.', import.meta.url)), '.semantics');
  mkdirSync(directory, { recursive: true });
  writeFileSync(join(directory, 'package.json'), JSON.stringify({ type: 'module' }));
  afterAll(() => {
    rmSync(directory, { recursive: true, force: true });
  });
  const plainJs = compile({ 'main.ts': SEMANTICS }, { instrument: false }).js['main.js'] ?? '';
  const audited = compile({ 'main.ts': SEMANTICS }, { config: { kinds: { 'tensor-operation': 'event', 'tensor-creation': 'event' } } });
  writeFileSync(join(directory, 'plain.js'), plainJs);
  writeFileSync(join(directory, 'audited.js'), audited.js['main.js'] ?? '');

  it('compiles the instrumented program with no diagnostics', () => {
    expect(audited.diagnostics.map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'))).toEqual([]);
    expect(audited.js['main.js']).toContain('__mlxa_1.call(');
  });

  it('gives the same values, errors, order, this and async results', () => {
    const plain = run(join(directory, 'plain.js'));
    const subscribed = run(join(directory, 'audited.js'));
    const unsubscribed = run(join(directory, 'audited.js'), { MLX_AUDIT_SINK: 'off' });
    expect(plain.stderr).toBe('');
    expect(plain.status).toBe(0);
    const expected = lastLine(plain.stdout);
    expect(JSON.parse(expected)).toContainEqual(['missing', ['TypeError', 'mx.checkpoint is not a function']]);
    expect(lastLine(subscribed.stdout)).toBe(expected);
    expect(lastLine(unsubscribed.stdout)).toBe(expected);
    expect(subscribed.status).toBe(0);
    expect(auditEvents(subscribed.stderr).length).toBeGreaterThan(5);
  });
});

// Issue #13, point 6: 300 of the 303 forward passes of the training fixture were training steps
// labelled inference, since its loss function also measures validation loss.
describe('the training fixture, built with tspc + the transformer: training scopes', () => {
  // A forward pass that runs inside lossAndGrad(…) is training; one that evaluate() runs is inference.
  it('labels the forward passes that run inside lossAndGrad(…) `training`, and those of evaluate() `inference`', () => {
    const { plain, audited } = builtRun('training');
    const result = JSON.parse(lastLine(plain.stdout)) as { steps: number; resumedFromStep: number };
    const forward = auditEvents(audited.stderr)
      .filter((event) => event['event.action'] === 'nn.Module#forward')
      .sort((a, b) => Number(a['event.sequence']) - Number(b['event.sequence']));
    for (const event of forward) {
      expect(event['gen_ai.operation.name'] === 'training' ? 'training' : undefined).toBe(event['mlx.phase']);
    }
    // In order, the phases in runs: validation before training, the training steps, validation
    // after, the steps resumed from a checkpoint, validation of the model reloaded to serve.
    const phaseRuns: [string, number][] = [];
    for (const event of forward) {
      const phase = String(event['gen_ai.operation.name']);
      const last = phaseRuns.at(-1);
      if (last?.[0] === phase) last[1]++;
      else phaseRuns.push([phase, 1]);
    }
    expect(phaseRuns).toEqual([
      ['inference', 1],
      ['training', result.steps],
      ['inference', 1],
      ['training', result.steps - result.resumedFromStep],
      ['inference', 1],
    ]);
    expect(new Set(forward.map((event) => event['code.function']))).toEqual(new Set(['meanSquaredError']));
  });

});
