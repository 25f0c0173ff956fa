import { core as mx, nn } from '@frost-beta/mlx';
import { PAD_ID } from './tokenizer.js';

export interface ClassifierConfig {
  vocabularySize: number;
  embeddingDims: number;
  hiddenDims: number;
  numClasses: number;
}

/**
 * Averages the embeddings of a text's tokens (padding excluded) and classifies the average with a
 * two-layer perceptron.
 */
export class SentimentClassifier extends nn.Module {
  // Private, so that Module#parameters(), which walks the module's own properties, leaves it out.
  readonly #config: ClassifierConfig;
  embedding: nn.Embedding;
  hidden: nn.Linear;
  output: nn.Linear;

  constructor(config: ClassifierConfig) {
    super();
    this.#config = { ...config };
    this.embedding = new nn.Embedding(config.vocabularySize, config.embeddingDims);
    this.hidden = new nn.Linear(config.embeddingDims, config.hiddenDims);
    this.output = new nn.Linear(config.hiddenDims, config.numClasses);
  }

  get config(): ClassifierConfig {
    return { ...this.#config };
  }

  /** Maps `[batch, length]` int32 token ids to `[batch, numClasses]` logits. */
  override forward(tokens: mx.array): mx.array {
    const mask = mx.expandDims(mx.notEqual(tokens, PAD_ID).astype(mx.float32), -1);
    const embedded = mx.multiply(this.embedding.forward(tokens), mask);
    // An all-padding text would divide by zero; it averages to the zero vector instead.
    const counts = mx.maximum(mx.sum(mask, 1), 1);
    const pooled = mx.divide(mx.sum(embedded, 1), counts);
    return this.output.forward(nn.relu(this.hidden.forward(pooled)));
  }
}
