import { core as mx, nn } from '@frost-beta/mlx';

export const FEATURES = 16;
export const CLASSES = 4;

/** A two-layer perceptron over a fixed number of features: `[batch, 16]` to `[batch, 4]` logits. */
export class Classifier extends nn.Module {
  hidden: nn.Linear;
  output: nn.Linear;

  constructor() {
    super();
    this.hidden = new nn.Linear(FEATURES, 64);
    this.output = new nn.Linear(64, CLASSES);
  }

  override forward(features: mx.array): mx.array {
    return this.output.forward(nn.relu(this.hidden.forward(features)));
  }
}

/** Writes the weights of a model initialised from `seed`: the service's model, or another one to swap in. */
export function writeWeights(path: string, seed: number): void {
  mx.random.seed(seed);
  const model = new Classifier();
  mx.eval(model.parameters());
  model.saveWeights(path);
}
