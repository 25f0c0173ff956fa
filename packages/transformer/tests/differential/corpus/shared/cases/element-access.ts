import { core as mx, nn } from '@frost-beta/mlx';
import { group, trail } from '../harness.js';
import { seededLinear } from './member.js';

// `receiver['name'](args)`: string literal keys, computed keys, keys with side effects.
export default group('element access', {
  "mx['add']": () => mx['add'](1, 2),
  "mx['random']['uniform'], seeded": () => {
    mx['random']['seed'](11);
    return mx['random']['uniform'](0, 1, [2]);
  },
  "x['sum']()": () => mx.array([1, 2, 3])['sum'](),
  "x['reshape'](...)['tolist']()": () => mx.arange(4)['reshape'](2, 2)['tolist'](),
  "model['forward'](x)": () => seededLinear(8)['forward'](mx.ones([1, 2])),
  'computed key from a variable': () => {
    const name = 'multiply' as const;
    return mx[name](mx.array([2]), 3);
  },
  'computed key from a template literal': () => {
    const op = 'sub';
    return mx[`${op}tract` as 'subtract'](5, 2);
  },
  'computed key from a conditional': () => {
    const big = true;
    return mx[big ? 'maximum' : 'minimum'](mx.array([1, 5]), mx.array([4, 2]));
  },
  'computed key with side effects: receiver, key, then arguments': () => {
    const { log, tap } = trail();
    const result = tap('receiver', mx)[tap('key', 'add')](tap('a', 1), tap('b', 2));
    return [result, log];
  },
  'key object with toString: converted once, before the arguments': () => {
    const { log, tap } = trail();
    const key = { toString: () => tap('key converted', 'add') } as unknown as 'add';
    const result = mx[key](tap('a', 1), tap('b', 2));
    return [result, log];
  },
  'numeric-looking element of a list of functions': () => {
    const ops = [mx.add, mx.subtract] as const;
    return ops[1](10, 4);
  },
  'element access on a record of layers': () => {
    mx.random.seed(9);
    const layers: Record<string, nn.Module & { forward(x: mx.array): mx.array }> = { first: new nn.Linear(2, 1) };
    return layers['first'].forward(mx.ones([1, 2]));
  },
  'symbol-keyed iterator of an array': () => {
    const rows = mx.array([[1, 2], [3, 4]]);
    const iterator = rows[Symbol.iterator]();
    return [iterator.next().value, iterator.next().value, iterator.next().done];
  },
  "mx['checkpoint'], declared but absent: TypeError": () => mx['checkpoint']((x: mx.array) => x)(mx.ones([1])),
  "x['nope' as 'sum'](): TypeError": () => mx.ones([2])['nope' as 'sum'](),
});
