import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as ts from 'typescript';
import { afterAll, describe, expect, it } from 'vitest';
import { planProject } from '../src/plan/collect.js';
import { renderPlanTable } from '../src/plan/render.js';
import { compile } from './compile.js';
import { runtimeCalls } from './coverage.js';

// Issue #13, point 6: in a training script, the forward passes of training steps were events
// labelled `gen_ai.operation.name: "inference"`. A forward pass in a function given to a gradient
// transform (or only called from one) is training; the model serving afterwards is inference.

const PROGRAM = `import { core as mx, nn, optimizers, type utils } from '@frost-beta/mlx';

class Regressor extends nn.Module {
  layer = new nn.Linear(2, 1);
  override forward(x: mx.array): mx.array { return this.layer.forward(x); }
}

function loss(model: Regressor, inputs: mx.array, targets: mx.array): mx.array {
  return nn.losses.mseLoss(model.forward(inputs), targets, 'mean');
}

function predict(model: Regressor, inputs: mx.array): number[] {
  return model.forward(inputs).reshape([-1]).tolist() as number[];
}

mx.random.seed(0);
const model = new Regressor();
const inputs = mx.random.normal([16, 2]);
const targets = mx.sum(inputs, 1, true);
const lossAndGrad = nn.valueAndGrad(model, (x: mx.array, y: mx.array) => loss(model, x, y));
const gradient = mx.grad((w: mx.array) => mx.sum(model.forward(w)));
const optimizer = new optimizers.SGD(0.1);
const losses: number[] = [];
for (let step = 0; step < 3; step++) {
  const [value, grads] = lossAndGrad(inputs, targets) as [mx.array, utils.NestedDict<mx.array>];
  optimizer.update(model, grads);
  mx.eval(value, model.parameters(), optimizer.state);
  losses.push(value.item() as number);
}
gradient(inputs);
console.log(JSON.stringify({ decreasing: losses[2] < losses[0], predicted: predict(model, mx.ones([2, 2])).length }));
`;

const directory = join(fileURLToPath(new URL('.', import.meta.url)), '.training-phase');

describe('forward passes of training steps (issue #13, point 6)', () => {
  mkdirSync(directory, { recursive: true });
  writeFileSync(join(directory, 'package.json'), JSON.stringify({ type: 'module' }));
  afterAll(() => {
    rmSync(directory, { recursive: true, force: true });
  });
  const audited = compile({ 'main.ts': PROGRAM });
  writeFileSync(join(directory, 'main.js'), audited.js['main.js'] ?? '');
  const result = spawnSync(process.execPath, [join(directory, 'main.js')], { encoding: 'utf8', env: { ...process.env, MLX_AUDIT_SINK: 'stderr' }, timeout: 120_000 });
  const events = result.stderr
    .split('\n')
    .filter((line) => line.startsWith('{') && line.includes('"nn.Module#forward"'))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
  // The function given to mx.grad is an arrow with no name: its events have no `code.function`.
  const byFunction = (fn: string): Record<string, unknown>[] => events.filter((event) => (event['code.function'] ?? '(module)') === fn);

  it('builds and runs on real MLX: the model trains, then serves', () => {
    expect(audited.diagnostics.map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'))).toEqual([]);
    expect(result.status).toBe(0);
    expect(JSON.parse(result.stdout.trim())).toEqual({ decreasing: true, predicted: 2 });
  });

  it('labels the forward passes of training steps `training`, and serving `inference`', () => {
    // Three steps through the loss function, one through the function given to mx.grad.
    expect(byFunction('loss')).toHaveLength(3);
    expect(byFunction('(module)')).toHaveLength(1);
    for (const event of [...byFunction('loss'), ...byFunction('(module)')]) {
      expect(event).toMatchObject({ 'gen_ai.operation.name': 'training', 'mlx.phase': 'training', 'mlx.kind': 'inference', 'event.action': 'nn.Module#forward' });
    }
    expect(byFunction('predict')).toHaveLength(1);
    expect(byFunction('predict')[0]).toMatchObject({ 'gen_ai.operation.name': 'inference', 'mlx.kind': 'inference' });
    expect(byFunction('predict')[0]).not.toHaveProperty('mlx.phase');
  });

  it('writes the phase into the descriptor of the training sites only, and the plan shows it', () => {
    const js = audited.js['main.js'] ?? '';
    const emitted = runtimeCalls(js).sites;
    expect(emitted.filter((site) => site.phase === 'training')).toHaveLength(2);
    expect(emitted.filter((site) => site.phase !== undefined && site.phase !== 'training')).toEqual([]);
    // The plan of the same source, as a project beside the package's node_modules.
    writeFileSync(join(directory, 'main.ts'), PROGRAM);
    writeFileSync(join(directory, 'tsconfig.json'), JSON.stringify({ compilerOptions: { target: 'es2022', module: 'nodenext', moduleResolution: 'nodenext', types: [], strict: false, skipLibCheck: true, noEmit: true }, files: ['main.ts'] }));
    const plan = planProject(ts, join(directory, 'tsconfig.json'), () => undefined)?.plan;
    const sites = plan?.sites.filter((site) => site.id === 'nn.Module#forward') ?? [];
    expect(sites.map((site) => [site.fn, site.kind, site.phase])).toEqual([
      ['Regressor#forward', 'layer-composition', undefined],
      ['loss', 'inference', 'training'],
      ['predict', 'inference', undefined],
      [null, 'inference', 'training'],
    ]);
    expect(plan === undefined ? '' : renderPlanTable(plan)).toMatch(/\| `nn\.Module#forward` \| inference \(training\) \| every call \| loss \|/);
    // The calls of the functions nn.valueAndGrad and mx.grad returned run as training scopes.
    expect(plan?.trainingScopes.map((scope) => [scope.line, scope.callee, scope.fn])).toEqual([
      [25, 'lossAndGrad', null],
      [30, 'gradient', null],
    ]);
    expect(plan === undefined ? '' : renderPlanTable(plan)).toContain('2 calls run a function a gradient transform returned, as a training scope');
    expect(js.match(/\.training\(\(\) =>/g)).toHaveLength(2);
  });
});
