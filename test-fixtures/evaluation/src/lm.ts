import { core as mx, nn } from '@frost-beta/mlx';

export interface LanguageModelConfig {
  vocabularySize: number;
  contextLength: number;
  dims: number;
}

/**
 * A small character-level language model: the embeddings of the last `contextLength` characters
 * are averaged and mapped to logits over the next character.
 */
export class CharLanguageModel extends nn.Module {
  readonly #config: LanguageModelConfig;
  embedding: nn.Embedding;
  hidden: nn.Linear;
  output: nn.Linear;

  constructor(config: LanguageModelConfig) {
    super();
    this.#config = { ...config };
    this.embedding = new nn.Embedding(config.vocabularySize, config.dims);
    this.hidden = new nn.Linear(config.dims, config.dims);
    this.output = new nn.Linear(config.dims, config.vocabularySize);
  }

  get config(): LanguageModelConfig {
    return { ...this.#config };
  }

  /** Maps `[batch, length]` int32 character ids to `[batch, vocabularySize]` logits. */
  override forward(tokens: mx.array): mx.array {
    const pooled = mx.mean(this.embedding.forward(tokens), 1); // ok: require-mlx-event-logging -- layer composition inside an nn.Module subclass, not a request
    return this.output.forward(nn.gelu(this.hidden.forward(pooled))); // ok: require-mlx-event-logging -- layer composition
  }
}

/** Characters to ids and back, over a closed alphabet; id 0 is for characters it does not know. */
export class CharTokenizer {
  readonly #ids: Map<string, number>;

  constructor(readonly alphabet: readonly string[]) {
    this.#ids = new Map(alphabet.map((character, id) => [character, id + 1]));
  }

  get size(): number {
    return this.alphabet.length + 1;
  }

  encode(text: string): number[] {
    return Array.from(text).map((character) => this.#ids.get(character) ?? 0);
  }

  decode(ids: readonly number[]): string {
    return ids.map((id) => this.alphabet[id - 1] ?? '?').join('');
  }

  /** The last `length` ids of `ids` as a `[1, length]` batch, padded on the left with zeros. */
  window(ids: readonly number[], length: number): mx.array {
    const tail = ids.slice(-length);
    return mx.array([[...new Array<number>(length - tail.length).fill(0), ...tail]], mx.int32);
  }
}
