import { core as mx, nn } from '@frost-beta/mlx';

/** A multi-layer perceptron with SiLU activations between its layers. */
export class Regressor extends nn.Module {
  layers: nn.Linear[];

  constructor(inputDims: number, hiddenDims: readonly number[], outputDims: number) {
    super();
    const sizes = [inputDims, ...hiddenDims, outputDims];
    this.layers = sizes.slice(1).map((size, i) => new nn.Linear(sizes[i] ?? inputDims, size));
  }

  override forward(x: mx.array): mx.array {
    return this.layers.reduce(
      (hidden, layer, i) => (i === 0 ? layer.forward(hidden) : layer.forward(nn.silu(hidden))),
      x,
    );
  }
}
