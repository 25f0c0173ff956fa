import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { compile, runScript as run, scratchDirectory } from './compile.js';

// Issue #12, defects 1 to 3, each as it was observed: a program built with and without the
// transformer, run on real MLX, must observe the same `this`, the same `Function.length`, and the
// same short-circuits, and every MLX call of it must be audited.

const PROGRAM = `import { core as mx, nn } from '@frost-beta/mlx';
const out: Record<string, unknown> = {};
const attempt = (label: string, run: () => unknown): void => {
  try { out[label] = run(); } catch (error) { out[label] = ['threw', (error as Error).constructor.name]; }
};

class Doubler extends nn.Module {
  factor = 2;
  forward(x: mx.array): mx.array { return mx.multiply(x, this.factor); }
}
const model = new Doubler();
const x = mx.array([1, 2]);

// 1. Parenthesised callees keep \`this\`; comma and assignment forms drop it.
attempt('paren member', () => (model.forward)(x).tolist());
attempt('double paren member', () => ((model.forward))(x).tolist());
attempt('paren as', () => ((model as any).forward as any)(x).tolist());
attempt('paren element', () => (model['forward'])(x).tolist());
attempt('paren namespace', () => (mx.add)(x, x).tolist());
attempt('comma drops this', () => (0, model.forward)(x));
let held: unknown;
attempt('assignment drops this', () => (held = model.forward)(x));

// 2. Function.length, name and default evaluation order with MLX calls in defaults.
const order: string[] = [];
const mark = <T>(label: string, value: T): T => { order.push(label); return value; };
function withDefault(a: unknown, b = mx.ones([1]).item(), c = mark('c', 3)) { return [a, b, c]; }
const arrowDefault = (a: unknown, b = mx.zeros([2]).sum().item()) => [a, b];
async function asyncDefault(a: unknown, b = mx.ones([1]).item()) { return [a, b]; }
function* generatorDefault(a: unknown, b = mx.ones([1]).item()) { yield [a, b]; }
function destructured({ p = mx.ones([1]).item() } = {}, ...rest: unknown[]) { return [p, rest.length]; }
class WithMethod { method(a: unknown, b = mx.ones([2]).sum().item()) { return [a, b, this instanceof WithMethod]; } }
function thisInDefault(this: unknown, a = this) { return a === undefined ? 'undefined' : typeof a; }
function argumentsInDefault(a: unknown, b = arguments.length) { return b; }
out.lengths = [withDefault.length, arrowDefault.length, asyncDefault.length, generatorDefault.length, destructured.length, WithMethod.prototype.method.length, thisInDefault.length];
out.names = [withDefault.name, arrowDefault.name, asyncDefault.name, generatorDefault.name, destructured.name];
out.defaults = [withDefault(1), withDefault(1, 5, mark('given', 7)), withDefault(1, undefined, undefined), arrowDefault(2), destructured(), destructured({ p: 9 }, 1, 2), new WithMethod().method(0)];
out.order = order.slice();
out.thisInDefault = [thisInDefault.call({}), argumentsInDefault(1)];
out.generator = [...generatorDefault(4)];

// 3. Calls inside longer optional chains: audited, and short-circuiting as written.
let evaluated = 0;
const arg = (): mx.array => { evaluated++; return x; };
const maybe: { model: Doubler } | undefined = Math.random() < 2 ? { model } : undefined;
const nothing: { model: Doubler } | undefined = Math.random() > 2 ? { model } : undefined;
const cfg: { weights: mx.array } | null = Math.random() < 2 ? { weights: mx.arange(4) } : null;
const none: { weights: mx.array } | null = Math.random() > 2 ? { weights: mx.arange(4) } : null;
const tensor: mx.array | undefined = Math.random() < 2 ? x : undefined;
const absent: mx.array | undefined = Math.random() > 2 ? x : undefined;
attempt('chain present', () => maybe?.model.forward(arg()).sum().item());
attempt('chain absent', () => nothing?.model.forward(arg()).sum().item());
attempt('reshape present', () => cfg?.weights.reshape([2, 2]).tolist());
attempt('reshape absent', () => none?.weights.reshape([2, 2]).tolist());
attempt('sum item present', () => tensor?.sum().item());
attempt('sum item absent', () => absent?.sum().item());
attempt('optional call in chain', () => maybe?.model.forward?.(arg()).tolist());
attempt('element in chain', () => maybe?.['model'].forward(arg()).tolist());
attempt('non-null in chain', () => maybe?.model!.forward(arg()).tolist());
attempt('call then optional member', () => mx.ones([2])?.sum().item());
attempt('parenthesised chain callee', () => (maybe?.model.forward)(x).tolist());
attempt('parenthesised chain callee absent', () => (nothing?.model.forward)(x));
attempt('parenthesised chain call', () => (maybe?.model.forward(x).sum)().item());
attempt('nested chains', () => maybe?.model.forward(cfg?.weights.reshape([4]).sum().reshape([1]) ?? x).tolist());
out.evaluated = evaluated;
attempt('delete through chain', () => { const o: { a?: { b: number } } | undefined = { a: { b: 1 } }; return delete o?.a; });
console.log(JSON.stringify(out));
`;

describe('the observable behaviour of instrumented calls (issue #12, defects 1 to 3)', () => {
  const directory = scratchDirectory('.fidelity');
  const plain = compile({ 'main.ts': PROGRAM }, { instrument: false });
  // Every kind in event mode, so that every instrumented call writes an event.
  const everyKind = Object.fromEntries(['tensor-operation', 'tensor-creation', 'layer-composition', 'data-extraction', 'inference'].map((kind) => [kind, 'event']));
  const audited = compile({ 'main.ts': PROGRAM }, { config: { kinds: everyKind } });
  writeFileSync(join(directory, 'plain.js'), plain.js['main.js'] ?? '');
  writeFileSync(join(directory, 'audited.js'), audited.js['main.js'] ?? '');
  const expected = run(join(directory, 'plain.js'));
  const subscribed = run(join(directory, 'audited.js'));
  const unsubscribed = run(join(directory, 'audited.js'), { MLX_AUDIT_SINK: 'off' });
  const values = (stdout: string): Record<string, unknown> => JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}') as Record<string, unknown>;

  it('builds with no diagnostic: nothing is left uninstrumented', () => {
    expect(audited.diagnostics.map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'))).toEqual([]);
  });

  it('1: a parenthesised callee keeps `this`; comma and assignment forms drop it, as written', () => {
    expect(expected.status).toBe(0);
    const want = values(expected.stdout);
    expect(want['paren member']).toEqual([2, 4]);
    expect(want['comma drops this']).toEqual(['threw', 'TypeError']);
    for (const got of [values(subscribed.stdout), values(unsubscribed.stdout)]) {
      for (const label of ['paren member', 'double paren member', 'paren as', 'paren element', 'paren namespace', 'comma drops this', 'assignment drops this']) {
        expect([label, got[label]]).toEqual([label, want[label]]);
      }
    }
  });

  it('2: Function.length, names and defaults (values, order, this, arguments) are unchanged', () => {
    const want = values(expected.stdout);
    expect(want.lengths).toEqual([1, 1, 1, 1, 0, 1, 0]);
    for (const got of [values(subscribed.stdout), values(unsubscribed.stdout)]) {
      for (const key of ['lengths', 'names', 'defaults', 'order', 'thisInDefault', 'generator']) expect([key, got[key]]).toEqual([key, want[key]]);
    }
  });

  it('3: calls inside longer optional chains give the same values and short-circuits', () => {
    const want = values(expected.stdout);
    expect(want['chain absent']).toBeUndefined();
    expect(want.evaluated).toBe(4);
    for (const got of [values(subscribed.stdout), values(unsubscribed.stdout)]) expect(got).toEqual(want);
  });

  it('3: and they are audited', () => {
    const actions = subscribed.stderr
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => (JSON.parse(line) as Record<string, unknown>)['mlx.callee']);
    // Callees as V8 names them in its errors: a call as `f(...)`, `o['k']` as `o.k`.
    for (const callee of ['maybe?.model.forward', 'maybe?.model.forward(...).sum', 'cfg?.weights.reshape', 'tensor?.sum', 'tensor?.sum(...).item']) expect(actions).toContain(callee);
    // Present, optional call, element, non-null, nested and inside a parenthesised callee: each forward is audited;
    // the three calls of a parenthesised chain are named as V8 names them.
    expect(actions.filter((callee) => callee === 'maybe?.model.forward')).toHaveLength(6);
    expect(actions.filter((callee) => callee === '(intermediate value)')).toHaveLength(3);
  });
});
