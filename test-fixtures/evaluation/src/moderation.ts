// rule-options: mlx-audit/no-log-injection {"threatModels": ["remote", "model-output"]}
// A moderation worker: generates a reply with the language model, classifies it with a small
// moderation model and logs the verdict. Generated text is steered by whoever wrote the prompt, so
// this worker treats model output as untrusted in log messages (the model-output threat model).
import { core as mx, nn } from '@frost-beta/mlx';
import { loadLanguageModel } from './checkpoint.js';
import { CharTokenizer } from './lm.js';
import { logger } from './logger.js';
import { complete } from './sampling.js';

const VERDICTS = ['allow', 'review', 'block'] as const;

class Moderator extends nn.Module {
  embedding = new nn.Embedding(64, 16);
  output = new nn.Linear(16, VERDICTS.length);

  override forward(tokens: mx.array): mx.array {
    return this.output.forward(mx.mean(this.embedding.forward(tokens), 1)); // ok: require-mlx-event-logging -- layer composition
  }
}

const moderator = new Moderator();
const moderatorTokenizer = new CharTokenizer(Array.from('abcdefghijklmnopqrstuvwxyz .,!?'));
const { model, tokenizer } = loadLanguageModel(process.env.MODEL_DIR ?? 'models/tiny');

export function moderate(prompt: string): (typeof VERDICTS)[number] {
  const text = complete(model, tokenizer, prompt, { maxTokens: 120, temperature: 0.7 });
  logger.info(`generated: ${text}`); // expect: no-log-injection -- model output in the message, with modelOutput on; expect: no-tainted-log -- model output
  logger.info({ text }, 'generated'); // ok: no-log-injection -- a structured field; expect: no-tainted-log -- model output
  logger.info(`generated: ${JSON.stringify(text)}`); // ok: no-log-injection -- escaped; expect: no-tainted-log -- model output
  logger.info(`generated ${text.length} characters`); // ok: no-log-injection -- a length; ok: no-tainted-log -- a length

  const logits = moderator.forward(moderatorTokenizer.window(moderatorTokenizer.encode(text), 32)); // ok: require-mlx-event-logging -- the event below is on every path
  const verdict = VERDICTS[mx.argmax(logits, -1).item() as number] ?? 'review';
  logger.info({ event: 'inference', model: 'moderator' }, 'moderated');
  console.log('verdict %s', verdict); // expect: no-log-injection -- selected by the model's output, formatted with %s; expect: no-tainted-log -- one request's label is model output
  console.log('verdict %j', verdict); // ok: no-log-injection -- %j encodes; expect: no-tainted-log -- one request's label is model output
  logger.info(`prompt: ${prompt}`); // expect: no-tainted-log -- the prompt is a model input
  return verdict;
}
