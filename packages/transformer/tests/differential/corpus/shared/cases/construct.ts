import { core as mx, nn, optimizers } from '@frost-beta/mlx';
import { group, some, trail } from '../harness.js';

class Tracked extends nn.Linear {
  static targets: unknown[] = [];
  constructor(inputs: number, outputs: number) {
    super(inputs, outputs);
    Tracked.targets.push(new.target);
  }
}

const layerOf = (layer: nn.Module): unknown => [layer.constructor.name, Object.keys(layer.parameters())];

// `new` on MLX classes and user subclasses: parenthesised and computed constructors, spreads,
// `new.target`, argument order, and what `new` on a non-constructor throws.
export default group('new', {
  'new nn.Linear(2, 3), seeded': () => {
    mx.random.seed(51);
    return new nn.Linear(2, 3).weight;
  },
  'new (nn.Linear)(2, 3)': () => {
    mx.random.seed(51);
    return new (nn.Linear)(2, 3).weight;
  },
  "new nn['Linear'](2, 3)": () => {
    mx.random.seed(51);
    return new nn['Linear'](2, 3).weight;
  },
  'new nn.ReLU without parentheses': () => new nn.ReLU().forward(mx.array([-1, 2])),
  'new nn.ReLU; (no argument list at all)': () => {
    // eslint-disable-next-line new-parens
    const relu = new nn.ReLU;
    return relu.forward(mx.array([-3, 3]));
  },
  'new mx.array([1, 2])': () => new mx.array([1, 2]),
  'new (cond ? nn.Linear : nn.Identity)(2, 2)': () => {
    const linear = some(false);
    return layerOf(new (linear ? nn.Linear : nn.Identity)(2, 2));
  },
  'new nn.Linear(2, 3, false): no bias': () => layerOf(new nn.Linear(2, 3, false)),
  'new of a user subclass: new.target, prototype, instanceof': () => {
    Tracked.targets = [];
    const layer = new Tracked(2, 2);
    return [Tracked.targets.map((target) => target === Tracked), Object.getPrototypeOf(layer) === Tracked.prototype, layer instanceof nn.Linear, layer instanceof nn.Module];
  },
  'new of an anonymous class expression extending nn.Module': () => {
    const Model = class extends nn.Module {
      override forward(x: mx.array): mx.array {
        return mx.negative(x);
      }
    };
    return new Model().forward(mx.array([1, -2]));
  },
  'order: constructor expression, then arguments': () => {
    const { log, tap } = trail();
    mx.random.seed(52);
    const layer = new (tap('class', nn.Linear))(tap('inputs', 2), tap('outputs', 1));
    return [layer.weight.shape, log];
  },
  'new of a constructor from a call': () => {
    const library = (): typeof nn => nn;
    return layerOf(new (library().Identity)());
  },
  'Reflect.construct with a newTarget subclass': () => {
    Tracked.targets = [];
    const layer = Reflect.construct(nn.Linear, [2, 2], Tracked) as nn.Linear;
    return [layer instanceof Tracked, Tracked.targets.length];
  },
  'new (mx.add as any)(a, b): a native function constructs an object': () => {
    const made = new (mx.add as unknown as new (a: number, b: number) => object)(1, 2);
    return [typeof made, Object.keys(made)];
  },
  'new (model.forward as any)(x): TypeError': () => {
    const model = new nn.Identity();
    return new (model.forward as unknown as new (x: mx.array) => object)(mx.ones([1]));
  },
  'calling a class without new: TypeError': () => (nn.Linear as unknown as (a: number, b: number) => nn.Linear)(2, 3),
  'new nn.Linear with a negative size: MLX error': () => new nn.Linear(-1, 2),
  'new optimizers.SGD(0.25).learningRate': () => new optimizers.SGD(0.25).learningRate,
  'new nn.Sequential with a function layer': () => {
    mx.random.seed(53);
    return new nn.Sequential(new nn.Linear(2, 2), (x: mx.array) => mx.abs(x)).forward(mx.ones([1, 2]));
  },
  'new inside an argument list': () => {
    mx.random.seed(54);
    return mx.sum(new nn.Linear(2, 2).forward(mx.ones([1, 2]))).item();
  },
  'new with a spread including a hole': () => {
    const made = new nn.Identity(...[1, , 3]);
    return made.constructor.name;
  },
});
