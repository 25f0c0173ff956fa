import { core as mx, nn } from '@frost-beta/mlx';
import { group, some } from '../harness.js';
import { Recorder } from './optional.js';

function withThis<T>(call: (model: Recorder, other: Recorder) => T): { result: T; self: string[] } {
  Recorder.seen = [];
  const model = new Recorder();
  const other = new Recorder();
  const result = call(model, other);
  return { result, self: Recorder.seen.map((seen) => (seen === model ? 'model' : seen === other ? 'other' : String(seen))) };
}

// Function.prototype.call/apply/bind and Reflect.apply on MLX functions and methods: `this` is
// whatever they are given.
export default group('call apply bind', {
  'mx.add.call(mx, a, b)': () => mx.add.call(mx, 1, 2),
  'mx.add.call(undefined, a, b)': () => mx.add.call(undefined, 1, 2),
  'mx.add.apply(null, [a, b])': () => mx.add.apply(null, [1, 2]),
  'mx.add.bind(mx, a)(b)': () => mx.add.bind(mx, 10)(5),
  'mx.add.call(mx, ...[a, b])': () => mx.add.call(mx, ...([3, 4] as const)),
  'model.forward.call(model, x)': () => withThis((model) => model.forward.call(model, mx.ones([1]))),
  'model.forward.call(other, x)': () => withThis((model, other) => model.forward.call(other, mx.ones([1]))),
  'model.forward.apply(model, [x])': () => withThis((model) => model.forward.apply(model, [mx.ones([1])])),
  'model.forward.bind(model)(x)': () => withThis((model) => model.forward.bind(model)(mx.ones([1]))),
  'model.forward.bind(other) called on model': () => withThis((model, other) => {
    const bound = model.forward.bind(other);
    return bound.call(model, mx.ones([1]));
  }),
  'Reflect.apply(mx.add, mx, [a, b])': () => Reflect.apply(mx.add, mx, [1, 2]),
  'Reflect.apply(model.forward, model, [x])': () => withThis((model) => Reflect.apply(model.forward, model, [mx.ones([1])])),
  'Reflect.apply(x.sum, x, [])': () => {
    const x = mx.array([1, 2, 3]);
    return Reflect.apply(x.sum, x, []);
  },
  'Function.prototype.call.call(model.forward, model, x)': () => withThis((model) => Function.prototype.call.call(model.forward, model, mx.ones([1]))),
  'Function.prototype.apply.call(mx.add, mx, [a, b])': () => Function.prototype.apply.call(mx.add, mx, [6, 7]),
  'x.sum.call(another array)': () => mx.array([1, 2]).sum.call(mx.array([10, 20])),
  'x.sum.call(undefined): TypeError': () => mx.array([1, 2]).sum.call(undefined),
  'mx.add.call?.(mx, a, b)': () => mx.add.call?.(mx, 1, 1),
  'model?.forward.call(model, x)': () => withThis((model) => some(model)?.forward.call(model, mx.ones([1]))),
  'a bound MLX function: name and length': () => {
    const bound = mx.add.bind(mx, 1);
    return [bound.name, bound.length, bound(2)];
  },
  'Reflect.construct(nn.Linear, [2, 3]), seeded': () => {
    mx.random.seed(31);
    const layer = Reflect.construct(nn.Linear, [2, 3]) as nn.Linear;
    return [layer.constructor.name, layer.weight.shape];
  },
  'mx.vmap of a bound method': () => withThis((model) => mx.vmap(model.forward.bind(model))(mx.ones([2, 1]))),
});
