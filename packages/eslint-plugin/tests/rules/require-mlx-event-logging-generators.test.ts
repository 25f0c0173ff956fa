import rule from '../../src/rules/require-mlx-event-logging.js';
import { createRuleTesterWithTypes } from '../rule-tester.js';
import { MX, withLine } from './require-mlx-event-logging/cases.js';

const ruleTester = createRuleTesterWithTypes();

const INFERENCE_DONE = `console.info('inference done', { event: 'model.inference', outcome: 'success' });`;

const RETURN_IN_LOOP = `${MX}export function* stream(model: nn.Linear, x: mx.array, stop: (y: mx.array) => boolean): Generator<mx.array, number> {
  let steps = 0;
  while (steps < 10) {
    const y = model.forward(x);
    if (stop(y)) return steps;
    steps++;
    yield y;
  }
  console.info('inference done', { steps });
  return steps;
}`;
const NO_EVENT = `${MX}export function* stream(model: nn.Linear, x: mx.array): Generator<mx.array, void> {
  for (let step = 0; step < 10; step++) {
    const y = model.forward(x);
    yield y;
  }
}`;

// A `yield` suspends the generator and resumes it at the same place: it is no exit of the function.
ruleTester.run('require-mlx-event-logging: generators', rule, {
  valid: [
    {
      name: 'a generator that yields in the loop and logs after it',
      code: `${MX}export function* stream(model: nn.Linear, x: mx.array, limit: number): Generator<mx.array, number> {
  let steps = 0;
  while (steps < limit) {
    const y = model.forward(x);
    if (y.size === 0) break;
    steps++;
    yield y;
  }
  console.info('inference done', { steps });
  return steps;
}`,
    },
    {
      name: 'an async generator that awaits and yields in the loop and logs after it',
      code: `${MX}export async function* stream(model: nn.Linear, inputs: AsyncIterable<mx.array>): AsyncGenerator<mx.array, void> {
  let steps = 0;
  for await (const x of inputs) {
    const y = model.forward(x);
    await new Promise((resolve) => setImmediate(resolve));
    steps++;
    yield y;
  }
  console.info('inference done', { steps });
}`,
    },
    {
      name: 'a generator that delegates with yield* in the loop and logs after it',
      code: `${MX}export function* stream(model: nn.Linear, x: mx.array, extra: Iterable<mx.array>): Generator<mx.array, void> {
  for (let step = 0; step < 10; step++) {
    const y = model.forward(x);
    yield* [y];
    yield* extra;
  }
  console.info('inference done', { event: 'model.inference' });
}`,
    },
  ],
  invalid: [
    {
      name: 'a return in the loop, before the event after it, skips the event',
      code: RETURN_IN_LOOP,
      errors: [
        {
          messageId: 'missingOnSomePaths',
          line: 5,
          column: 15,
          data: { call: '`model.forward`', kind: 'inference', fn: '`stream`', what: ', with its outcome' },
          suggestions: [{ messageId: 'addLogEvent', output: withLine(RETURN_IN_LOOP, 5, `    ${INFERENCE_DONE}`) }],
        },
      ],
    },
    {
      name: 'a generator with no event at all',
      code: NO_EVENT,
      errors: [
        {
          messageId: 'missingOnAllPaths',
          line: 4,
          column: 15,
          data: { call: '`model.forward`', kind: 'inference', fn: '`stream`', what: ', with its outcome' },
          suggestions: [{ messageId: 'addLogEvent', output: withLine(NO_EVENT, 4, `    ${INFERENCE_DONE}`) }],
        },
      ],
    },
  ],
});
