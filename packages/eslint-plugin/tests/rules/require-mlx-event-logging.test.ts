import rule from '../../src/rules/require-mlx-event-logging.js';
import { createRuleTesterWithTypes } from '../rule-tester.js';
import { MX, withLine } from './require-mlx-event-logging/cases.js';

const ruleTester = createRuleTesterWithTypes();

const LOADED = (source: string) => `console.info('model loaded', { event: 'model.load', source: ${source}, outcome: 'success' });`;
const LOADING = (source: string) => `console.info('loading model', { event: 'model.load', source: ${source}, outcome: 'unknown' });`;

const COMPILED_AND_CALLED = `${MX}function loss(model: nn.Linear, x: mx.array): mx.array {
  return model.forward(x).sum();
}
export function serve(model: nn.Linear, x: mx.array) {
  const fast = mx.compile((w: mx.array) => model.forward(w));
  nn.valueAndGrad(model, loss);
  return [fast, loss(model, x)];
}`;
const LOOP_ZERO_TIMES = `${MX}export function load(path: string, notes: string[]) {
  for (const note of notes) console.info(note);
  return mx.load(path);
}`;
const LOOP_SOME_ITERATIONS = `${MX}export function loadAll(paths: string[]) {
  const all = [];
  for (const path of paths) {
    if (path.endsWith('.npz')) console.warn('npz checkpoint', { path });
    all.push(mx.load(path));
  }
  return all;
}`;
const TRY_CATCH = `${MX}export function load(path: string) {
  let weights;
  try {
    weights = mx.load(path);
  } catch (error) {
    console.error('model load failed', error);
    throw error;
  }
  return weights;
}`;
const EARLY_RETURN_AFTER = `${MX}export function load(path: string, cached: boolean) {
  const weights = mx.load(path);
  if (cached) return weights;
  console.info('model loaded', { path });
  return weights;
}`;
const EVENT_IN_CALLBACK = `${MX}export function load(path: string) {
  const weights = mx.load(path);
  setTimeout(() => {
    console.info('model loaded', { path });
  }, 0);
  return weights;
}`;
const FORWARD_AND_LOAD_WEIGHTS = `${MX}export class Net extends nn.Module {
  restore(path: string) {
    this.loadWeights(path);
  }
}
export function run(model: nn.Linear, x: mx.array) {
  return model.forward(x);
}`;
const ALIASES = `import mlx from '@frost-beta/mlx';
import * as all from '@frost-beta/mlx';
const { load } = mlx.core;
const read = all.core.load;
export function loadBoth(first: string, second: string) {
  const a = load(first);
  const b = read(second);
  return [a, b];
}`;
const SAVE_AND_EVAL = `${MX}export function persist(path: string, x: mx.array) {
  mx.eval(x);
  mx.save(path, x);
}`;
const AUDIT_TRAIL = `${MX}interface AuditTrail {
  record(action: string, fields: Record<string, unknown>): void;
}
export function load(trail: AuditTrail, path: string) {
  const weights = mx.load(path);
  trail.record('model.load', { path });
  return weights;
}`;
const CALLER_COVERS = `${MX}function loadModel(path: string) {
  return mx.load(path);
}
export function handler(path: string) {
  const weights = loadModel(path);
  console.info('model loaded', { path });
  return weights;
}`;
const CALLERS_DO_NOT_COVER = `${MX}function loadModel(path: string) {
  return mx.load(path);
}
export function readWeights(path: string) {
  return mx.load(path);
}
export function handler(path: string, verbose: boolean) {
  const weights = loadModel(path);
  if (verbose) console.info('model loaded', { path });
  return [weights, readWeights(path)];
}`;
const USER_LOAD = `${MX}function load(path: string) {
  return path.length;
}
export function size(path: string) {
  load(path);
  return mx.load(path);
}`;
const WINSTON = `${MX}import winston from 'winston';
const log = winston.createLogger();
export function load(directory: string) {
  const weights = mx.load(\`\${directory}/\${String(Date.now())}.safetensors\`);
  if (weights.size > 0) log.info('loaded');
  return weights;
}`;

ruleTester.run('require-mlx-event-logging', rule, {
  valid: [
    {
      name: 'an event after the load',
      code: `${MX}export function load(path: string) {
  const weights = mx.load(path);
  console.info('model loaded', { path });
  return weights;
}`,
    },
    {
      name: 'an event before the inference, with pino',
      code: `${MX}import pino from 'pino';
const logger = pino();
export function run(model: nn.Linear, x: mx.array) {
  logger.info({ event: 'model.inference' }, 'running inference');
  return model.forward(x);
}`,
    },
    {
      name: 'an event on both branches',
      code: `${MX}export function load(path: string, verbose: boolean) {
  const weights = mx.load(path);
  if (verbose) console.debug('model loaded', { path });
  else console.info('model loaded');
  return weights;
}`,
    },
    {
      name: 'an event in the loop body with the load, on every iteration',
      code: `${MX}export function loadAll(paths: string[]) {
  const all = [];
  for (const path of paths) {
    all.push(mx.load(path));
    console.info('model loaded', { path });
  }
  return all;
}`,
    },
    {
      name: 'an early return before the call, and an event on the path that loads',
      code: `${MX}export function load(path: string | undefined) {
  if (path === undefined) return undefined;
  const weights = mx.load(path);
  console.info('model loaded', { path });
  return weights;
}`,
    },
    {
      name: 'a path that throws after the load needs no event: the caller gets the failure',
      code: `${MX}export function load(path: string) {
  const weights = mx.load(path);
  if (weights.size === 0) throw new Error('empty checkpoint');
  console.info('model loaded', { path });
  return weights;
}`,
    },
    {
      name: 'an event in finally runs on every path',
      code: `${MX}export function load(path: string) {
  try {
    return mx.load(path);
  } finally {
    console.info('model load attempted', { path });
  }
}`,
    },
    {
      name: 'forward inside an nn.Module subclass is layer composition, exempt',
      code: `${MX}export class Net extends nn.Module {
  layer = new nn.Linear(2, 2);
  override forward(x: mx.array): mx.array {
    return this.layer.forward(x);
  }
}`,
    },
    {
      name: 'a loss function given to a gradient transform, directly or through a callback, is training',
      code: `${MX}function loss(model: nn.Linear, x: mx.array, y: mx.array): mx.array {
  return nn.losses.mseLoss(model.forward(x), y, 'mean');
}
export function step(model: nn.Linear, x: mx.array, y: mx.array) {
  const direct = nn.valueAndGrad(model, loss);
  const wrapped = mx.grad((w: mx.array) => model.forward(w).sum());
  const through = nn.valueAndGrad(model, (a: mx.array, b: mx.array) => loss(model, a, b));
  return [direct, wrapped, through];
}`,
    },
    {
      name: 'requireSource: a literal source, a source in any event of the function, or the check off',
      code: `${MX}export function load(dir: string) {
  console.info('loading', { dir });
  const weights = mx.load(dir);
  const fixed = mx.load('model.safetensors');
  console.info('loaded');
  return [weights, fixed];
}`,
    },
    {
      name: 'requireSource off',
      options: [{ requireSource: false }],
      code: `${MX}export function load(path: string) {
  const weights = mx.load(path);
  console.info('model loaded');
  return weights;
}`,
    },
    {
      name: 'tensor operations, creation and extraction are no triggers',
      code: `${MX}export function total(values: number[]) {
  return mx.add(mx.array(values), mx.ones([values.length])).sum().item();
}`,
    },
    {
      name: 'a function of the program named load is not MLX',
      code: `function load(path: string) {
  return path.length;
}
export function size(path: string) {
  return load(path);
}`,
    },
    {
      name: 'saves and evaluations are not triggers by default',
      code: `${MX}export function persist(path: string, x: mx.array) {
  mx.eval(x);
  mx.save(path, x);
}`,
    },
    {
      name: 'the runtime audit helper is an event',
      code: `${MX}import { auditEvent } from '@mlx-audit/runtime';
export function load(path: string) {
  const weights = mx.load(path);
  auditEvent('model.load', { source: path, outcome: 'success' });
  return weights;
}`,
    },
    {
      name: 'a logging helper in another file of the program is an event',
      code: `${MX}import { logValue } from './helpers.js';
export function load(path: string) {
  logValue(path);
  return mx.load(path);
}`,
    },
    {
      name: 'a helper that logs in this file is an event',
      code: `${MX}function logLoad(path: string): void {
  console.info('model loaded', { path });
}
export function load(path: string) {
  const weights = mx.load(path);
  logLoad(path);
  return weights;
}`,
    },
    {
      name: 'every call of the function in this file is covered by an event of its caller',
      code: `${MX}function loadModel(path: string) {
  return mx.load(path);
}
export function handler(path: string) {
  const weights = loadModel(path);
  console.info('model loaded', { path });
  return weights;
}`,
    },
    {
      name: 'callers cover through two levels',
      code: `${MX}const read = (path: string) => mx.load(path);
function prepare(path: string) {
  return read(path);
}
export function handler(path: string) {
  console.info('loading model', { path });
  return prepare(path);
}`,
    },
    {
      name: 'sinks (the option every rule takes for extra log calls): methods of a type the program cannot see into',
      options: [{ sinks: [{ type: 'AuditTrail', methods: ['record'] }] }],
      code: AUDIT_TRAIL,
    },
    {
      name: 'sinks and the deprecated eventCalls together: both count',
      options: [{ sinks: [{ name: 'unrelated' }], eventCalls: [{ type: 'AuditTrail', methods: ['record'] }] }],
      code: AUDIT_TRAIL,
    },
    {
      name: 'eventCalls: methods of a type the program cannot see into',
      options: [{ eventCalls: [{ type: 'AuditTrail', methods: ['record'] }] }],
      code: `${MX}interface AuditTrail {
  record(action: string, fields: Record<string, unknown>): void;
}
export function load(trail: AuditTrail, path: string) {
  const weights = mx.load(path);
  trail.record('model.load', { path });
  return weights;
}`,
    },
    {
      name: 'kinds: inference only, so a load needs nothing',
      options: [{ kinds: ['inference'] }],
      code: `${MX}export function load(path: string) {
  return mx.load(path);
}`,
    },
  ],
  invalid: [
    {
      name: 'a load with no event at all, suggestion with console before the return',
      code: `${MX}export function load(path: string) {
  return mx.load(path);
}`,
      errors: [
        {
          messageId: 'missingOnAllPaths',
          line: 3,
          column: 10,
          endColumn: 23,
          data: { call: '`mx.load`', kind: 'model load', fn: '`load`', what: ', with the model source (path or URL) and the outcome' },
          suggestions: [
            {
              messageId: 'addLogEvent',
              data: { event: 'model.load', logger: 'console.info', where: 'before' },
              output: `${MX}export function load(path: string) {
  console.info('loading model', { event: 'model.load', source: path, outcome: 'unknown' });
  return mx.load(path);
}`,
            },
          ],
        },
      ],
    },
    {
      name: 'an event on one branch only, suggestion with the pino logger in scope',
      code: `${MX}import pino from 'pino';
const logger = pino();
export function load(path: string, verbose: boolean) {
  const weights = mx.load(path);
  if (verbose) logger.debug({ path }, 'loaded');
  return weights;
}`,
      errors: [
        {
          messageId: 'missingOnSomePaths',
          line: 5,
          column: 19,
          suggestions: [
            {
              messageId: 'addLogEvent',
              data: { event: 'model.load', logger: 'logger.info', where: 'after' },
              output: `${MX}import pino from 'pino';
const logger = pino();
export function load(path: string, verbose: boolean) {
  const weights = mx.load(path);
  logger.info({ event: 'model.load', source: path, outcome: 'success' }, 'model loaded');
  if (verbose) logger.debug({ path }, 'loaded');
  return weights;
}`,
            },
          ],
        },
      ],
    },
    {
      name: 'an event in a loop body that may run zero times',
      code: LOOP_ZERO_TIMES,
      errors: [{ messageId: 'missingOnSomePaths', line: 4, column: 10, suggestions: [{ messageId: 'addLogEvent', output: withLine(LOOP_ZERO_TIMES, 3, `  ${LOADING('path')}`) }] }],
    },
    {
      name: 'a loop body that loads with an event on some iterations only',
      code: LOOP_SOME_ITERATIONS,
      errors: [{ messageId: 'missingOnSomePaths', line: 6, column: 14, suggestions: [{ messageId: 'addLogEvent', output: withLine(LOOP_SOME_ITERATIONS, 6, `    ${LOADED('path')}`) }] }],
    },
    {
      name: 'try/catch: the catch logs, but the path that loads and returns does not',
      code: TRY_CATCH,
      errors: [{ messageId: 'missingOnSomePaths', line: 5, column: 15, suggestions: [{ messageId: 'addLogEvent', output: withLine(TRY_CATCH, 5, `    ${LOADED('path')}`) }] }],
    },
    {
      name: 'a return that skips the event after the call',
      code: EARLY_RETURN_AFTER,
      errors: [{ messageId: 'missingOnSomePaths', line: 3, column: 19, suggestions: [{ messageId: 'addLogEvent', output: withLine(EARLY_RETURN_AFTER, 3, `  ${LOADED('path')}`) }] }],
    },
    {
      name: 'an event inside a callback does not count for the function that loads',
      code: EVENT_IN_CALLBACK,
      errors: [{ messageId: 'missingOnAllPaths', line: 3, column: 19, suggestions: [{ messageId: 'addLogEvent', output: withLine(EVENT_IN_CALLBACK, 3, `  ${LOADED('path')}`) }] }],
    },
    {
      name: 'a load inside a callback is the callback’s to log',
      code: `${MX}export function loadAll(paths: string[]) {
  console.info('loading models', { count: paths.length });
  return paths.map((path) => mx.load(path));
}`,
      errors: [{ messageId: 'missingOnAllPaths', line: 4, column: 30, data: { call: '`mx.load`', kind: 'model load', fn: 'this function', what: ', with the model source (path or URL) and the outcome' } }],
    },
    {
      name: 'forward outside an nn.Module subclass is inference; a load inside one is never exempt',
      code: FORWARD_AND_LOAD_WEIGHTS,
      errors: [
        { messageId: 'missingOnAllPaths', line: 4, column: 5, suggestions: [{ messageId: 'addLogEvent', output: withLine(FORWARD_AND_LOAD_WEIGHTS, 4, `    ${LOADED('path')}`) }] },
        {
          messageId: 'missingOnAllPaths',
          line: 8,
          column: 10,
          data: { call: '`model.forward`', kind: 'inference', fn: '`run`', what: ', with its outcome' },
          suggestions: [
            { messageId: 'addLogEvent', output: withLine(FORWARD_AND_LOAD_WEIGHTS, 7, `  console.info('running inference', { event: 'model.inference', outcome: 'unknown' });`) },
          ],
        },
      ],
    },
    {
      name: 'a compiled function is no training step, and a loss function also called directly is inference there',
      code: COMPILED_AND_CALLED,
      errors: [
        {
          messageId: 'missingOnAllPaths',
          line: 3,
          column: 10,
          suggestions: [{ messageId: 'addLogEvent', output: withLine(COMPILED_AND_CALLED, 2, `  console.info('running inference', { event: 'model.inference', outcome: 'unknown' });`) }],
        },
        { messageId: 'missingOnAllPaths', line: 6, column: 44, suggestions: [] },
      ],
    },
    {
      name: 'requireSource: the load is logged, but no event says where from',
      code: `${MX}export function load(options: { path: string; name: string }) {
  const weights = mx.load(options.path);
  console.info('model loaded', { name: options.name });
  return weights;
}
export function loadNamed(file: string) {
  const weights = mx.load(file);
  console.info('model loaded', { bytes: weights.size });
  return weights;
}`,
      errors: [
        { messageId: 'missingSource', line: 3, column: 19, data: { call: '`mx.load`', fn: '`load`', source: 'options.path' } },
        { messageId: 'missingSource', line: 8, column: 19, data: { call: '`mx.load`', fn: '`loadNamed`', source: 'file' } },
      ],
    },
    {
      name: 'loads through an alias, destructuring and a namespace import',
      code: ALIASES,
      errors: [
        { messageId: 'missingOnAllPaths', line: 6, column: 13, suggestions: [{ messageId: 'addLogEvent', output: withLine(ALIASES, 6, `  ${LOADED('first')}`) }] },
        { messageId: 'missingOnAllPaths', line: 7, column: 13, suggestions: [{ messageId: 'addLogEvent', output: withLine(ALIASES, 7, `  ${LOADED('second')}`) }] },
      ],
    },
    {
      name: 'kinds: saves and evaluations when asked for',
      options: [{ kinds: ['model-save', 'evaluation'] }],
      code: SAVE_AND_EVAL,
      errors: [
        {
          messageId: 'missingOnAllPaths',
          line: 3,
          column: 3,
          data: { call: '`mx.eval`', kind: 'evaluation', fn: '`persist`', what: ', with its outcome' },
          suggestions: [{ messageId: 'addLogEvent', output: withLine(SAVE_AND_EVAL, 3, `  console.info('evaluation done', { event: 'model.evaluation', outcome: 'success' });`) }],
        },
        {
          messageId: 'missingOnAllPaths',
          line: 4,
          column: 3,
          data: { call: '`mx.save`', kind: 'model save', fn: '`persist`', what: ', with its outcome' },
          suggestions: [{ messageId: 'addLogEvent', output: withLine(SAVE_AND_EVAL, 4, `  console.info('model saved', { event: 'model.save', outcome: 'success' });`) }],
        },
      ],
    },
    {
      name: 'sinks: a method the option does not list is no event',
      options: [{ sinks: [{ type: 'AuditTrail', methods: ['flush'] }] }],
      code: AUDIT_TRAIL,
      errors: [{ messageId: 'missingOnAllPaths', line: 6, column: 19, suggestions: [{ messageId: 'addLogEvent', output: withLine(AUDIT_TRAIL, 6, `  ${LOADED('path')}`) }] }],
    },
    {
      name: 'eventCalls: without the option, a method of a type the program cannot see into is no event',
      code: AUDIT_TRAIL,
      errors: [{ messageId: 'missingOnAllPaths', line: 6, column: 19, suggestions: [{ messageId: 'addLogEvent', output: withLine(AUDIT_TRAIL, 6, `  ${LOADED('path')}`) }] }],
    },
    {
      name: 'sameFileCallers off: the caller’s event does not count',
      options: [{ sameFileCallers: false }],
      code: CALLER_COVERS,
      errors: [{ messageId: 'missingOnAllPaths', line: 3, column: 10, suggestions: [{ messageId: 'addLogEvent', output: withLine(CALLER_COVERS, 2, `  ${LOADING('path')}`) }] }],
    },
    {
      name: 'a caller that logs on some paths only, or an exported function, does not cover',
      code: CALLERS_DO_NOT_COVER,
      errors: [
        { messageId: 'missingOnAllPaths', line: 3, column: 10, suggestions: [{ messageId: 'addLogEvent', output: withLine(CALLERS_DO_NOT_COVER, 2, `  ${LOADING('path')}`) }] },
        { messageId: 'missingOnAllPaths', line: 6, column: 10, suggestions: [{ messageId: 'addLogEvent', output: withLine(CALLERS_DO_NOT_COVER, 5, `  ${LOADING('path')}`) }] },
      ],
    },
    {
      name: 'a user function named load that is not MLX does not hide the MLX load',
      code: USER_LOAD,
      errors: [{ messageId: 'missingOnAllPaths', line: 7, column: 10, suggestions: [{ messageId: 'addLogEvent', output: withLine(USER_LOAD, 6, `  ${LOADING('path')}`) }] }],
    },
    {
      name: 'suggestion: auditEvent when the file imports it',
      code: `${MX}import { auditEvent } from '@mlx-audit/runtime';
export function load(path: string) {
  const weights = mx.load(path);
  return weights;
}`,
      errors: [
        {
          messageId: 'missingOnAllPaths',
          line: 4,
          column: 19,
          suggestions: [
            {
              messageId: 'addLogEvent',
              data: { event: 'model.load', logger: 'auditEvent', where: 'after' },
              output: `${MX}import { auditEvent } from '@mlx-audit/runtime';
export function load(path: string) {
  const weights = mx.load(path);
  auditEvent('model.load', { source: path, outcome: 'success' });
  return weights;
}`,
            },
          ],
        },
      ],
    },
    {
      name: 'suggestion: winston takes the message first; a computed source is not repeated',
      code: WINSTON,
      errors: [
        {
          messageId: 'missingOnSomePaths',
          line: 5,
          column: 19,
          suggestions: [
            {
              messageId: 'addLogEvent',
              data: { event: 'model.load', logger: 'log.info', where: 'after' },
              output: withLine(WINSTON, 5, `  log.info('model loaded', { event: 'model.load', outcome: 'success' });`),
            },
          ],
        },
      ],
    },
    {
      name: 'suggestion: an inference under a condition gets none; console for a module-level load',
      code: `${MX}export function run(model: nn.Linear | undefined, x: mx.array) {
  return model ? model.forward(x) : x;
}
export const weights = mx.load('model.safetensors');`,
      errors: [
        { messageId: 'missingOnAllPaths', line: 3, column: 18, suggestions: [] },
        {
          messageId: 'missingOnAllPaths',
          line: 5,
          column: 24,
          suggestions: [
            {
              messageId: 'addLogEvent',
              data: { event: 'model.load', logger: 'console.info', where: 'after' },
              output: `${MX}export function run(model: nn.Linear | undefined, x: mx.array) {
  return model ? model.forward(x) : x;
}
export const weights = mx.load('model.safetensors');
console.info('model loaded', { event: 'model.load', source: 'model.safetensors', outcome: 'success' });`,
            },
          ],
        },
      ],
    },
  ],
});
