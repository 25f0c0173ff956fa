import fs = require('node:fs');
import path = require('node:path');
import mlx = require('@frost-beta/mlx');
import mx = mlx.core;

export interface Checkpoint {
  step: number;
  modelPath: string;
  optimizerPath: string;
}

function checkpointAt(directory: string, step: number): Checkpoint {
  const stem = path.join(directory, `step-${String(step).padStart(6, '0')}`);
  return { step, modelPath: `${stem}.model.safetensors`, optimizerPath: `${stem}.optimizer.safetensors` };
}

/** Saves the model's weights and the optimizer's state (moments, step, learning rate). */
export function saveCheckpoint(
  directory: string,
  step: number,
  model: mlx.nn.Module,
  optimizer: mlx.optimizers.Optimizer,
): Checkpoint {
  fs.mkdirSync(directory, { recursive: true });
  const checkpoint = checkpointAt(directory, step);
  model.saveWeights(checkpoint.modelPath);
  const state = Object.fromEntries(mlx.utils.treeFlatten(optimizer.state)) as Record<string, mx.array>;
  mx.saveSafetensors(checkpoint.optimizerPath, state, { step: String(step) });
  return checkpoint;
}

/** Loads a checkpoint into a model and optimizer built with the same shapes and hyper-parameters. */
export function restoreCheckpoint(
  checkpoint: Checkpoint,
  model: mlx.nn.Module,
  optimizer: mlx.optimizers.Optimizer,
): void {
  model.loadWeights(checkpoint.modelPath);
  // An optimizer that has not run init() initialises itself on its first update, replacing any
  // state assigned before with zeros; init() first, then the saved state.
  optimizer.init(model.trainableParameters());
  // MLX 0.0.7 declares load() as returning one array; a .safetensors file gives a name → array map.
  const saved = mx.load(checkpoint.optimizerPath) as unknown as Record<string, mx.array>;
  optimizer.state = mlx.utils.treeUnflatten(Object.entries(saved)) as Record<string, unknown>;
  mx.eval(model.parameters(), optimizer.state);
}
