import { core as mx } from '@frost-beta/mlx';
import type { Logger } from './logger.js';
import { elapsed, type LoadedModel } from './model-store.js';
import { encode } from './vocabulary.js';

export interface Classification {
  label: string;
  probabilities: Record<string, number>;
}

/**
 * Classifies a batch of texts. The inference is logged on success and on failure, with the batch
 * size and the input's shape: never the texts, the logits or the labels (model data stays out of
 * the logs; the caller returns it to the client).
 */
export function classify({ model, config }: LoadedModel, texts: readonly string[], log: Logger): Classification[] {
  const tokens = mx.array(texts.map((text) => encode(config.vocabulary, text, config.maxLength)), mx.int32);
  const started = performance.now();
  let rows: number[][];
  try {
    rows = mx.softmax(model.forward(tokens), -1).tolist() as number[][];
  } catch (error: unknown) {
    log.error({ event: 'model.inference', outcome: 'failure', batchSize: texts.length, err: error }, 'inference failed');
    throw error;
  }
  log.info(
    { event: 'model.inference', outcome: 'success', batchSize: texts.length, inputShape: tokens.shape, durationMs: elapsed(started) },
    'inference completed',
  );
  return rows.map((row) => ({
    label: config.labels[row.indexOf(Math.max(...row))] ?? 'unknown',
    probabilities: Object.fromEntries(config.labels.map((label, j) => [label, row[j] ?? 0])),
  }));
}
