import mlx from '@frost-beta/mlx';

const { core } = mlx;

export const PAD_TOKEN = '<pad>';
export const UNKNOWN_TOKEN = '<unk>';
export const PAD_ID = 0;
export const UNKNOWN_ID = 1;

export interface TokenizerConfig {
  vocabulary: string[];
  maxLength: number;
}

/**
 * A word-level tokenizer over a closed vocabulary. Ids 0 and 1 are reserved for padding and for
 * words the vocabulary does not contain.
 */
export class Tokenizer {
  readonly #ids: Map<string, number>;

  constructor(
    readonly vocabulary: readonly string[],
    readonly maxLength: number,
  ) {
    if (vocabulary[PAD_ID] !== PAD_TOKEN || vocabulary[UNKNOWN_ID] !== UNKNOWN_TOKEN) {
      throw new Error(`The vocabulary must start with ${PAD_TOKEN} and ${UNKNOWN_TOKEN}.`);
    }
    this.#ids = new Map(vocabulary.map((word, id) => [word, id]));
  }

  /** Builds the vocabulary from every word in a corpus, in a stable (sorted) order. */
  static fromCorpus(texts: Iterable<string>, maxLength: number): Tokenizer {
    const words = new Set<string>();
    for (const text of texts) for (const word of Tokenizer.words(text)) words.add(word);
    return new Tokenizer([PAD_TOKEN, UNKNOWN_TOKEN, ...[...words].sort()], maxLength);
  }

  static fromConfig(config: TokenizerConfig): Tokenizer {
    return new Tokenizer(config.vocabulary, config.maxLength);
  }

  static words(text: string): string[] {
    return text.toLowerCase().match(/[a-z']+/g) ?? [];
  }

  get size(): number {
    return this.vocabulary.length;
  }

  /** Token ids of `text`, truncated or padded to `maxLength`. */
  encode(text: string): number[] {
    const ids = Tokenizer.words(text)
      .slice(0, this.maxLength)
      .map((word) => this.#ids.get(word) ?? UNKNOWN_ID);
    while (ids.length < this.maxLength) ids.push(PAD_ID);
    return ids;
  }

  /** A `[texts.length, maxLength]` int32 batch, ready for an embedding lookup. */
  encodeBatch(texts: readonly string[]): mlx.core.array {
    return core.array(texts.map((text) => this.encode(text)), core.int32);
  }

  /** How many words of `text` the vocabulary does not know. */
  countUnknown(text: string): number {
    return Tokenizer.words(text).filter((word) => !this.#ids.has(word)).length;
  }

  toConfig(): TokenizerConfig {
    return { vocabulary: [...this.vocabulary], maxLength: this.maxLength };
  }
}
