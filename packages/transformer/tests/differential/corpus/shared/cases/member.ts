import { core as mx, nn, optimizers, utils } from '@frost-beta/mlx';
import { group } from '../harness.js';

/** A seeded layer: its weights are the same in every run. */
export function seededLinear(seed: number, inputs = 2, outputs = 2): nn.Linear {
  mx.random.seed(seed);
  return new nn.Linear(inputs, outputs);
}

// Plain `receiver.method(args)` calls: namespaces, arrays, modules, optimizers, utilities.
export default group('member', {
  'mx.add of scalars': () => mx.add(1, 2),
  'mx.multiply of arrays': () => mx.multiply(mx.array([1, 2]), mx.array([3, 4])),
  'mx.random.uniform, seeded (nested namespace)': () => {
    mx.random.seed(7);
    return mx.random.uniform(0, 1, [3]);
  },
  'mx.linalg.norm': () => mx.linalg.norm(mx.array([3, 4])),
  'x.sum().item()': () => mx.array([1, 2, 3]).sum().item(),
  'a chain of array methods': () => mx.arange(6).reshape(2, 3).transpose().sum(0),
  'x.astype then dtype': () => String(mx.array([1.7]).astype(mx.int32).dtype),
  'x.at(0).add(5)': () => mx.array([1, 2, 3]).at(0).add(5),
  'x.index(1)': () => mx.array([4, 5, 6]).index(1),
  'method of an array element': () => {
    const arrays = [mx.ones([2]), mx.zeros([2])];
    return arrays[0].sum().item();
  },
  'mx.divmod returns a pair': () => mx.divmod(mx.array([7, 8]), 3),
  'mx.split returns a list': () => mx.split(mx.arange(6), 3).map((part) => part.tolist()),
  // Declared as a pair, but MLX 0.0.7 returns one array.
  'mx.topk': () => mx.sort(mx.topk(mx.array([3, 1, 4, 1, 5]), 2) as unknown as mx.array),
  'mx.eval returns undefined': () => mx.eval(mx.ones([2]), [mx.zeros([1])], { a: mx.ones([1]) }),
  'model.forward': () => seededLinear(1).forward(mx.ones([1, 2])),
  'model.parameters keys': () => Object.keys(seededLinear(1).parameters()),
  'model.eval() returns the model': () => {
    const model = seededLinear(1);
    return [model.eval() === model, model.training];
  },
  'model.freeze().trainableParameters()': () => Object.keys(seededLinear(1).freeze().trainableParameters()),
  'sequential forward': () => {
    mx.random.seed(2);
    return new nn.Sequential(new nn.Linear(2, 3), new nn.ReLU(), new nn.Linear(3, 1)).forward(mx.ones([1, 2]));
  },
  'nn.losses.mseLoss': () => nn.losses.mseLoss(mx.array([1, 2]), mx.array([0, 0])),
  'nn.valueAndGrad': () => {
    const model = seededLinear(3, 2, 1);
    const step = nn.valueAndGrad(model, (x: mx.array) => mx.sum(model.forward(x)));
    const [value, grads] = step(mx.ones([1, 2]));
    return [value, grads];
  },
  'optimizer.update': () => {
    const model = seededLinear(4, 2, 1);
    const optimizer = new optimizers.SGD(0.5);
    const grads = model.parameters();
    optimizer.update(model, grads);
    return model.parameters();
  },
  'utils.treeFlatten': () => utils.treeFlatten({ a: 1, b: { c: 2, d: [3, 4] } }),
  'utils.treeMap with a user callback': () => utils.treeMap((value: number) => value * 10, { a: 1, b: [2, 3] }),
  'model.applyToModules with a user callback': () => {
    mx.random.seed(5);
    const model = new nn.Sequential(new nn.Linear(2, 2), new nn.ReLU());
    const seen: string[] = [];
    model.applyToModules((prefix, module) => seen.push(`${prefix}:${module.constructor.name}`));
    return seen.sort();
  },
  'model.apply with a user map': () => seededLinear(6).apply((p) => mx.multiply(p, 0)).parameters(),
  'mx.grad': () => mx.grad((x: mx.array) => mx.sum(mx.square(x)))(mx.array([1, 2, 3])),
  'mx.grad of mx.grad': () => mx.grad(mx.grad((x: mx.array) => mx.sum(mx.power(x, 3))))(mx.array(2)),
  'mx.valueAndGrad': () => mx.valueAndGrad((x: mx.array) => mx.sum(mx.square(x)))(mx.array([1, 2])),
  'mx.vmap': () => mx.vmap((x: mx.array) => mx.multiply(x, 2))(mx.array([[1, 2], [3, 4]])),
  'mx.compile': () => mx.compile((x: mx.array, y: mx.array) => mx.add(mx.multiply(x, y), 1))(mx.array([2]), mx.array([3])),
  'mx.jvp': () => mx.jvp((x: mx.array) => mx.square(x), [mx.array([3])], [mx.array([1])]),
  'mx.vjp': () => mx.vjp((x: mx.array) => mx.square(x), [mx.array([3])], [mx.array([1])]),
  'mx.allclose': () => String(mx.allclose(mx.ones([2]), mx.ones([2]))),
});
