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
