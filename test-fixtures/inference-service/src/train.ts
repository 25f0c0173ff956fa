import { mx, nn, optimizers, type utils } from './mlx.js';
import type { Logger } from './logger.js';
import type { SentimentClassifier } from './model.js';

export interface TrainOptions {
  steps: number;
  learningRate: number;
  logEvery: number;
}

export interface TrainReport {
  steps: number;
  initialLoss: number;
  finalLoss: number;
}

function crossEntropy(model: SentimentClassifier, tokens: mx.array, labels: mx.array): mx.array {
  return nn.losses.crossEntropy(model.forward(tokens), labels, undefined, -1, 0, 'mean');
}

/** Full-batch Adam on the whole training set; every step is evaluated before the next one. */
export function train(
  model: SentimentClassifier,
  tokens: mx.array,
  labels: mx.array,
  options: TrainOptions,
  log: Logger,
): TrainReport {
  log.info('training started', {
    examples: tokens.shape[0],
    sequenceLength: tokens.shape[1],
    tokenDtype: String(tokens.dtype),
    steps: options.steps,
    learningRate: options.learningRate,
  });

  const optimizer = new optimizers.Adam(options.learningRate);
  const lossAndGrad = nn.valueAndGrad(model, (x: mx.array, y: mx.array) => crossEntropy(model, x, y));

  let initialLoss = Number.NaN;
  let finalLoss = Number.NaN;
  for (let step = 1; step <= options.steps; step++) {
    // nn.valueAndGrad is declared to return mx.array[]; it returns the loss and a gradient tree.
    const [loss, grads] = lossAndGrad(tokens, labels) as [mx.array, utils.NestedDict<mx.array>];
    optimizer.update(model, grads);
    mx.eval(loss, model.parameters(), optimizer.state);

    finalLoss = loss.item() as number;
    if (step === 1) initialLoss = finalLoss;
    if (step % options.logEvery === 0 || step === options.steps) {
      log.info('training step', { step, loss: finalLoss });
    }
  }
  return { steps: options.steps, initialLoss, finalLoss };
}

/** The fraction of examples whose most probable class is their label. */
export function accuracy(model: SentimentClassifier, tokens: mx.array, labels: mx.array): number {
  const predicted = mx.argmax(model.forward(tokens), -1);
  return mx.mean(mx.equal(predicted, labels)).item() as number;
}
