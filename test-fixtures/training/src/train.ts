import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { core as mx, nn, optimizers, utils } from '@frost-beta/mlx';
import { restoreCheckpoint, saveCheckpoint, type Checkpoint } from './checkpoint';
import { batch, makeDataset, type Dataset } from './data';
import { Regressor } from './model';

const INIT_SEED = 0;
const DATA_SEED = 1;
const TRAIN_SIZE = 256;
const VALIDATION_SIZE = 128;
const BATCHES = 4;
const LEARNING_RATE = 0.01;

interface Trainer {
  model: Regressor;
  optimizer: optimizers.Adam;
}

function createTrainer(seed: number): Trainer {
  mx.random.seed(seed);
  const model = new Regressor(2, [32, 32], 1);
  mx.eval(model.parameters());
  return { model, optimizer: new optimizers.Adam(LEARNING_RATE) };
}

function meanSquaredError(model: Regressor, inputs: mx.array, targets: mx.array): mx.array {
  return nn.losses.mseLoss(model.forward(inputs), targets, 'mean');
}

function evaluate(model: Regressor, data: Dataset): number {
  return meanSquaredError(model, data.inputs, data.targets).item() as number;
}

/** Trains steps `from + 1` to `to`, one mini-batch per step, cycling through the batches in order. */
function runSteps(
  { model, optimizer }: Trainer,
  data: Dataset,
  from: number,
  to: number,
  checkpointEvery: number,
  directory: string,
): { lastLoss: number; checkpoints: Checkpoint[] } {
  const lossAndGrad = nn.valueAndGrad(model, (inputs: mx.array, targets: mx.array) =>
    meanSquaredError(model, inputs, targets),
  );
  const checkpoints: Checkpoint[] = [];
  let lastLoss = Number.NaN;
  for (let step = from + 1; step <= to; step++) {
    const { inputs, targets } = batch(data, (step - 1) % BATCHES, BATCHES);
    // nn.valueAndGrad is declared to return mx.array[]; it returns the loss and a gradient tree.
    const [loss, grads] = lossAndGrad(inputs, targets) as [mx.array, utils.NestedDict<mx.array>];
    optimizer.update(model, grads);
    mx.eval(loss, model.parameters(), optimizer.state);
    lastLoss = loss.item() as number;

    if (step % checkpointEvery === 0) {
      checkpoints.push(saveCheckpoint(directory, step, model, optimizer));
      console.log(`step ${step}: batch loss ${lastLoss.toFixed(6)}, checkpoint saved`);
    }
  }
  return { lastLoss, checkpoints };
}

function sameParameters(a: Regressor, b: Regressor): boolean {
  const right = new Map(utils.treeFlatten(b.parameters()));
  return utils
    .treeFlatten(a.parameters())
    .every(([name, value]) => right.has(name) && mx.arrayEqual(value as mx.array, right.get(name) as mx.array).item() === true);
}

function main(): void {
  const { values } = parseArgs({
    options: {
      steps: { type: 'string', default: '240' },
      'checkpoint-every': { type: 'string', default: '60' },
      'out-dir': { type: 'string' },
    },
  });
  const steps = Number(values.steps);
  const checkpointEvery = Number(values['checkpoint-every']);
  if (!Number.isInteger(steps) || !Number.isInteger(checkpointEvery) || steps < 2 * checkpointEvery || checkpointEvery < 1) {
    throw new Error('--steps must be an integer at least twice --checkpoint-every.');
  }
  const directory = values['out-dir'] ?? mkdtempSync(join(tmpdir(), 'mlx-training-'));

  try {
    const trainSet = makeDataset(TRAIN_SIZE, DATA_SEED);
    const validation = makeDataset(VALIDATION_SIZE, DATA_SEED + 1);
    console.log(`training on ${trainSet.inputs.shape.join('x')} ${String(trainSet.inputs.dtype)} inputs, ${BATCHES} batches`);

    const trainer = createTrainer(INIT_SEED);
    const initialValidationLoss = evaluate(trainer.model, validation);
    const { lastLoss, checkpoints } = runSteps(trainer, trainSet, 0, steps, checkpointEvery, directory);
    const finalValidationLoss = evaluate(trainer.model, validation);
    console.log(`validation loss ${initialValidationLoss.toFixed(6)} -> ${finalValidationLoss.toFixed(6)}`);

    // Resume from the next-to-last checkpoint in a trainer initialised differently: if the weights
    // and optimizer state are restored faithfully, the last stretch reproduces the same weights.
    const resumeFrom = checkpoints.at(-2);
    const last = checkpoints.at(-1);
    if (resumeFrom === undefined || last === undefined) throw new Error('expected at least two checkpoints');
    const resumed = createTrainer(INIT_SEED + 1);
    restoreCheckpoint(resumeFrom, resumed.model, resumed.optimizer);
    runSteps(resumed, trainSet, resumeFrom.step, steps, steps + 1, directory);

    // Reload the last checkpoint for inference only.
    const reloaded = new Regressor(2, [32, 32], 1);
    reloaded.loadWeights(last.modelPath);
    const reloadedValidationLoss = evaluate(reloaded, validation);

    const result = {
      steps,
      checkpointSteps: checkpoints.map((checkpoint) => checkpoint.step),
      lastBatchLoss: lastLoss,
      initialValidationLoss,
      finalValidationLoss,
      resumedFromStep: resumeFrom.step,
      resumedMatches: sameParameters(trainer.model, resumed.model),
      reloadedValidationLoss,
      reloadedMatches: sameParameters(trainer.model, reloaded),
    };
    console.log(JSON.stringify(result));
  } finally {
    if (values['out-dir'] === undefined) rmSync(directory, { recursive: true, force: true });
  }
}

main();
