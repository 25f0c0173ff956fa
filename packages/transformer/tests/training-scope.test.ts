import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { compile, runScript as run, scratchDirectory } from './compile.js';

// Issue #13, point 6: a call of a function that a gradient transform returned (`lossAndGrad(x,
// y)`) runs as a training scope, `__mlxa.training(() => lossAndGrad(x, y))`, so that the forward
// passes it runs are labelled training wherever they are written. The wrapped call must observe
// what it observed as written: values, exceptions, `this`, `super`, `arguments`, `new.target` and
// the order of evaluation, on real MLX, against the uninstrumented build.

const PROGRAM = `import { core as mx, nn } from '@frost-beta/mlx';
const out: Record<string, unknown> = {};
const attempt = (label: string, run: () => unknown): void => {
  try { out[label] = run(); } catch (error) { out[label] = ['threw', (error as Error).constructor.name, (error as Error).message]; }
};
const order: string[] = [];
const tap = <T>(label: string, value: T): T => { order.push(label); return value; };
const list = (value: any): unknown => (Array.isArray(value) ? value.map(list) : value instanceof mx.array ? mx.round(value, 4).tolist() : value);

class Doubler extends nn.Module {
  layer = new nn.Linear(2, 1);
  forward(x: mx.array): mx.array { return this.layer.forward(x); }
}
mx.random.seed(7);
const model = new Doubler();
const x = mx.array([[1, 2], [3, 4]]);
const y = mx.array([[1], [0]]);

// The loss measures validation too: lexically, its forward pass is not only training.
function loss(inputs: mx.array, targets: mx.array): mx.array { return nn.losses.mseLoss(model.forward(inputs), targets, 'mean'); }
const lossAndGrad = nn.valueAndGrad(model, loss);
const square = mx.grad((w: mx.array) => mx.sum(mx.square(w)));
const failing = mx.grad((w: mx.array): mx.array => { throw new RangeError('inside the transformed function'); });
const secondOrder = mx.grad(mx.grad((w: mx.array) => mx.sum(mx.multiply(w, mx.multiply(w, w)))));
const valueAndGrad = mx.valueAndGrad((a: mx.array, b: mx.array) => mx.sum(mx.multiply(a, b)));

attempt('validation before', () => list(loss(x, y)));
attempt('return value', () => list(lossAndGrad(x, y)[0]));
attempt('grad', () => list(square(mx.array([1, 2, 3]))));
attempt('throws inside', () => failing(mx.array([1])));
attempt('throws in an argument', () => square(tap('argument', (() => { throw new TypeError('argument'); })())));
attempt('transform of no function', () => list((mx.grad as any)(42)(x)));
attempt('second order', () => list(secondOrder(mx.array([1, 2]))));
attempt('called at once', () => list(mx.grad((w: mx.array) => mx.sum(mx.multiply(w, 3)))(mx.array([1, 1]))));
attempt('order', () => [list(valueAndGrad(tap('a', mx.array([1, 2])), tap('b', mx.array([3, 4])))), tap('after', 0), order.splice(0)]);
attempt('order around', () => [tap('before', 1), list(square(tap('argument', mx.array([2])))), tap('after', 2), order.splice(0)]);
attempt('optional call', () => list(square?.(mx.array([5]))));
attempt('optional call in a chain', () => square?.(mx.array([5])).tolist());
// Not a training scope: not initialised with a gradient transform (a forward pass there is inference).
const maybe: typeof square | undefined = Math.random() < 2 ? square : undefined;
const absent: typeof square | undefined = Math.random() > 2 ? square : undefined;
attempt('optional call, not a transform', () => list(maybe?.(mx.array([5]))));
attempt('optional call absent, not a transform', () => absent?.(mx.array([5])).tolist());

class Base { base(): number { return 10; } }
class Trainer extends Base {
  scale = 3;
  readonly step = mx.grad((w: mx.array) => mx.sum(mx.multiply(w, this.scale)));
  run(w: mx.array): unknown { return [this instanceof Trainer, list(this.step(w)), list(square(mx.array([this.scale, super.base()])))]; }
  arrow = (w: mx.array): unknown => [this.scale, list(square(mx.multiply(w, this.scale)))];
  withArguments(...rest: mx.array[]): unknown { return [arguments.length, list(square(arguments[0]))]; }
}
const trainer = new Trainer();
attempt('this in a method', () => trainer.run(mx.array([1, 2])));
attempt('this in a class field arrow', () => trainer.arrow(mx.array([1])));
attempt('arguments', () => trainer.withArguments(mx.array([4]), mx.array([5])));
attempt('unbound method', () => { const run = trainer.run; return run(mx.array([1])); });
function Made(this: any, w: mx.array) { this.grad = list(square(w)); this.target = new.target === Made; }
attempt('new.target', () => { const made = new (Made as any)(mx.array([6])); return [made.grad, made.target]; });
attempt('sloppy this', () => (function (this: any) { return [typeof this, list(square(mx.array([1])))]; }).call(7));

async function later(w: Promise<mx.array>): Promise<unknown> { return list(square(await w)); }
function* steps(): Generator<unknown, void, mx.array> { const w = yield 'first'; yield list(square(yield w)); }
attempt('validation after', () => list(loss(x, y)));

async function main(): Promise<void> {
  out.await = await later(Promise.resolve(mx.array([3])));
  const generator = steps();
  out.yield = [generator.next().value, list(generator.next(mx.array([1])).value), list(generator.next(mx.array([2])).value)];
  out.async = await Promise.resolve().then(() => list(lossAndGrad(x, y)[0]));
  console.log(JSON.stringify(out));
}
void main();
`;

describe('calls of functions a gradient transform returned run as training scopes (issue #13, point 6)', () => {
  const directory = scratchDirectory('.training-scope');
  const plain = compile({ 'main.ts': PROGRAM }, { instrument: false });
  const audited = compile({ 'main.ts': PROGRAM });
  const js = audited.js['main.js'] ?? '';
  writeFileSync(join(directory, 'plain.js'), plain.js['main.js'] ?? '');
  writeFileSync(join(directory, 'audited.js'), js);
  const expected = run(join(directory, 'plain.js'));
  const subscribed = run(join(directory, 'audited.js'), { MLX_AUDIT_SINK: 'stderr' });
  const unsubscribed = run(join(directory, 'audited.js'), { MLX_AUDIT_SINK: 'off' });
  const values = (stdout: string): Record<string, unknown> => JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}') as Record<string, unknown>;

  it('builds with no diagnostic and wraps the calls an arrow keeps as they are, and no other', () => {
    expect(audited.diagnostics.map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'))).toEqual([]);
    // Every call of a transformed function but those with `await` or `yield` in them, and the
    // optional call that continues a chain (which must short-circuit whole).
    expect(js.match(/\.training\(\(\) =>/g)).toHaveLength(17);
    const unwrapped = js.split('\n').filter((line) => /square\((await|yield) w\)/.test(line));
    expect(unwrapped).toHaveLength(2);
    for (const line of unwrapped) expect(line).not.toContain('training(');
    expect(js).not.toMatch(/training\(\(\) => square\?\.\(.*\)\.tolist\(\)/);
    expect(js).not.toMatch(/training\(\(\) => (maybe|absent)/);
  });

  it('gives the same values, exceptions, `this`, `super`, `arguments`, `new.target` and order, subscribed or not', () => {
    expect(expected.status, expected.stderr).toBe(0);
    const want = values(expected.stdout);
    expect(want['throws inside']).toEqual(['threw', 'RangeError', 'inside the transformed function']);
    expect(want['throws in an argument']).toEqual(['threw', 'TypeError', 'argument']);
    expect((want.order as unknown[])[2]).toEqual(['a', 'b', 'after']);
    expect((want['this in a method'] as unknown[])[0]).toBe(true);
    expect(want['new.target']).toEqual([[12], true]);
    expect(want['optional call absent, not a transform']).toBeUndefined();
    for (const got of [subscribed, unsubscribed]) {
      expect(got.status, got.stderr).toBe(0);
      expect(values(got.stdout)).toEqual(want);
    }
  });

  it('labels the forward passes run inside a training scope `training`, the same site outside it `inference`', () => {
    const forward = subscribed.stderr
      .split('\n')
      .filter((line) => line.startsWith('{') && line.includes('"nn.Module#forward"'))
      .map((line) => JSON.parse(line) as Record<string, unknown>)
      .filter((event) => event['code.function'] === 'loss')
      .sort((a, b) => Number(a['event.sequence']) - Number(b['event.sequence']));
    // Validation, a training step, the throws in between, validation, a training step after an await.
    expect(forward.map((event) => [event['gen_ai.operation.name'], event['mlx.phase']])).toEqual([
      ['inference', undefined],
      ['training', 'training'],
      ['inference', undefined],
      ['training', 'training'],
    ]);
  });
});
