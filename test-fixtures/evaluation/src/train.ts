// A training script: fits the character language model to a text file with Adam, logs the loss and
// the accuracy as it goes, checkpoints the weights and prints a summary.
//   node dist/train.js <corpus.txt> [--steps n] [--out dir]
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { core as mx, nn, optimizers, type utils } from '@frost-beta/mlx';
import { CharLanguageModel, CharTokenizer } from './lm.js';

const CONTEXT = 16;
const BATCH_SIZE = 32;

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { steps: { type: 'string', default: '500' }, out: { type: 'string', default: 'checkpoints' }, 'log-every': { type: 'string', default: '50' } },
});
const [corpusPath = 'data/corpus.txt'] = positionals;
const steps = Number(values.steps);
const logEvery = Number(values['log-every']);

const text = readFileSync(corpusPath, 'utf8');
const tokenizer = new CharTokenizer([...new Set(text)].sort());
const ids = tokenizer.encode(text);
console.log(`corpus ${corpusPath}: ${text.length} characters, alphabet of ${tokenizer.size}`); // ok: no-log-injection -- argv and a file read are local input; ok: no-tainted-log -- a length and a size

const model = new CharLanguageModel({ vocabularySize: tokenizer.size, contextLength: CONTEXT, dims: 64 });
mx.eval(model.parameters());
const optimizer = new optimizers.Adam(1e-3);

/** `BATCH_SIZE` windows of the corpus starting at `offset`, and the character after each. */
function batchAt(offset: number): { inputs: mx.array; targets: mx.array } {
  const windows: number[][] = [];
  const next: number[] = [];
  for (let i = 0; i < BATCH_SIZE; i++) {
    const start = (offset + i * 7) % (ids.length - CONTEXT - 1);
    windows.push(ids.slice(start, start + CONTEXT));
    next.push(ids[start + CONTEXT] ?? 0);
  }
  return { inputs: mx.array(windows, mx.int32), targets: mx.array(next, mx.int32) };
}

function lossFn(inputs: mx.array, targets: mx.array): mx.array {
  return nn.losses.crossEntropy(model.forward(inputs), targets, undefined, -1, 0, 'mean'); // ok: require-mlx-event-logging -- a training step's loss, given to valueAndGrad
}
const lossAndGrad = nn.valueAndGrad(model, lossFn);

/** Accuracy of the next-character prediction over a batch, logged as it is measured. */
function evaluate(split: string, inputs: mx.array, targets: mx.array): number {
  const logits = model.forward(inputs); // ok: require-mlx-event-logging -- the metric line below is an event on every path
  const accuracy = mx.mean(mx.equal(mx.argmax(logits, -1), targets)).item() as number;
  const loss = nn.losses.crossEntropy(logits, targets, undefined, -1, 0, 'mean').item() as number;
  console.log(`${split}: loss ${loss.toFixed(4)}, accuracy ${(accuracy * 100).toFixed(1)}%`); // ok: no-tainted-log -- a loss and an accuracy over a batch are metrics
  return accuracy;
}

const first = batchAt(0);
const { shape, dtype } = first.inputs;
console.log('input batches', shape, String(dtype)); // ok: no-tainted-log -- shape and dtype read by destructuring are metadata
const { shape: [batchSize, contextLength] } = first.inputs;
console.log(`batch size ${batchSize}, context ${contextLength}`); // ok: no-tainted-log -- nested destructuring of a shape is metadata
console.log('first batch', first.inputs); // expect: no-tainted-log -- a tensor
console.log(`first targets ${(first.targets.tolist() as number[]).join(',')}`); // expect: no-tainted-log -- raw tensor data

let runningLoss = 0;
let best = Number.POSITIVE_INFINITY;
for (let step = 1; step <= steps; step++) {
  const { inputs, targets } = batchAt(step * BATCH_SIZE);
  const [loss, grads] = lossAndGrad(inputs, targets) as [mx.array, utils.NestedDict<mx.array>];
  optimizer.update(model, grads);
  mx.eval(loss, model.parameters(), optimizer.state);
  const lossValue = loss.item() as number;
  runningLoss += lossValue;
  if (step % logEvery === 0) {
    console.log(`step ${step}: loss ${lossValue.toFixed(4)}, mean ${(runningLoss / logEvery).toFixed(4)}`); // ok: no-tainted-log -- the value half of valueAndGrad is a metric
    runningLoss = 0;
  }
  if (lossValue < best) {
    best = lossValue;
    model.saveWeights(join(values.out, 'best.safetensors')); // ok: require-mlx-event-logging -- saves are not watched by default
  }
  if (!Number.isFinite(lossValue)) {
    console.error('loss diverged at step %d: %d', step, lossValue); // ok: no-tainted-log -- a loss
    process.exit(1);
  }
}

const held = batchAt(7_919);
const trainAccuracy = evaluate('train', first.inputs, first.targets);
const heldOutAccuracy = evaluate('held out', held.inputs, held.targets);
const validationLoss = nn.losses.crossEntropy(model.forward(held.inputs), held.targets, undefined, -1, 0, 'mean').item() as number; // ok: require-mlx-event-logging -- the summary below is an event on the same path
console.log('validation loss %s', validationLoss.toFixed(4)); // ok: no-tainted-log -- a loss over a batch

const predicted = mx.argmax(model.forward(held.inputs), -1).tolist() as number[]; // ok: require-mlx-event-logging -- the lines below log
const correct = predicted.filter((id, i) => id === (held.targets.tolist() as number[])[i]).length;
console.log(`held-out: ${correct}/${predicted.length} correct`); // ok: no-tainted-log -- a count of matches over a batch
console.log('held-out predictions', tokenizer.decode(predicted)); // expect: no-tainted-log -- per-example outputs are model output, not a metric
const [firstPrediction] = predicted;
console.log(`first prediction ${firstPrediction}`); // expect: no-tainted-log -- one example's predicted id
const confidence = mx.max(mx.softmax(model.forward(held.inputs), -1), -1).tolist() as number[]; // ok: require-mlx-event-logging -- logged below
console.log('confidence of the held-out predictions', confidence); // expect: no-tainted-log -- per-example confidences are model output

model.saveWeights(join(values.out, 'last.safetensors')); // ok: require-mlx-event-logging -- saves are not watched by default
console.log(JSON.stringify({ steps, best, trainAccuracy, heldOutAccuracy, validationLoss })); // ok: no-tainted-log -- a summary of metrics
