import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { mx } from './mlx.js';
import type { Logger } from './logger.js';
import { type ClassifierConfig, SentimentClassifier } from './model.js';
import { Tokenizer, type TokenizerConfig } from './tokenizer.js';

const WEIGHTS_FILE = 'model.safetensors';
const CONFIG_FILE = 'config.json';

export interface ModelBundle {
  model: SentimentClassifier;
  tokenizer: Tokenizer;
  labels: readonly string[];
}

interface BundleConfig {
  model: ClassifierConfig;
  tokenizer: TokenizerConfig;
  labels: string[];
}

/** Writes the weights as safetensors and everything needed to rebuild the model as JSON. */
export async function saveBundle(directory: string, bundle: ModelBundle, log: Logger): Promise<void> {
  await mkdir(directory, { recursive: true });
  const weightsPath = join(directory, WEIGHTS_FILE);
  bundle.model.saveWeights(weightsPath);
  const config: BundleConfig = {
    model: bundle.model.config,
    tokenizer: bundle.tokenizer.toConfig(),
    labels: [...bundle.labels],
  };
  await writeFile(join(directory, CONFIG_FILE), `${JSON.stringify(config, null, 2)}\n`);
  log.info('model saved', { directory, weightsFile: WEIGHTS_FILE });
}

/**
 * Reads a safetensors file. MLX 0.0.7 declares `load` as returning one array, but for a
 * .safetensors file it returns a map from tensor name to array.
 */
function readSafetensors(path: string): Record<string, mx.array> {
  return mx.load(path) as unknown as Record<string, mx.array>;
}

export async function loadBundle(directory: string, log: Logger): Promise<ModelBundle> {
  const config = JSON.parse(await readFile(join(directory, CONFIG_FILE), 'utf8')) as BundleConfig;
  const tensors = readSafetensors(join(directory, WEIGHTS_FILE));
  for (const [name, tensor] of Object.entries(tensors)) {
    log.debug('tensor loaded', { name, shape: tensor.shape, dtype: String(tensor.dtype) });
  }

  const model = new SentimentClassifier(config.model);
  model.loadWeights(Object.entries(tensors));
  model.eval();
  mx.eval(model.parameters());
  log.info('model loaded', { directory, tensors: Object.keys(tensors).length, vocabulary: config.tokenizer.vocabulary.length });
  return { model, tokenizer: Tokenizer.fromConfig(config.tokenizer), labels: config.labels };
}
