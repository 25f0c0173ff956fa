// A realistic inference loop, built with tsc and with tspc + the transformer (default settings):
// prompts are tokenized and batched, a small language model predicts the next token of every
// prompt, `eval` computes it, the ids are read back and decoded into text, eight tokens per prompt.
// `node inference-loop.js <batches>` prints one JSON line: the loop's milliseconds and what it made.
import { core as mx, nn } from '@frost-beta/mlx';

const VOCABULARY = 512;
const CONTEXT = 32;
const BATCH_SIZE = 8;
const NEW_TOKENS = 8;

/** Embeddings, two transformer-style MLP blocks with layer norm, and a vocabulary head. */
class TinyLanguageModel extends nn.Module {
  embedding: nn.Embedding;
  norm: nn.LayerNorm;
  up: nn.Linear;
  down: nn.Linear;
  head: nn.Linear;

  constructor(dims: number) {
    super();
    this.embedding = new nn.Embedding(VOCABULARY, dims);
    this.norm = new nn.LayerNorm(dims);
    this.up = new nn.Linear(dims, dims * 4);
    this.down = new nn.Linear(dims * 4, dims);
    this.head = new nn.Linear(dims, VOCABULARY);
  }

  /** `[batch, length]` token ids to `[batch, vocabulary]` logits of the next token. */
  override forward(tokens: mx.array): mx.array {
    const x = this.embedding.forward(tokens);
    const h = mx.add(x, this.down.forward(nn.gelu(this.up.forward(this.norm.forward(x)))));
    return this.head.forward(mx.mean(h, 1));
  }
}

const WORDS = ['the', 'model', 'reads', 'a', 'prompt', 'and', 'writes', 'an', 'answer', 'quickly', 'on', 'cpu'];

function tokenize(text: string): number[] {
  const ids = text.split(' ').map((word) => {
    let hash = 17;
    for (const char of word) hash = (hash * 31 + char.charCodeAt(0)) % (VOCABULARY - 1);
    return hash + 1;
  });
  return ids.slice(-CONTEXT);
}

function pad(ids: number[]): number[] {
  return [...new Array<number>(Math.max(0, CONTEXT - ids.length)).fill(0), ...ids].slice(-CONTEXT);
}

function decode(ids: number[]): string {
  return ids.map((id) => WORDS[id % WORDS.length]).join(' ');
}

function prompts(batch: number): string[] {
  return Array.from({ length: BATCH_SIZE }, (_, i) => WORDS.slice(0, 3 + ((batch + i) % 9)).join(' '));
}

/** Greedy decoding of NEW_TOKENS tokens for every prompt of a batch. */
function generate(model: TinyLanguageModel, texts: string[]): string[] {
  const sequences = texts.map(tokenize);
  const produced = texts.map((): number[] => []);
  for (let step = 0; step < NEW_TOKENS; step++) {
    const tokens = mx.array(sequences.map(pad), mx.int32);
    const logits = model.forward(tokens);
    const next = mx.argmax(logits, -1);
    mx.eval(next);
    const ids = next.tolist() as number[];
    ids.forEach((id, i) => {
      sequences[i].push(id);
      produced[i].push(id);
    });
  }
  return produced.map(decode);
}

const batches = Number(process.argv[2] ?? 10);
mx.random.seed(3);
const model = new TinyLanguageModel(64);
model.eval();
mx.eval(model.parameters());
// Warm-up, then the measured loop.
generate(model, prompts(0));
const started = performance.now();
let characters = 0;
for (let batch = 0; batch < batches; batch++) {
  for (const text of generate(model, prompts(batch))) characters += text.length;
}
const ms = performance.now() - started;
process.stdout.write(`${JSON.stringify({ ms, batches, prompts: batches * BATCH_SIZE, tokens: batches * BATCH_SIZE * NEW_TOKENS, characters })}\n`);
