import { core as mx, nn } from '@frost-beta/mlx';
import { group, some, trail } from '../harness.js';

const linear = (seed: number, inputs = 2, outputs = 2): nn.Linear => {
  mx.random.seed(seed);
  return new nn.Linear(inputs, outputs);
};

/** `super.forward` in every position a method can hold it. */
class Doubled extends nn.Linear {
  override forward(x: mx.array): mx.array {
    return mx.multiply(super.forward(x), 2);
  }
  viaElement(x: mx.array): mx.array {
    return super['forward'](x);
  }
  viaOptional(x: mx.array): mx.array {
    return super.forward?.(x);
  }
  viaArrow(x: mx.array): mx.array {
    const run = (): mx.array => super.forward(x);
    return run();
  }
  viaOptionalChain(x: mx.array): number {
    return super.forward?.(x).sum().item() as number;
  }
  async viaAsync(x: mx.array): Promise<mx.array> {
    await Promise.resolve();
    return super.forward(x);
  }
  *viaGenerator(x: mx.array): Generator<mx.array> {
    yield super.forward(x);
    yield super.forward(mx.multiply(x, 2));
  }
  static isLayer(value: unknown): boolean {
    return super.isModule(value);
  }
}

/** `super(...)` with MLX calls in its arguments, a spread, a branch. */
class Sized extends nn.Linear {
  constructor(spread: boolean, ...dims: [number, number]) {
    if (spread) super(...dims);
    else super(mx.array(dims[0]).item() as number, mx.add(dims[1], 0).item() as number);
  }
}

let depth = 0;
/** Field initialisers that construct another instance of their own class while evaluating. */
class Nested {
  factor = mx.array([++depth]);
  value = mx.multiply(this.factor, depth < 3 ? innerValue() : mx.ones([1]));
}
function innerValue(): mx.array {
  return new Nested().value;
}

class Fields extends nn.Module {
  static table = mx.arange(3);
  static total: number;
  static scaled: mx.array;
  static {
    Fields.total = mx.sum(Fields.table).item() as number;
  }
  static {
    this.scaled = mx.multiply(this.table, 2);
  }
  w = mx.ones([2]);
  doubled = mx.multiply(this.w, 2);
  act = (x: mx.array): mx.array => mx.maximum(mx.multiply(x, this.doubled), 0);
  #op = mx.add;
  #factor = 3;
  static #shift = mx.array([100]);
  run(a: number, b: number): mx.array {
    return this.#op(a, b);
  }
  #scale(x: mx.array): mx.array {
    return mx.multiply(x, this.#factor);
  }
  scaled(x: mx.array): mx.array {
    return this.#scale(x);
  }
  maybeScaled(x: mx.array): mx.array {
    return this.#scale?.(x);
  }
  static shifted(x: mx.array): mx.array {
    return mx.add(x, Fields.#shift);
  }
  get norm(): mx.array {
    return mx.linalg.norm(this.w);
  }
  set scale(value: number) {
    this.w = mx.multiply(this.w, value);
  }
  override forward(x: mx.array): mx.array {
    return this.act(x);
  }
}

class Accessor extends nn.Module {
  accessor weights = mx.full([2], 7);
  override forward(x: mx.array): mx.array {
    return mx.add(x, this.weights);
  }
}

const THREE = String(mx.add(1, 2).item());
class Computed {
  [THREE](): string {
    return 'three';
  }
  [`n${mx.multiply(2, 2).item()}`](): string {
    return 'four';
  }
}

class Ops {
  reads = 0;
  get op(): typeof mx.add {
    this.reads++;
    return mx.add;
  }
}

class Base extends nn.Module {
  override forward(x: mx.array): mx.array {
    return mx.add(x, 1);
  }
}
class Derived extends Base {
  selves: boolean[] = [];
  override forward(x: mx.array): mx.array {
    this.selves.push(this instanceof Derived);
    return mx.multiply(super.forward(x), 10);
  }
  get run(): (x: mx.array) => mx.array {
    return this.forward;
  }
  predict(x: mx.array): number {
    return this.forward(x).sum().item() as number;
  }
  static create(): Derived {
    return new this();
  }
}

class WithParameterProperty extends nn.Module {
  constructor(public readonly w = mx.full([2], 5)) {
    super();
  }
  override forward(x: mx.array): mx.array {
    return mx.subtract(this.w, x);
  }
}

function addOne<This, Args extends unknown[]>(method: (this: This, ...args: Args) => mx.array, _context: ClassMethodDecoratorContext): (this: This, ...args: Args) => mx.array {
  return function (this: This, ...args: Args): mx.array {
    return mx.add(method.call(this, ...args), 1);
  };
}
function initialisedTwice(_value: undefined, _context: ClassFieldDecoratorContext): (initial: mx.array) => mx.array {
  return (initial) => mx.multiply(initial, 2);
}
class Decorated {
  @initialisedTwice weights = mx.ones([2]);
  @addOne total(x: mx.array): mx.array {
    return mx.sum(mx.add(x, this.weights));
  }
}

// Classes: super calls (method, element, optional, arrow, async, generator, static), super(...),
// fields, static blocks, private members, accessors, getters returning MLX functions, `this`.
export default group('classes', {
  'super.forward(x)': () => {
    mx.random.seed(61);
    return new Doubled(2, 2).forward(mx.ones([1, 2]));
  },
  "super['forward'](x)": () => {
    mx.random.seed(61);
    return new Doubled(2, 2).viaElement(mx.ones([1, 2]));
  },
  'super.forward?.(x)': () => {
    mx.random.seed(61);
    return new Doubled(2, 2).viaOptional(mx.ones([1, 2]));
  },
  'super.forward?.(x).sum().item(): super in a longer optional chain': () => {
    mx.random.seed(61);
    return new Doubled(2, 2).viaOptionalChain(mx.ones([1, 2]));
  },
  'super.forward in an arrow function': () => {
    mx.random.seed(61);
    return new Doubled(2, 2).viaArrow(mx.ones([1, 2]));
  },
  'super.forward after await': async () => {
    mx.random.seed(61);
    return await new Doubled(2, 2).viaAsync(mx.ones([1, 2]));
  },
  'super.forward in a generator method': () => {
    mx.random.seed(61);
    return [...new Doubled(2, 2).viaGenerator(mx.ones([1, 2]))];
  },
  'super.isModule in a static method': () => [Doubled.isLayer(new nn.ReLU()), Doubled.isLayer({})],
  'super(...) with MLX calls in its arguments': () => new Sized(false, 3, 4).weight.shape,
  'super(...dims)': () => new Sized(true, 4, 5).weight.shape,
  'field initialisers that construct their own class': () => {
    depth = 0;
    return new Nested().value;
  },
  'static field and static blocks': () => [Fields.total, Fields.scaled],
  'instance fields using this': () => {
    const model = new Fields();
    return [model.w, model.doubled];
  },
  'arrow field: this is the instance even when detached': () => {
    const { act } = new Fields();
    return act(mx.array([1, -1]));
  },
  'private field holding an MLX function: this.#op(a, b)': () => new Fields().run(2, 3),
  'private method: this.#scale(x)': () => new Fields().scaled(mx.array([1, 2])),
  'private method called optionally: this.#scale?.(x)': () => new Fields().maybeScaled(mx.array([2])),
  'private static field': () => Fields.shifted(mx.array([1])),
  'getter calling MLX': () => new Fields().norm,
  'setter calling MLX': () => {
    const model = new Fields();
    model.scale = 4;
    return model.w;
  },
  'auto-accessor initialised by MLX': () => new Accessor().forward(mx.ones([2])),
  'computed member names from MLX': () => {
    const made = new Computed();
    return [made[THREE](), (made as unknown as Record<string, () => string>)['n4']()];
  },
  'getter returning an MLX function: read once per call': () => {
    const ops = new Ops();
    const result = ops.op(1, 2);
    return [result, ops.reads];
  },
  'getter returning forward: this is the model': () => {
    const model = new Derived();
    return [model.run(mx.ones([1])), model.selves];
  },
  'this.forward inside a method': () => {
    const model = new Derived();
    return [model.predict(mx.ones([2])), model.selves];
  },
  'forward detached from the model: this is undefined': () => {
    const model = new Derived();
    const { forward } = model;
    return forward(mx.ones([1]));
  },
  'new this() in a static method': () => Derived.create().forward(mx.array([1])),
  'forward called by nn.Sequential: this is the layer': () => {
    const layer = new Derived();
    return [new nn.Sequential(layer).forward(mx.ones([1])), layer.selves];
  },
  'forward called inside nn.valueAndGrad': () => {
    const model = linear(62, 2, 1);
    const selves: boolean[] = [];
    class Wrapper extends nn.Module {
      inner = model;
      override forward(x: mx.array): mx.array {
        selves.push(this === wrapper);
        return mx.sum(this.inner.forward(x));
      }
    }
    const wrapper = new Wrapper();
    const [value] = nn.valueAndGrad(wrapper, (x: mx.array) => wrapper.forward(x))(mx.ones([1, 2]));
    return [value, selves];
  },
  'parameter property with an MLX default': () => new WithParameterProperty().forward(mx.ones([2])),
  'decorated field and method': () => new Decorated().total(mx.zeros([2])),
  'a trail through super and this': () => {
    const { log, tap } = trail();
    class Logged extends Base {
      override forward(x: mx.array): mx.array {
        return super.forward(tap('argument', x));
      }
    }
    return [tap('receiver', new Logged()).forward(tap('x', mx.array([1]))), log];
  },
});
