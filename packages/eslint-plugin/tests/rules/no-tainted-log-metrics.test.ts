import rule from '../../src/rules/no-tainted-log.js';
import { createRuleTesterWithTypes } from '../rule-tester.js';

// Issue #15, metrics versus data: a training loss (`nn.losses.*`, the value of `valueAndGrad`) and
// an accuracy over a batch (a reduction of a comparison with labels) are metrics, not reported by
// default; `reportMetrics` reports them. One request's output (its label, its confidence) and a
// comparison left per example stay model output. Each valid case was reported before.
const ruleTester = createRuleTesterWithTypes();

const setup = `
import { core as mx, nn, optimizers } from '@frost-beta/mlx';
const model = new nn.Linear(2, 3);
const optimizer = new optimizers.SGD(0.1);
const inputs = mx.ones([4, 2]);
const labels = mx.array([0, 1, 2, 1], mx.int32);
`;
const gradients = `${setup}
const lossAndGrad = nn.valueAndGrad(model, (x: mx.array, y: mx.array) => nn.losses.crossEntropy(model.forward(x), y, undefined, -1, 0, 'mean'));
const [loss, grads] = lossAndGrad(inputs, labels);`;
// The first line of a case's own code.
const at = (line: number): number => line + 7;

ruleTester.run('no-tainted-log: metrics', rule, {
  valid: [
    {
      name: 'a loss of nn.losses, logged as a number and as a tensor',
      code: `${setup}
const loss = nn.losses.crossEntropy(model.forward(inputs), labels, undefined, -1, 0, 'mean');
console.log(\`loss \${(loss.item() as number).toFixed(4)}\`);
console.log('loss', loss, \`\${loss}\`);
`,
    },
    {
      name: 'the value of nn.valueAndGrad in a training loop, the loss written by hand',
      code: `${setup}
const lossAndGrad = nn.valueAndGrad(model, (x: mx.array, y: mx.array) => mx.mean(mx.square(mx.subtract(model.forward(x), y))));
for (let step = 1; step <= 3; step++) {
  const [loss, grads] = lossAndGrad(inputs, labels);
  optimizer.update(model, grads as never);
  mx.eval(loss, model.parameters());
  console.log(\`step \${step}: loss \${loss.item() as number}\`);
}
`,
    },
    {
      name: 'the value of mx.valueAndGrad called at once',
      code: `${setup}
const [value] = mx.valueAndGrad((x: mx.array) => mx.sum(model.forward(x)))(inputs);
console.log('value', value.item());
`,
    },
    {
      name: 'an accuracy: the mean of argmax equal to the labels',
      code: `${setup}
const logits = model.forward(inputs);
const accuracy = mx.mean(mx.equal(mx.argmax(logits, 1), labels)).item() as number;
console.log(\`accuracy \${(accuracy * 100).toFixed(1)}%\`);
`,
    },
    {
      name: 'an accuracy: the sum of a comparison, through a const and astype, divided by a count',
      code: `${setup}
const correct = mx.equal(mx.argmax(model.forward(inputs), -1), labels);
const accuracy = (correct.astype(mx.float32).sum().item() as number) / labels.shape[0];
console.log({ accuracy });
`,
    },
    {
      name: 'an accuracy function of labels that reach the model, logged inside and at its caller',
      code: `${setup}
function accuracyOf(x: mx.array, y: mx.array): number {
  const value = mx.mean(mx.equal(mx.argmax(model.forward(x), -1), y)).item() as number;
  console.log('accuracy', { value, examples: x.shape[0] });
  return value;
}
console.log({ accuracy: accuracyOf(inputs, labels) });
`,
    },
  ],
  invalid: [
    {
      name: 'one request’s label and confidence stay model output',
      code: `${setup}
export function classify(features: number[]): void {
  const logits = model.forward(mx.array([features]));
  const label = mx.argmax(logits, 1).item() as number;
  const confidence = mx.max(mx.softmax(logits, -1)).item() as number;
  console.log(\`label \${label} (\${confidence})\`);
}
`,
      errors: [{ messageId: 'modelOutputReachesLog', line: at(5), column: 15 }],
    },
    {
      name: 'a per-request prediction of a single input, then item()',
      code: `${setup}
const single = model.forward(mx.array([[0.5, 0.25]]));
console.log('prediction', mx.argmax(single, 1).item());
`,
      errors: [{ messageId: 'modelOutputReachesLog', line: at(2), column: 27 }],
    },
    {
      name: 'a comparison left per example, and the mean of an output, are not metrics',
      code: `${setup}
const logits = model.forward(inputs);
console.log(mx.equal(mx.argmax(logits, 1), labels).tolist());
console.log(mx.mean(logits).item());
`,
      errors: [
        { messageId: 'modelOutputReachesLog', line: at(2), column: 13 },
        { messageId: 'modelOutputReachesLog', line: at(3), column: 13 },
      ],
    },
    {
      name: 'model output logged beside a loss is still reported',
      code: `${setup}
const logits = model.forward(inputs);
const loss = nn.losses.crossEntropy(logits, labels, undefined, -1, 0, 'mean');
console.log({ loss: loss.item(), predictions: mx.argmax(logits, 1).tolist() });
`,
      errors: [{ messageId: 'modelOutputReachesLog', line: at(3), column: 13 }],
    },
    {
      name: 'the gradients of valueAndGrad are tensors',
      code: `${gradients}
console.log(loss.item(), grads);
`,
      errors: [
        {
          messageId: 'tensorReachesLog',
          line: at(3),
          column: 26,
          suggestions: [{ messageId: 'logTensorSummary', output: `${gradients}
console.log(loss.item(), { shape: grads.shape, dtype: String(grads.dtype) });
` }],
        },
      ],
    },
    {
      name: 'reportMetrics: a loss and an accuracy are reported',
      options: [{ reportMetrics: true }],
      code: `${setup}
const lossAndGrad = nn.valueAndGrad(model, (x: mx.array, y: mx.array) => mx.mean(mx.square(mx.subtract(model.forward(x), y))));
const [loss] = lossAndGrad(inputs, labels);
console.log(\`loss \${loss.item() as number}\`);
const crossEntropy = nn.losses.crossEntropy(model.forward(inputs), labels);
console.log(crossEntropy);
console.log('accuracy', mx.mean(mx.equal(mx.argmax(model.forward(inputs), 1), labels)).item());
`,
      errors: [
        { messageId: 'metricReachesLog', line: at(3), column: 13 },
        { messageId: 'metricReachesLog', line: at(5), column: 13 },
        { messageId: 'metricReachesLog', line: at(6), column: 25 },
      ],
    },
  ],
});
