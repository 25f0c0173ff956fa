import rule from '../../src/rules/no-tainted-log.js';
import { createRuleTesterWithTypes } from '../rule-tester.js';

// Issue #15, value precision: what a value is made of is kept apart where the code keeps it
// apart — metadata read by destructuring, callbacks that return only metadata or counts, the
// elements of `Promise.all([...])` and of tuples, the fields of a class instance — and a value
// resolved through `new Promise(...)` is followed. Each valid case was reported before the fix,
// and the invalid ones are the near-misses that must stay reported.
const ruleTester = createRuleTesterWithTypes();

const model = `
import { core as mx, nn } from '@frost-beta/mlx';
const model = new nn.Linear(2, 2);
const out = model.forward(mx.ones([1, 2]));
`;

ruleTester.run('no-tainted-log: metadata read by destructuring', rule, {
  valid: [
    {
      name: 'shape and dtype destructured off a model output',
      code: `${model}
const { shape, dtype, ndim, size } = out;
console.log(shape, dtype, ndim, size);
`,
    },
    {
      name: 'a shape destructured into its dimensions',
      code: `${model}
const { shape: [batch, width] } = out;
console.log(batch, width);
`,
    },
    {
      name: 'the shape of a tensor nested in a result object',
      code: `${model}
const result = { logits: out, steps: 2 };
const { logits: { shape, dtype } } = result;
console.log(shape, String(dtype));
`,
    },
    {
      name: 'a destructured parameter reading metadata',
      code: `${model}
function describe({ shape, itemsize }: mx.array): string {
  return \`\${shape.join('x')} of \${itemsize} bytes\`;
}
console.log(describe(out));
`,
    },
  ],
  invalid: [
    {
      name: 'a tensor destructured out of a model output object is still model output',
      code: `${model}
const result = { logits: out, steps: 2 };
const { logits, steps } = result;
console.log(steps);
console.log(logits);
`,
      errors: [
        {
          messageId: 'modelOutputReachesLog',
          line: 9,
          column: 13,
          suggestions: [
            {
              messageId: 'logTensorSummary',
              output: `${model}
const result = { logits: out, steps: 2 };
const { logits, steps } = result;
console.log(steps);
console.log({ shape: logits.shape, dtype: String(logits.dtype) });
`,
            },
          ],
        },
      ],
    },
    {
      name: 'data destructured out of a model output is still model output',
      code: `${model}
const result = { data: out.tolist() as number[], shape: out.shape };
const { data, shape } = result;
console.log(shape);
console.log(data);
`,
      errors: [{ messageId: 'modelOutputReachesLog', line: 9, column: 13 }],
    },
    {
      name: 'a shape field of a user object is no tensor metadata',
      code: `
const password = 'p';
const layout = { shape: password };
const { shape } = layout;
console.log(shape);
`,
      errors: [{ messageId: 'secretReachesLog', line: 5, column: 13 }],
    },
  ],
});

ruleTester.run('no-tainted-log: callbacks that return metadata or counts', rule, {
  valid: [
    {
      name: 'map to lengths',
      code: `${model}
const rows = out.tolist() as number[][];
console.log(rows.map((r) => r.length));
`,
    },
    {
      name: 'a reduce summing lengths',
      code: `${model}
const rows = out.tolist() as number[][];
const total = rows.reduce((sum, r) => sum + r.length, 0);
console.log(total);
`,
    },
    {
      name: 'then to a length',
      code: `${model}
async function answer(): Promise<string> {
  return String(out.item());
}
const length = await answer().then((s) => s.length);
console.log(length);
`,
    },
    {
      name: 'flatMap to shapes',
      code: `${model}
const outputs = [out, out];
console.log(outputs.flatMap((o) => o.shape));
`,
    },
  ],
  invalid: [
    {
      name: 'map to a field of each row is still model output',
      code: `${model}
const rows = (out.tolist() as number[]).map((score) => ({ text: String(score), score }));
console.log(rows.map((r) => r.text));
`,
      errors: [{ messageId: 'modelOutputReachesLog', line: 7, column: 13 }],
    },
    {
      name: 'a reduce summing the values is still model output',
      code: `${model}
const scores = out.tolist() as number[];
const total = scores.reduce((sum, score) => sum + score, 0);
console.log(total);
`,
      errors: [{ messageId: 'modelOutputReachesLog', line: 8, column: 13 }],
    },
    {
      name: 'a reduce whose initial value is tainted',
      code: `
const password = 'p';
const joined = ['a', 'b'].reduce((text, part) => text + part.length, password);
console.log(joined);
`,
      errors: [{ messageId: 'secretReachesLog', line: 4, column: 13 }],
    },
    {
      name: 'then to the text itself is still model output; filter keeps elements',
      code: `${model}
async function answer(): Promise<string> {
  return String(out.item());
}
const upper = await answer().then((s) => s.toUpperCase());
console.log(upper);
const rows = out.tolist() as number[];
console.log(rows.filter((r) => r > 0));
`,
      errors: [
        { messageId: 'rawDataReachesLog', line: 10, column: 13 },
        { messageId: 'modelOutputReachesLog', line: 12, column: 13 },
      ],
    },
  ],
});

/** Model output and a count, awaited together: `scores` and `rows`. */
const promised = `${model}
async function infer(): Promise<number[]> {
  return out.tolist() as number[];
}
async function countRows(): Promise<number> {
  return 3;
}
const [scores, rows] = await Promise.all([infer(), countRows()]);
`;

/** Model output and a count, returned as a tuple: `scores` and `steps`. */
const tuple = `${model}
function run(): [number[], number] {
  return [out.tolist() as number[], 2];
}
const [scores, steps] = run();
`;

ruleTester.run('no-tainted-log: elements of Promise.all and of tuples', rule, {
  valid: [
    {
      name: 'the clean element of Promise.all',
      code: `${promised}console.log(rows);
`,
    },
    {
      name: 'the clean element of a tuple returned by a function',
      code: `${tuple}console.log(steps);
const pair = run();
console.log(pair[1]);
`,
    },
    {
      name: 'the clean element of a tuple literal',
      code: `
const password = 'p';
const entry = [password, 'user'] as const;
const [, user] = entry;
console.log(user, entry[1]);
`,
    },
  ],
  invalid: [
    {
      name: 'the tainted element of Promise.all is still reported',
      code: `${promised}console.log(scores);
const all = await Promise.all([infer(), countRows()]);
console.log(all[0]);
console.log(all);
`,
      errors: [
        { messageId: 'rawDataReachesLog', line: 13, column: 13 },
        { messageId: 'rawDataReachesLog', line: 15, column: 13 },
        { messageId: 'rawDataReachesLog', line: 16, column: 13 },
      ],
    },
    {
      name: 'the tainted element of a tuple is still reported',
      code: `${tuple}console.log(scores);
const password = 'p';
const entry = [password, 'user'] as const;
const [secret] = entry;
console.log(secret, entry[0]);
const index = steps;
console.log(entry[index]);
`,
      errors: [
        { messageId: 'rawDataReachesLog', line: 10, column: 13 },
        { messageId: 'secretReachesLog', line: 14, column: 13 },
        { messageId: 'secretReachesLog', line: 14, column: 21 },
        { messageId: 'secretReachesLog', line: 16, column: 13 },
      ],
    },
  ],
});

/** A class whose constructor stores a model, a text and a count in fields; then `model` and `runner` are declared. */
const runner = (label: string) => `
import { nn } from '@frost-beta/mlx';
class Runner {
  readonly model: nn.Module;
  readonly label: string;
  readonly count: number;
  constructor(model: nn.Module, label: string) {
    this.model = model;
    this.label = label;
    this.count = 0;
  }
}
const password = 'p';
const model = new nn.Linear(2, 2);
const runner = new Runner(model, ${label});
`;

ruleTester.run('no-tainted-log: fields of class instances', rule, {
  valid: [
    {
      name: 'a plain numeric field of an instance that also holds a model',
      code: `
import { nn } from '@frost-beta/mlx';
class Trainer {
  steps = 0;
  constructor(readonly model: nn.Module, readonly batchSize: number) {}
}
const model = new nn.Linear(2, 2);
const trainer = new Trainer(model, 32);
console.log(trainer.steps, trainer.batchSize);
`,
    },
    {
      name: 'fields assigned in the constructor from clean arguments',
      code: `${runner("'classifier'")}console.log(runner.label, runner.count);
`,
    },
  ],
  invalid: [
    {
      name: 'the model field, and a field that holds a secret argument, are still reported',
      code: `${runner('password')}console.log(runner.model);
console.log(runner.label, runner.count);
console.log(runner);
`,
      errors: [
        { messageId: 'tensorReachesLog', line: 16, column: 13 },
        { messageId: 'secretReachesLog', line: 17, column: 13 },
        { messageId: 'secretReachesLog', line: 18, column: 13 },
      ],
    },
  ],
});

ruleTester.run('no-tainted-log: values resolved through new Promise', rule, {
  valid: [
    {
      name: 'a promise resolved with a clean value',
      code: `
const password = 'p';
const ready = await new Promise<boolean>((resolve) => resolve(password.length > 0));
console.log(ready);
`,
    },
  ],
  invalid: [
    {
      name: 'a value resolved through the executor and awaited',
      code: `${model}
const text = await new Promise<string>((resolve) => resolve(String(out.item())));
console.log(text);
`,
      errors: [{ messageId: 'modelOutputReachesLog', line: 7, column: 13 }],
    },
    {
      name: 'resolved later in a callback, and read with then',
      code: `
const password = 'p';
const later = new Promise<string>((resolve, reject) => {
  setTimeout(() => resolve(password), 10);
  if (password === '') reject(new Error('empty'));
});
console.log(await later);
later.then((value) => console.log(value));
`,
      errors: [
        { messageId: 'secretReachesLog', line: 7, column: 13 },
        { messageId: 'secretReachesLog', line: 8, column: 35 },
      ],
    },
  ],
});

// Issue #15, evaluation corpus (server.ts:15, webhook.ts:41): an object logged with a boolean or
// a number under a secret-like name (`apiKeyConfigured`) carries no secret, as a variable of that
// name does not; a string field of that name still makes the object a secret carrier.
ruleTester.run('no-tainted-log: secret-like names on booleans and numbers', rule, {
  valid: [
    {
      name: 'a boolean about a key, and the length of a token, in a logged object',
      code: `
declare const apiKey: string;
declare const webhookSecret: string;
console.log({ env: 'production', apiKeyConfigured: apiKey.length > 0 });
console.warn('bad signature', { presented: true, secretConfigured: webhookSecret.length > 0, tokenLength: 12 });
`,
    },
  ],
  invalid: [
    {
      name: 'a string field under a secret-like name still makes the object a secret carrier',
      code: `
declare const apiKey: string;
console.log({ env: 'production', apiKeyConfigured: apiKey.length > 0, apiKey });
`,
      errors: [{ messageId: 'secretReachesLog', line: 3, column: 13 }],
    },
  ],
});
