import { core as mx } from '@frost-beta/mlx';

export interface Dataset {
  inputs: mx.array;
  targets: mx.array;
}

/** The function the model learns: smooth, non-linear, and cheap to sample. */
function target(inputs: mx.array): mx.array {
  const x0 = inputs.index(mx.Slice(), mx.Slice(0, 1));
  const x1 = inputs.index(mx.Slice(), mx.Slice(1, 2));
  return mx.add(mx.multiply(mx.sin(x0), mx.cos(x1)), mx.multiply(0.1, x0));
}

/**
 * `size` points drawn uniformly from [-2, 2]², with targets plus Gaussian noise. The explicit key
 * makes the data independent of the global seed used for weight initialisation.
 */
export function makeDataset(size: number, seed: number, noise = 0.05): Dataset {
  const [inputKey, noiseKey] = mx.random.split(mx.random.key(seed), 2);
  const inputs = mx.random.uniform(-2, 2, [size, 2], mx.float32, inputKey);
  const targets = mx.add(target(inputs), mx.random.normal([size, 1], mx.float32, 0, noise, noiseKey));
  mx.eval(inputs, targets);
  return { inputs, targets };
}

/** The `index`-th of `count` equal, contiguous mini-batches. */
export function batch(dataset: Dataset, index: number, count: number): Dataset {
  const size = (dataset.inputs.shape[0] ?? 0) / count;
  const rows = mx.arange(index * size, (index + 1) * size, 1, mx.int32);
  return { inputs: mx.take(dataset.inputs, rows, 0), targets: mx.take(dataset.targets, rows, 0) };
}
