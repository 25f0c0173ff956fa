// rule-options: mlx-audit/no-tainted-log {"reportMetrics": true}
// An evaluation job of a regulated team that reviews every logged number: aggregate metrics too are
// reported (no-tainted-log's reportMetrics), so each one logged is a decision someone wrote down.
import { core as mx, nn } from '@frost-beta/mlx';
import { CharLanguageModel } from './lm.js';

const model = new CharLanguageModel({ vocabularySize: 32, contextLength: 8, dims: 16 });

export function evaluate(inputs: mx.array, targets: mx.array): number {
  const logits = model.forward(inputs); // ok: require-mlx-event-logging -- the event below is on every path
  const loss = nn.losses.crossEntropy(logits, targets, undefined, -1, 0, 'mean');
  const accuracy = mx.mean(mx.equal(mx.argmax(logits, -1), targets)).item() as number;
  console.info({ event: 'model.evaluation', outcome: 'success', batch: inputs.shape[0] }); // ok: no-tainted-log -- an event with a count
  console.info(`validation loss ${loss.item() as number}`); // expect: no-tainted-log -- a metric, reported under reportMetrics
  console.info('validation accuracy', accuracy); // expect: no-tainted-log -- a metric, reported under reportMetrics
  console.info('validation batch of shape', inputs.shape); // ok: no-tainted-log -- a shape is no metric
  return accuracy;
}
