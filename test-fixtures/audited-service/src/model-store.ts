import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { core as mx, utils } from '@frost-beta/mlx';
import type { Logger } from './logger.js';
import { LexiconClassifier } from './model.js';
import { buildVocabulary, LABELS, LEXICON, type Label } from './vocabulary.js';

export const WEIGHTS_FILE = 'model.safetensors';
export const CONFIG_FILE = 'config.json';

/** How strongly a lexicon word votes for its label, and the neutral prior of a text with none. */
const VOTE = 2;
const NEUTRAL_PRIOR = 0.5;

interface ModelConfig {
  labels: string[];
  vocabulary: string[];
  maxLength: number;
}

export interface LoadedModel {
  model: LexiconClassifier;
  config: ModelConfig;
}

/**
 * Writes a model directory: lexicon weights as safetensors (each known word votes for its label)
 * and the vocabulary and labels as JSON.
 */
export async function exportLexiconModel(directory: string, maxLength: number, log: Logger): Promise<void> {
  const vocabulary = buildVocabulary();
  const rows = vocabulary.map((word) => LABELS.map((label: Label) => (LEXICON[label].includes(word) ? VOTE : 0)));
  const identity = LABELS.map((_, i) => LABELS.map((__, j) => (i === j ? 1 : 0)));
  const weights = {
    'embedding.weight': mx.array(rows, mx.float32),
    'output.weight': mx.array(identity, mx.float32),
    'output.bias': mx.array(LABELS.map((label) => (label === 'neutral' ? NEUTRAL_PRIOR : 0)), mx.float32),
  };
  await mkdir(directory, { recursive: true });
  const modelPath = join(directory, WEIGHTS_FILE);
  mx.saveSafetensors(modelPath, weights, { format: 'mlx', labels: LABELS.join(',') });
  const config: ModelConfig = { labels: [...LABELS], vocabulary, maxLength };
  await writeFile(join(directory, CONFIG_FILE), `${JSON.stringify(config, null, 2)}\n`);
  log.info({ event: 'model.export', modelPath, tensors: Object.keys(weights), vocabularySize: vocabulary.length }, 'model exported');
}

/** Loads a model directory; the load is logged with the weights' path whether it succeeds or fails. */
export async function loadModel(directory: string, log: Logger): Promise<LoadedModel> {
  const modelPath = join(directory, WEIGHTS_FILE);
  const config = JSON.parse(await readFile(join(directory, CONFIG_FILE), 'utf8')) as ModelConfig;
  const model = new LexiconClassifier(config.vocabulary.length, config.labels.length);
  const started = performance.now();
  try {
    model.loadWeights(modelPath);
    model.eval();
    mx.eval(model.parameters());
  } catch (error: unknown) {
    log.error({ event: 'model.load', outcome: 'failure', modelPath, err: error }, 'model load failed');
    throw error;
  }
  const parameters = utils
    .treeFlatten(model.parameters())
    .reduce((total, [, value]) => total + (value as mx.array).size, 0);
  log.info(
    { event: 'model.load', outcome: 'success', modelPath, parameters, labels: config.labels.length, durationMs: elapsed(started) },
    'model loaded',
  );
  return { model, config };
}

export function elapsed(started: number): number {
  return Math.round((performance.now() - started) * 100) / 100;
}
