import { createRequire } from 'node:module';

// Real MLX on the CPU, typed by hand for what the tests use: `typeof import('@frost-beta/mlx')`
// would pull MLX's own .ts sources into this strict project.
export interface Dtype {
  readonly size: number;
}

export interface Tensor {
  readonly shape: number[];
  readonly dtype: Dtype;
  readonly size: number;
  readonly nbytes: number;
  // Properties rather than methods: the tests pass them around unbound, as instrumented code does.
  readonly sum: (this: Tensor) => Tensor;
}

export interface Core {
  readonly full: (shape: number[], value: number, dtype?: Dtype) => Tensor;
  readonly add: (a: Tensor, b: Tensor | number) => Tensor;
  readonly load: (path: string) => Record<string, Tensor>;
  readonly saveSafetensors: (path: string, arrays: Record<string, Tensor>) => void;
  readonly float32: Dtype;
  readonly array: abstract new (...args: never[]) => Tensor;
}

export const mx = (createRequire(import.meta.url)('@frost-beta/mlx') as { core: Core }).core;

/** `nn.Module`, as the model-identity tests use it (methods as properties, passed unbound as instrumented code does). */
export interface Module {
  readonly forward: (this: Module, x: Tensor) => Tensor;
  readonly loadWeights: (this: Module, fileOrWeights: string | [string, Tensor][], strict?: boolean) => Module;
  readonly saveWeights: (this: Module, path: string) => void;
  readonly update: (this: Module, parameters: Record<string, unknown>) => Module;
}

export interface Nn {
  readonly Linear: new (inputDims: number, outputDims: number) => Module;
}

export const nn = (createRequire(import.meta.url)('@frost-beta/mlx') as { nn: Nn }).nn;
