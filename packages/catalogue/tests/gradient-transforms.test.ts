import { join } from 'node:path';
import * as ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { createDifferentiation, GRADIENT_TRANSFORMS, MLX_CATALOGUE } from '../src/index.js';
import { createProject, VIRTUAL_ROOT } from './project.js';

// Each forward call is told apart by the comment in its arguments.
const TRAINING = `import { core as mx, nn } from '@frost-beta/mlx';

class Net extends nn.Module {
  layer = new nn.Linear(2, 1);
  override forward(x: mx.array): mx.array { return this.layer.forward(x /* layer */); }
  step(x: mx.array) {
    const inner = () => mx.sum(this.layer.forward(x /* composed in training */));
    return nn.valueAndGrad(this, inner)();
  }
}
const model = new Net();
const x = mx.ones([4, 2]);

// Given to a gradient transform inline, or by a name of this file.
nn.valueAndGrad(model, (input: mx.array) => mx.mean(model.forward(input /* inline */)));
const loss = (input: mx.array) => mx.mean(model.forward(input /* const */));
mx.valueAndGrad(loss);
function gradOnly(input: mx.array) { return mx.sum(model.forward(input /* declaration */)); }
mx.grad((gradOnly), 0);
mx.vjp((input: mx.array) => model.forward(input /* vjp */), [x], [x]);

// Called only from differentiated functions: a loss function's helper, two callers up.
function predictions(input: mx.array) { return model.forward(input /* helper */); }
function twice(input: mx.array) { return mx.add(predictions(input), predictions(input)); }
nn.valueAndGrad(model, (input: mx.array) => mx.sum(twice(input)));

// Not training.
model.forward(x /* module level */);
function serve(input: mx.array) { return model.forward(input /* serve */); }
serve(x);
function both(input: mx.array) { return mx.sum(model.forward(input /* also served */)); }
mx.grad(both);
both(x);
export function exported(input: mx.array) { return mx.sum(model.forward(input /* exported */)); }
mx.grad(exported);
function handedOn(input: mx.array) { return mx.sum(model.forward(input /* handed on */)); }
const table = { handedOn };
mx.grad(handedOn);
mx.compile((input: mx.array) => model.forward(input /* compiled */));
nn.checkpoint(model, (input: mx.array) => model.forward(input /* checkpointed */));
const valueAndGrad = (fn: (input: mx.array) => mx.array) => fn;
valueAndGrad((input: mx.array) => model.forward(input /* not mlx */));
function level4(input: mx.array) { return model.forward(input /* too deep */); }
function level3(input: mx.array) { return level4(input); }
function level2(input: mx.array) { return level3(input); }
function level1(input: mx.array) { return level2(input); }
function level0(input: mx.array) { return level1(input); }
mx.grad(level0);
export { table };
`;

describe('gradient transforms', () => {
  it('are the bindings that differentiate the function they are given, as marked in the catalogue', () => {
    expect([...GRADIENT_TRANSFORMS].sort()).toEqual(['core.grad', 'core.jvp', 'core.valueAndGrad', 'core.vjp', 'nn.valueAndGrad']);
    // They run their function as it is.
    for (const id of ['core.compile', 'core.vmap', 'core.checkpoint', 'nn.checkpoint']) expect(MLX_CATALOGUE[id]?.differentiates).toBeUndefined();
  });
});

describe('which forward passes are training, lexically', () => {
  const project = createProject({ 'train.ts': TRAINING }, { compilerOptions: { strict: false } });
  const sourceFile = project.program.getSourceFile(join(VIRTUAL_ROOT, 'train.ts'));
  const differentiation = createDifferentiation(ts, project.program.getTypeChecker(), project.matcher);
  const phases = new Map<string, string>();
  const visit = (node: ts.Node): void => {
    const match = ts.isCallExpression(node) ? project.matcher.match(node) : undefined;
    const label = /\/\* (.+) \*\//.exec(node.getText())?.[1];
    if (match?.id === 'nn.Module#forward' && label !== undefined) phases.set(label, `${match.kind}: ${differentiation.phaseOf(node, match.kind) ?? '-'}`);
    ts.forEachChild(node, visit);
  };
  if (sourceFile !== undefined) visit(sourceFile);

  it('a forward pass in a function given to a gradient transform, or only called from one, is training', () => {
    expect(Object.fromEntries(phases)).toEqual({
      layer: 'layer-composition: -',
      'composed in training': 'layer-composition: training',
      inline: 'inference: training',
      const: 'inference: training',
      declaration: 'inference: training',
      vjp: 'inference: training',
      helper: 'inference: training',
      'module level': 'inference: -',
      serve: 'inference: -',
      'also served': 'inference: -',
      exported: 'inference: -',
      'handed on': 'inference: -',
      compiled: 'inference: -',
      checkpointed: 'inference: -',
      'not mlx': 'inference: -',
      'too deep': 'inference: -',
    });
  });

  it('only forward passes have a phase: other calls in training code have none', () => {
    let sum: ts.CallExpression | undefined;
    const find = (node: ts.Node): void => {
      if (ts.isCallExpression(node) && node.getText() === 'mx.mean(model.forward(input /* const */))') sum = node;
      ts.forEachChild(node, find);
    };
    if (sourceFile !== undefined) find(sourceFile);
    expect(sum).toBeDefined();
    if (sum === undefined) return;
    expect(differentiation.inDifferentiated(sum)).toBe(true);
    expect(differentiation.phaseOf(sum, 'tensor-operation')).toBeUndefined();
  });
});

// Each call is told apart by the comment in its arguments.
const STEPS = `import { core as mx, nn } from '@frost-beta/mlx';

export class Net extends nn.Module {
  layer = new nn.Linear(2, 1);
  override forward(x: mx.array): mx.array { return this.layer.forward(x); }
}
export const model = new Net();
export const loss = (input: mx.array) => mx.mean(model.forward(input));
export const lossAndGrad = nn.valueAndGrad(model, loss);
`;

const CALLS = `import { core as mx, nn } from '@frost-beta/mlx';
import { lossAndGrad as imported, loss, model } from './steps.js';
import * as steps from './steps.js';

const x = mx.ones([4, 2]);
const g = mx.grad(loss);
const vg = (mx.valueAndGrad(loss));
const twice = mx.grad(mx.grad((v: mx.array) => mx.sum(mx.square(v))));
const compiled = mx.compile(loss);
let reassignable = mx.grad(loss);
const copy = g;
function take(fn: (input: mx.array) => mx.array) { return fn; }

class Trainer {
  readonly step = nn.valueAndGrad(model, loss);
  mutable = nn.valueAndGrad(model, loss);
  run() { return [this.step(x /* readonly property */), this.mutable(x /* mutable property */)]; }
}

g(x /* const grad */);
vg(x /* parenthesised initialiser */);
(g as typeof g)(x /* callee as */);
imported(x /* imported */);
steps.lossAndGrad(x /* namespace import */);
twice(x /* nested */);
mx.grad(loss)(x /* called at once */);
nn.valueAndGrad(model, loss)(x /* nn, at once */);
new Trainer().run();

compiled(x /* compiled */);
reassignable(x /* let */);
copy(x /* const of a const */);
take(loss)(x /* not a transform */);
loss(x /* the loss itself */);
mx.grad(loss);
`;

describe('calls of a function that a gradient transform returned: training scopes', () => {
  const project = createProject({ 'steps.ts': STEPS, 'calls.ts': CALLS }, { compilerOptions: { strict: false } });
  const sourceFile = project.program.getSourceFile(join(VIRTUAL_ROOT, 'calls.ts'));
  const differentiation = createDifferentiation(ts, project.program.getTypeChecker(), project.matcher);
  const scopes = new Map<string, boolean>();
  const visit = (node: ts.Node): void => {
    // The label in the call's own parentheses, not in its callee's.
    const label = ts.isCallExpression(node) ? /^\([^()]*\/\* (.+) \*\/\)$/.exec(node.getText().slice(node.expression.getEnd() - node.getStart()))?.[1] : undefined;
    if (label !== undefined && ts.isCallExpression(node)) scopes.set(label, differentiation.callsTransformed(node));
    ts.forEachChild(node, visit);
  };
  if (sourceFile !== undefined) visit(sourceFile);

  it('are calls of a const or readonly binding initialised with a gradient transform, in the file or imported, or of the transform at once', () => {
    expect(Object.fromEntries(scopes)).toEqual({
      'readonly property': true,
      'mutable property': false,
      'const grad': true,
      'parenthesised initialiser': true,
      'callee as': true,
      imported: true,
      'namespace import': true,
      nested: true,
      'called at once': true,
      'nn, at once': true,
      compiled: false,
      let: false,
      'const of a const': false,
      'not a transform': false,
      'the loss itself': false,
    });
  });

  it('name the transform they run, whose entry says what the function gives (valueAndGrad: a metric and gradients)', () => {
    const transforms = new Map<string, string | undefined>();
    const collect = (node: ts.Node): void => {
      const label = ts.isCallExpression(node) ? /^\([^()]*\/\* (.+) \*\/\)$/.exec(node.getText().slice(node.expression.getEnd() - node.getStart()))?.[1] : undefined;
      if (label !== undefined && ts.isCallExpression(node)) transforms.set(label, differentiation.transformOf(node)?.id);
      ts.forEachChild(node, collect);
    };
    if (sourceFile !== undefined) collect(sourceFile);
    expect(Object.fromEntries([...transforms].filter(([, id]) => id !== undefined))).toEqual({
      'readonly property': 'nn.valueAndGrad',
      'const grad': 'core.grad',
      'parenthesised initialiser': 'core.valueAndGrad',
      'callee as': 'core.grad',
      imported: 'nn.valueAndGrad',
      'namespace import': 'nn.valueAndGrad',
      nested: 'core.grad',
      'called at once': 'core.grad',
      'nn, at once': 'nn.valueAndGrad',
    });
    for (const [label, id] of transforms) expect(id !== undefined).toBe(scopes.get(label));
  });

  it('the call of the transform itself is no training scope: it only makes the function', () => {
    let transform: ts.CallExpression | undefined;
    const find = (node: ts.Node): void => {
      if (ts.isCallExpression(node) && node.getText() === 'mx.grad(loss)' && ts.isExpressionStatement(node.parent)) transform = node;
      ts.forEachChild(node, find);
    };
    if (sourceFile !== undefined) find(sourceFile);
    expect(transform).toBeDefined();
    if (transform !== undefined) expect(differentiation.callsTransformed(transform)).toBe(false);
  });
});
