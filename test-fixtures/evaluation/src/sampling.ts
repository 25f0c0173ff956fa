import { core as mx } from '@frost-beta/mlx';
import type { CharLanguageModel, CharTokenizer } from './lm.js';

export interface SamplingOptions {
  maxTokens: number;
  temperature: number;
  stopAt?: string;
}

/** The next character id after `ids`: greedy at temperature 0, sampled otherwise. */
export function sampleNext(model: CharLanguageModel, tokenizer: CharTokenizer, ids: readonly number[], temperature: number): number {
  const logits = model.forward(tokenizer.window(ids, model.config.contextLength)); // expect: require-mlx-event-logging -- exported inference with no event
  const next = temperature === 0 ? mx.argmax(logits, -1) : mx.random.categorical(mx.divide(logits, temperature));
  return next.item() as number;
}

/**
 * Generates up to `maxTokens` characters after `prompt`, one at a time, and records one event per
 * generation on stderr once the loop is over.
 */
export function* streamCompletion(model: CharLanguageModel, tokenizer: CharTokenizer, prompt: string, options: SamplingOptions): Generator<string, number> {
  const ids = tokenizer.encode(prompt);
  let generated = 0;
  const started = performance.now();
  while (generated < options.maxTokens) {
    const logits = model.forward(tokenizer.window(ids, model.config.contextLength)); // ok: require-mlx-event-logging -- the event after the loop is on every path that returns
    const id = (options.temperature === 0 ? mx.argmax(logits, -1) : mx.random.categorical(mx.divide(logits, options.temperature))).item() as number;
    const character = tokenizer.decode([id]);
    if (character === options.stopAt) break;
    ids.push(id);
    generated++;
    yield character;
  }
  process.stderr.write(`generation: ${generated} tokens in ${Math.round(performance.now() - started)} ms\n`); // ok: no-tainted-log -- a count and a duration
  return generated;
}

/** The whole completion as one string. */
export function complete(model: CharLanguageModel, tokenizer: CharTokenizer, prompt: string, options: SamplingOptions): string {
  let text = '';
  for (const character of streamCompletion(model, tokenizer, prompt, options)) text += character;
  return text;
}

/** The completion, resolved later: for callers that await it next to other work. */
export function completeLater(model: CharLanguageModel, tokenizer: CharTokenizer, prompt: string, options: SamplingOptions): Promise<string> {
  return new Promise((resolve) => {
    setImmediate(() => {
      resolve(complete(model, tokenizer, prompt, options));
    });
  });
}
