import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { core as mx } from '@frost-beta/mlx';
import { auditEvent } from '@mlx-audit/runtime';
import { CharLanguageModel, CharTokenizer, type LanguageModelConfig } from './lm.js';
import { countFailure, logger, reportFailure } from './logger.js';

export interface LoadedModel {
  model: CharLanguageModel;
  tokenizer: CharTokenizer;
}

interface ModelFiles {
  config: LanguageModelConfig;
  alphabet: string[];
}

/** A model directory holds config.json (sizes and alphabet) and model.safetensors. */
export function loadLanguageModel(directory: string): LoadedModel {
  const files = JSON.parse(readFileSync(join(directory, 'config.json'), 'utf8')) as ModelFiles;
  const model = new CharLanguageModel(files.config);
  const weightsPath = join(directory, 'model.safetensors');
  model.loadWeights(weightsPath); // ok: require-mlx-event-logging -- the event below names the source
  model.eval();
  auditEvent('model.load', { source: weightsPath, outcome: 'success' });
  return { model, tokenizer: new CharTokenizer(files.alphabet) };
}

/** MLX 0.0.7 declares `load` as returning one array; for .safetensors it returns a record. */
export function readTensors(path: string): Record<string, mx.array> {
  const tensors = mx.load(path) as unknown as Record<string, mx.array>; // ok: require-mlx-event-logging -- the event below names the source
  logger.info({ event: 'model.load', source: path, tensors: Object.keys(tensors).length }, 'tensors loaded');
  return tensors;
}

export function readTensorsQuietly(path: string): Record<string, mx.array> {
  return mx.load(path) as unknown as Record<string, mx.array>; // expect: require-mlx-event-logging -- exported, no event at all
}

/** Loads weights and checks they have the expected tensors; a mismatch is the caller's error. */
export function readCheckedTensors(path: string, expected: readonly string[]): Record<string, mx.array> {
  const tensors = mx.load(path) as unknown as Record<string, mx.array>; // ok: require-mlx-event-logging -- the only path without the event ends in a throw
  const missing = expected.filter((name) => !(name in tensors));
  if (missing.length > 0) throw new Error(`missing tensors: ${missing.join(', ')}`);
  logger.info({ event: 'model.load', source: path }, 'tensors loaded and checked');
  return tensors;
}

/** Loads weights, unless a cached copy is still fresh. */
export function readTensorsCached(path: string, cache: Map<string, Record<string, mx.array>>, reuse: boolean): Record<string, mx.array> {
  const tensors = mx.load(path) as unknown as Record<string, mx.array>; // expect: require-mlx-event-logging -- the early return skips the event
  if (reuse && cache.has(path)) return tensors;
  cache.set(path, tensors);
  logger.info({ event: 'model.load', source: path }, 'tensors loaded');
  return tensors;
}

export function readTensorsFrom(options: { modelPath: string }): Record<string, mx.array> {
  const tensors = mx.load(options.modelPath) as unknown as Record<string, mx.array>; // expect: require-mlx-event-logging -- the event does not say where the model came from (requireSource)
  logger.info({ event: 'model.load' }, 'tensors loaded');
  return tensors;
}

export function readBundledTensors(): Record<string, mx.array> {
  const tensors = mx.load('assets/bundled.safetensors') as unknown as Record<string, mx.array>; // ok: require-mlx-event-logging -- a literal path needs no source in the event
  logger.info({ event: 'model.load' }, 'bundled tensors loaded');
  return tensors;
}

/** Loads every shard; each load runs in the callback, which has no event of its own. */
export function readShards(paths: readonly string[]): Record<string, mx.array>[] {
  const shards = paths.map((path) => mx.load(path) as unknown as Record<string, mx.array>); // expect: require-mlx-event-logging -- a load inside a callback is the callback's to log
  logger.info({ event: 'model.load', shards: paths.length }, 'shards loaded');
  return shards;
}

/** Only called below, and its caller logs around the call. */
function readRaw(path: string): Record<string, mx.array> {
  return mx.load(path) as unknown as Record<string, mx.array>; // ok: require-mlx-event-logging -- its only caller logs the load (sameFileCallers)
}

export function restoreInto(model: CharLanguageModel, path: string): CharLanguageModel {
  const tensors = readRaw(path);
  model.loadWeights(Object.entries(tensors)); // ok: require-mlx-event-logging -- the event below covers it
  auditEvent('model.load', { source: path, outcome: 'success' });
  return model;
}

/** Our own loader of prompt files: not MLX, whatever its name. */
function load(path: string): string[] {
  return readFileSync(path, 'utf8').split('\n').filter(Boolean);
}

export function readPromptSet(name: string): string[] {
  return load(join('prompts', `${name}.txt`)); // ok: require-mlx-event-logging -- a function of ours named load
}

/** The optional weights of an adapter: absent is fine, broken is not. */
export function readAdapter(path: string): Record<string, mx.array> | undefined {
  try {
    const tensors = mx.load(path) as unknown as Record<string, mx.array>; // expect: require-mlx-event-logging -- no event on the success path
    return tensors;
  } catch { // expect: no-silent-mlx-catch -- a failed load leaves no trace
    return undefined;
  }
}

export function readAdapterLogged(path: string): Record<string, mx.array> | undefined {
  try {
    const tensors = mx.load(path) as unknown as Record<string, mx.array>; // ok: require-mlx-event-logging -- the event follows on the success path
    logger.info({ event: 'model.load', source: path }, 'adapter loaded');
    return tensors;
  } catch (error) { // ok: no-silent-mlx-catch -- logged through our helper, in another file
    reportFailure('adapter.load', error);
    return undefined;
  }
}

export function readAdapterCounted(path: string): Record<string, mx.array> | undefined {
  try {
    const tensors = mx.load(path) as unknown as Record<string, mx.array>; // ok: require-mlx-event-logging -- the event follows on the success path
    logger.info({ event: 'model.load', source: path }, 'adapter loaded');
    return tensors;
  } catch { // expect: no-silent-mlx-catch -- our helper only counts, it does not log
    countFailure('adapter.load');
    return undefined;
  }
}

export function readAdapterOrFail(path: string): Record<string, mx.array> {
  try {
    const tensors = mx.load(path) as unknown as Record<string, mx.array>; // ok: require-mlx-event-logging -- the event follows on the success path
    logger.info({ event: 'model.load', source: path }, 'adapter loaded');
    return tensors;
  } catch (error) { // ok: no-silent-mlx-catch -- rethrown with a cause
    throw new Error(`the adapter at ${path} could not be loaded`, { cause: error });
  }
}

/** Reads config.json; a broken file falls back to defaults. No MLX call is protected here. */
export function readConfig(directory: string, defaults: LanguageModelConfig): LanguageModelConfig {
  try {
    return JSON.parse(readFileSync(join(directory, 'config.json'), 'utf8')) as LanguageModelConfig;
  } catch { // ok: no-silent-mlx-catch -- only JSON and the file system in the try block
    return defaults;
  }
}

/** The shape of a tensor of a checkpoint, if it has one; metadata reads are not MLX calls that fail. */
export function shapeOf(tensors: Record<string, mx.array>, name: string): number[] | undefined {
  try {
    return tensors[name]?.shape;
  } catch { // ok: no-silent-mlx-catch -- only a metadata read is protected
    return undefined;
  }
}
