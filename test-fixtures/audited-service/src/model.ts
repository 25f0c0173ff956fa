import { core as mx, nn } from '@frost-beta/mlx';
import { PAD_ID } from './vocabulary.js';

/**
 * Sums the embeddings of a text's tokens (padding excluded), one dimension per label, and maps the
 * sum to label logits with a linear layer.
 */
export class LexiconClassifier extends nn.Module {
  embedding: nn.Embedding;
  output: nn.Linear;

  constructor(vocabularySize: number, numLabels: number) {
    super();
    this.embedding = new nn.Embedding(vocabularySize, numLabels);
    this.output = new nn.Linear(numLabels, numLabels);
  }

  /** Maps `[batch, length]` int32 token ids to `[batch, numLabels]` logits. */
  override forward(tokens: mx.array): mx.array {
    const mask = mx.expandDims(mx.notEqual(tokens, PAD_ID).astype(mx.float32), -1);
    const votes = mx.sum(mx.multiply(this.embedding.forward(tokens), mask), 1);
    return this.output.forward(votes);
  }
}
