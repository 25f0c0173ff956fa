import { core as mx, nn } from '@frost-beta/mlx';
import { group, trail } from '../harness.js';

/** A handler that logs every trap it sees (the key, for the traps that have one) and forwards it. */
function loggingHandler<T extends object>(log: string[]): ProxyHandler<T> {
  const name = (key: string | symbol): string => (typeof key === 'symbol' ? key.toString() : key);
  return {
    get: (target, key, receiver) => {
      log.push(`get ${name(key)}`);
      return Reflect.get(target, key, receiver) as unknown;
    },
    has: (target, key) => {
      log.push(`has ${name(key)}`);
      return Reflect.has(target, key);
    },
    ownKeys: (target) => {
      log.push('ownKeys');
      return Reflect.ownKeys(target);
    },
    getOwnPropertyDescriptor: (target, key) => {
      log.push(`getOwnPropertyDescriptor ${name(key)}`);
      return Reflect.getOwnPropertyDescriptor(target, key);
    },
    getPrototypeOf: (target) => {
      log.push('getPrototypeOf');
      return Reflect.getPrototypeOf(target);
    },
    apply: (target, thisArg, args) => {
      log.push(`apply (${args.length} arguments)`);
      return Reflect.apply(target as (...a: unknown[]) => unknown, thisArg, args) as unknown;
    },
    construct: (target, args, newTarget) => {
      log.push(`construct (${args.length} arguments)`);
      return Reflect.construct(target as new (...a: unknown[]) => object, args, newTarget) as object;
    },
  };
}

// Proxies around MLX namespaces, modules, arrays and functions: every trap the program triggers is
// logged, so an instrumented call that reads one more property, or asks one more trap, shows.
export default group('proxies', {
  'proxy of mx: p.add(a, b)': () => {
    const { log } = trail();
    const p = new Proxy(mx, loggingHandler<typeof mx>(log));
    return [p.add(1, 2), log];
  },
  "proxy of mx: p['multiply'](a, b)": () => {
    const { log } = trail();
    const p = new Proxy(mx, loggingHandler<typeof mx>(log));
    return [p['multiply'](2, 3), log];
  },
  'proxy of mx: p.random.uniform, seeded': () => {
    const { log } = trail();
    const p = new Proxy(mx, loggingHandler<typeof mx>(log));
    mx.random.seed(71);
    return [p.random.uniform(0, 1, [2]), log];
  },
  'proxy of a model: forward sees the proxy as this': () => {
    const { log } = trail();
    mx.random.seed(72);
    const model = new nn.Linear(2, 1);
    const p = new Proxy(model, loggingHandler<nn.Linear>(log));
    return [p.forward(mx.ones([1, 2])), log];
  },
  'proxy of a user model: this === proxy': () => {
    const selves: string[] = [];
    class Model extends nn.Module {
      override forward(x: mx.array): mx.array {
        selves.push(this === p ? 'proxy' : this === model ? 'target' : 'other');
        return mx.add(x, 1);
      }
    }
    const model = new Model();
    const p = new Proxy(model, {});
    return [p.forward(mx.zeros([1])), selves];
  },
  'proxy of an array: native methods reject it': () => {
    const p = new Proxy(mx.array([1, 2]), {});
    return p.sum();
  },
  'proxy of an array as an argument: conversion error, traps logged': () => {
    const { log } = trail();
    const p = new Proxy(mx.array([1, 2]), loggingHandler<mx.array>(log));
    try {
      return mx.add(p, 1);
    } catch (error) {
      return [(error as Error).message, log];
    }
  },
  'proxy of an MLX function called directly: the apply trap once': () => {
    const { log } = trail();
    const add = new Proxy(mx.add, loggingHandler<typeof mx.add>(log));
    return [add(1, 2), log];
  },
  'proxy of an MLX function called as a method: no property of the function is read': () => {
    const { log } = trail();
    const ops = { add: new Proxy(mx.add, loggingHandler<typeof mx.add>(log)) };
    return [ops.add(3, 4), log];
  },
  'proxy returning a new function on each read: the callee is read once': () => {
    let reads = 0;
    const p = new Proxy(mx, {
      get: (target, key) => {
        reads++;
        const value = Reflect.get(target, key) as unknown;
        return typeof value === 'function' ? (...args: unknown[]) => Reflect.apply(value, target, args) as unknown : value;
      },
    });
    return [p.subtract(5, 1), reads];
  },
  'revoked proxy: TypeError, arguments not evaluated': () => {
    const { log, tap } = trail();
    const { proxy, revoke } = Proxy.revocable(mx, {});
    revoke();
    try {
      return proxy.add(tap('a', 1), 2);
    } catch (error) {
      return [(error as Error).constructor.name, (error as Error).message, log];
    }
  },
  'get trap that throws: arguments not evaluated, same error': () => {
    const { log, tap } = trail();
    const failure = new Error('no such op');
    const p = new Proxy(mx, {
      get: () => {
        throw failure;
      },
    });
    try {
      return p.add(tap('a', 1), 2);
    } catch (error) {
      return [error === failure, log];
    }
  },
  'proxy of the parameters passed to model.update': () => {
    const { log } = trail();
    mx.random.seed(73);
    const model = new nn.Linear(1, 1);
    const parameters = new Proxy({ weight: mx.full([1, 1], 3), bias: mx.zeros([1]) }, loggingHandler<Record<string, mx.array>>(log));
    model.update(parameters);
    return [model.weight, log];
  },
  'proxy of a record passed to mx.eval': () => {
    const { log } = trail();
    const record = new Proxy({ a: mx.ones([1]) }, loggingHandler<Record<string, mx.array>>(log));
    mx.eval(record);
    return log;
  },
  'proxy of nn: new p.Linear(2, 2)': () => {
    const { log } = trail();
    const p = new Proxy(nn, loggingHandler<typeof nn>(log));
    mx.random.seed(74);
    return [new p.Linear(2, 2).weight.shape, log];
  },
  'proxy with a construct trap around nn.Linear': () => {
    const { log } = trail();
    const Linear = new Proxy(nn.Linear, loggingHandler<typeof nn.Linear>(log));
    mx.random.seed(75);
    const layer = new Linear(2, 3);
    return [layer.weight.shape, layer instanceof nn.Linear, log];
  },
});
