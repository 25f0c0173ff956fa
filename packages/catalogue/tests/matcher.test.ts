import * as ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { createProject, summary } from './project.js';

const MODEL = `
import { core as mx, nn } from '@frost-beta/mlx';

export class MLP extends nn.Module {
  l1 = new nn.Linear(4, 8);
  l2 = new nn.Linear(8, 2);
  constructor() {
    super();
  }
  forward(x: mx.array): mx.array {
    const h = nn.relu(this.l1.forward(x));
    return this.l2.forward(h);
  }
}
`;

describe('import forms', () => {
  it('named import with an alias', () => {
    const project = createProject({
      'main.ts': `import { core as mx } from '@frost-beta/mlx';\nexport const w = mx.load('weights.safetensors');\n`,
    });
    expect(summary(project.matchText(`mx.load('weights.safetensors')`))).toEqual({
      id: 'core.load',
      member: 'core.load',
      kind: 'model-load',
      usage: 'call',
      roles: ['filepath:path'],
    });
  });

  it('default import destructured into aliases', () => {
    const project = createProject({
      'main.ts': `import mlx from '@frost-beta/mlx';
const { core: mx, nn } = mlx;
const a = mx.ones([2, 2]);
export const b = mx.matmul(a, a);
export const layer = new nn.Linear(2, 2);
`,
    });
    expect(summary(project.matchText('mx.matmul(a, a)'))).toMatchObject({ id: 'core.matmul', kind: 'tensor-operation', roles: ['a:tensor', 'b:tensor'] });
    expect(summary(project.matchText('mx.ones([2, 2])'))).toMatchObject({ id: 'core.ones', kind: 'tensor-creation', roles: ['shape:shape'] });
    expect(summary(project.matchText('new nn.Linear(2, 2)'))).toMatchObject({ id: 'nn.Linear', kind: 'module-construction', usage: 'construct' });
  });

  it('namespace import', () => {
    const project = createProject({
      'main.ts': `import * as mlx from '@frost-beta/mlx';\nexport const z = mlx.core.zeros([3], mlx.core.float32);\n`,
    });
    expect(summary(project.matchText('mlx.core.zeros([3], mlx.core.float32)'))).toMatchObject({
      id: 'core.zeros',
      roles: ['shape:shape', 'dtype:dtype'],
    });
    expect(summary(project.matchText('mlx.core.float32'))).toMatchObject({ id: 'core.float32', kind: 'constant', usage: 'read' });
  });

  it('CommonJS import = require', () => {
    const project = createProject(
      { 'main.cts': `import mlx = require('@frost-beta/mlx');\nconst x = mlx.core.ones([1]);\nmlx.core.eval(x);\n` },
      { compilerOptions: { module: ts.ModuleKind.Node16 } },
    );
    expect(summary(project.matchText('mlx.core.eval(x)'))).toMatchObject({ id: 'core.eval', kind: 'evaluation', roles: ['args:other'] });
  });

  it('CommonJS require in a JavaScript file', () => {
    const project = createProject(
      { 'main.cjs': `const { core } = require('@frost-beta/mlx');\nconst x = core.ones([1]);\nmodule.exports = core.exp(x).tolist();\n` },
      { compilerOptions: { allowJs: true, checkJs: true } },
    );
    expect(summary(project.matchText('core.exp(x)'))).toMatchObject({ id: 'core.exp', kind: 'tensor-operation' });
    expect(summary(project.matchText('core.exp(x).tolist()'))).toMatchObject({ id: 'core.array#tolist', kind: 'data-extraction' });
  });

  it('re-exports through the user’s own modules', () => {
    const project = createProject({
      'main.ts': `import { tensors, loadTensors } from './mlx.js';\nexport const w = loadTensors('w.safetensors');\nexport const y = tensors.exp(tensors.ones([1]));\n`,
      'mlx.ts': `import { core } from '@frost-beta/mlx';\nexport { core as tensors } from '@frost-beta/mlx';\nexport const loadTensors = core.load;\n`,
    });
    expect(summary(project.matchText(`loadTensors('w.safetensors')`))).toMatchObject({ id: 'core.load', kind: 'model-load', roles: ['filepath:path'] });
    expect(summary(project.matchText('tensors.exp(tensors.ones([1]))'))).toMatchObject({ id: 'core.exp' });
  });
});

describe('functions pulled off the namespace', () => {
  const project = createProject({
    'main.ts': `import { core as mx, nn } from '@frost-beta/mlx';
const { matmul } = mx;
const mm = mx.matmul;
const relu = nn.relu;
const { gelu } = nn;
const a = mx.ones([2, 2]);
function pick(): typeof mx.exp { return mx.exp; }
export const r = [matmul(a, a), mm(a, a), relu(a), gelu(a), pick()(a)];
let act = mx.exp;
act = mx.log;
export function apply(f: typeof mx.sqrt, x: mx.array) { return f(x); }
function twice(x: mx.array) { return x; }
export const s = [act(a), apply(mx.sqrt, a), twice(a)];
declare const flag: boolean;
export const u = [(flag ? mx.add : mx.subtract)(a, a), (mx.maximum ?? mx.minimum)(a, a)];
`,
  });

  it('destructured from the namespace', () => {
    expect(summary(project.matchText('matmul(a, a)'))).toMatchObject({ id: 'core.matmul', roles: ['a:tensor', 'b:tensor'] });
  });
  it('assigned to a variable', () => {
    expect(summary(project.matchText('mm(a, a)'))).toMatchObject({ id: 'core.matmul' });
  });
  it('returned from a function', () => {
    expect(summary(project.matchText('pick()(a)'))).toMatchObject({ id: 'core.exp', roles: ['array:tensor'] });
  });
  it('held in a variable that is reassigned, or in a parameter (by the resolved signature)', () => {
    expect(summary(project.matchText('act(a)'))).toMatchObject({ id: 'core.exp' });
    expect(summary(project.matchText('f(x)'))).toMatchObject({ id: 'core.sqrt', roles: ['array:tensor'] });
  });
  it('chosen between two (a conditional, `??`): the first branch, in source order, whatever the checker resolved first', () => {
    // The union's signature names either declaration depending on the checker's history (#12: the
    // plan and the transformer disagreed); the branches in order give every caller the same answer.
    expect(summary(project.matchText('(flag ? mx.add : mx.subtract)(a, a)'))).toMatchObject({ id: 'core.add' });
    expect(summary(project.matchText('(mx.maximum ?? mx.minimum)(a, a)'))).toMatchObject({ id: 'core.maximum' });
  });
  it('not a call of the user’s own function that takes and returns tensors', () => {
    expect(project.matchText('twice(a)')).toBeUndefined();
  });
  it('compiled activations held in constants', () => {
    expect(summary(project.matchText('relu(a)'))).toMatchObject({ id: 'nn.relu', kind: 'tensor-operation', roles: ['x:tensor'] });
    expect(summary(project.matchText('gelu(a)'))).toMatchObject({ id: 'nn.gelu' });
  });
});

describe('tensors and namespaces', () => {
  const project = createProject({
    'main.ts': `import { core as mx } from '@frost-beta/mlx';
const x = mx.random.normal([2, 2]);
const n = mx.linalg.norm(x);
const f = mx.fft.fft(x);
export const values = [x.sum(0).tolist(), x.item(), x.toString(), x.shape, x.dtype, x.ndim, n, f];
export const first = [...x];
`,
  });

  it('mx.random, mx.linalg, mx.fft', () => {
    expect(summary(project.matchText('mx.random.normal([2, 2])'))).toMatchObject({ id: 'core.random.normal', kind: 'tensor-creation', roles: ['shape:shape'] });
    expect(summary(project.matchText('mx.linalg.norm(x)'))).toMatchObject({ id: 'core.linalg.norm', kind: 'tensor-operation' });
    expect(summary(project.matchText('mx.fft.fft(x)'))).toMatchObject({ id: 'core.fft.fft' });
  });

  it('methods on array instances, with the receiver', () => {
    const sum = project.matchText('x.sum(0)');
    expect(summary(sum)).toMatchObject({ id: 'core.array#sum', kind: 'tensor-operation', roles: ['axis:axis'] });
    expect(sum?.receiver?.getText()).toBe('x');
    expect(summary(project.matchText('x.sum(0).tolist()'))).toMatchObject({ id: 'core.array#tolist', kind: 'data-extraction' });
    expect(summary(project.matchText('x.item()'))).toMatchObject({ id: 'core.array#item', kind: 'data-extraction' });
  });

  it('toString, declared by Object but printing the contents', () => {
    expect(summary(project.matchText('x.toString()'))).toMatchObject({ id: 'core.array#toString', kind: 'data-extraction' });
  });

  it('metadata reads', () => {
    for (const read of ['x.shape', 'x.dtype', 'x.ndim']) {
      expect(summary(project.matchText(read))).toMatchObject({ kind: 'metadata', usage: 'read' });
    }
  });
});

describe('nn.Module subclasses', () => {
  const project = createProject({
    'model.ts': MODEL,
    'main.ts': `import { core as mx, nn, optimizers } from '@frost-beta/mlx';
import { MLP } from './model.js';

class Stack extends nn.Sequential {}

const model = new MLP();
model.loadWeights('weights.safetensors');
const x = mx.ones([1, 4]);
export const y = model.forward(x);
export const z = new Stack(new nn.Linear(4, 4)).forward(x);
export const inherited = model.parameters();
const lossAndGrad = nn.valueAndGrad(model, (input: mx.array) => mx.mean(model.forward(input)));
const [, grads] = lossAndGrad(x);
const optimizer = new optimizers.Adam(0.01);
optimizer.update(model, grads);
model.saveWeights('out.safetensors');
`,
  });

  it('forward on a user model is inference, named after the override', () => {
    expect(summary(project.matchText('model.forward(x)', 'main.ts'))).toEqual({
      id: 'nn.Module#forward',
      member: 'MLP#forward',
      kind: 'inference',
      usage: 'call',
      roles: ['x:tensor'],
    });
  });

  it('forward inside a Module subclass is layer composition', () => {
    expect(summary(project.matchText('this.l1.forward(x)', 'model.ts'))).toMatchObject({
      id: 'nn.Module#forward',
      member: 'nn.Linear#forward',
      kind: 'layer-composition',
    });
  });

  it('an inherited forward (no override) still resolves', () => {
    expect(summary(project.matchText('new Stack(new nn.Linear(4, 4)).forward(x)', 'main.ts'))).toMatchObject({
      id: 'nn.Module#forward',
      kind: 'inference',
    });
  });

  it('loads, saves and other inherited members', () => {
    expect(summary(project.matchText(`model.loadWeights('weights.safetensors')`, 'main.ts'))).toMatchObject({
      id: 'nn.Module#loadWeights',
      kind: 'model-load',
      roles: ['fileOrWeights:path-or-weights'],
    });
    expect(summary(project.matchText(`model.saveWeights('out.safetensors')`, 'main.ts'))).toMatchObject({ id: 'nn.Module#saveWeights', kind: 'model-save' });
    expect(summary(project.matchText('model.parameters()', 'main.ts'))).toMatchObject({ id: 'nn.Module#parameters', kind: 'module-state' });
  });

  it('constructing layers and calling super()', () => {
    expect(summary(project.matchText('new nn.Linear(4, 8)', 'model.ts'))).toMatchObject({ id: 'nn.Linear', kind: 'module-construction', roles: ['inputDims:option', 'outputDims:option'] });
    // A number or a schedule function is a hyper-parameter, not a callback (#13: the plan said "callback").
    expect(summary(project.matchText('new optimizers.Adam(0.01)', 'main.ts'))).toMatchObject({ id: 'optimizers.Adam', roles: ['learningRate:option'] });
    expect(summary(project.matchText('super()', 'model.ts'))).toMatchObject({ id: 'nn.Module', usage: 'construct' });
    expect(project.matchText('new MLP()', 'main.ts')).toBeUndefined();
  });

  it('transforms and optimizers', () => {
    expect(summary(project.matchText('nn.valueAndGrad(model, (input: mx.array) => mx.mean(model.forward(input)))', 'main.ts'))).toMatchObject({
      id: 'nn.valueAndGrad',
      kind: 'transform',
      roles: ['model:module', 'func:callback'],
    });
    expect(summary(project.matchText('optimizer.update(model, grads)', 'main.ts'))).toMatchObject({
      id: 'optimizers.Optimizer#update',
      kind: 'training-update',
      roles: ['model:module', 'gradients:weights'],
    });
    expect(summary(project.matchText('new optimizers.Adam(0.01)', 'main.ts'))).toMatchObject({ id: 'optimizers.Adam', kind: 'module-construction' });
  });
});

describe('look-alikes are not MLX', () => {
  const project = createProject({
    'main.ts': `import { core } from '@frost-beta/mlx';
function load(path: string): string { return path; }
const mx = { load: (path: string) => path, shape: [1, 2] };
class Model { forward(x: number): number { return x; } }
const service = { forward: (x: number) => x + 1 };
export const results = [load('w.safetensors'), mx.load('w.safetensors'), mx.shape, new Model().forward(1), service.forward(1), core.ones([1]).shape];
`,
  });

  it('a user function named load', () => {
    expect(project.matchText(`load('w.safetensors')`)).toBeUndefined();
  });
  it('a load method on a user object named mx', () => {
    expect(project.matchText(`mx.load('w.safetensors')`)).toBeUndefined();
  });
  it('a shape property on a user object', () => {
    expect(project.matchText('mx.shape')).toBeUndefined();
  });
  it('forward on classes and objects unrelated to nn.Module', () => {
    expect(project.matchText('new Model().forward(1)')).toBeUndefined();
    expect(project.matchText('service.forward(1)')).toBeUndefined();
  });
  it('while the real one next to them matches', () => {
    expect(summary(project.matchText('core.ones([1]).shape'))).toMatchObject({ id: 'core.array#shape', kind: 'metadata' });
  });
});

describe('optional calls, element access and spreads', () => {
  const project = createProject({
    'main.ts': `import { core as mx } from '@frost-beta/mlx';
const maybe: mx.array | undefined = mx.ones([2]);
const shape: number[] = [2, 2];
export const results = [maybe?.tolist(), mx['zeros'](shape), mx.reshape(mx.ones([4]), ...shape)];
`,
  });

  it('optional call on a possibly undefined tensor', () => {
    expect(summary(project.matchText('maybe?.tolist()'))).toMatchObject({ id: 'core.array#tolist' });
  });
  it('element access with a string literal', () => {
    expect(summary(project.matchText(`mx['zeros'](shape)`))).toMatchObject({ id: 'core.zeros', roles: ['shape:shape'] });
  });
  it('spread arguments bind to the rest parameter', () => {
    expect(summary(project.matchText('mx.reshape(mx.ones([4]), ...shape)'))).toMatchObject({
      id: 'core.reshape',
      roles: ['array:tensor', 'shape:shape...'],
    });
  });
});
