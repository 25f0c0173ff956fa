import rule from '../../src/rules/no-tainted-log.js';
import { createRuleTesterWithTypes } from '../rule-tester.js';

// Cases are grouped as the rule's documentation lists them: sources, sinks, propagation, sanitizers, options.
const ruleTester = createRuleTesterWithTypes();

ruleTester.run('no-tainted-log: sources', rule, {
  valid: [
    {
      name: "ML vocabulary is not a secret",
      code: `
const tokens = [101, 2054, 102];
const tokenIds = tokens;
const maxTokens = 128;
const keys = ['q', 'k', 'v'];
console.log(tokens, tokenIds, maxTokens, keys);
`,
    },
    {
      name: "numbers and booleans named like secrets are not secrets",
      code: `
const passwordLength = 12;
const hasApiKey = true;
console.log(passwordLength, hasApiKey);
`,
    },
  ],
  invalid: [
    {
      name: "tensor logged directly",
      code: `
import { core as mx } from '@frost-beta/mlx';
const x = mx.ones([2, 2]);
console.log(x);
`,
      errors: [
        { messageId: 'tensorReachesLog', line: 4, column: 13, suggestions: [{ messageId: 'logTensorSummary', output: `
import { core as mx } from '@frost-beta/mlx';
const x = mx.ones([2, 2]);
console.log({ shape: x.shape, dtype: String(x.dtype) });
` }] },
      ],
    },
    {
      name: "tensor inside an object literal",
      code: `
import { core as mx } from '@frost-beta/mlx';
const x = mx.zeros([3]);
console.info({ x });
`,
      errors: [
        { messageId: 'tensorReachesLog', line: 4, column: 14 },
      ],
    },
    {
      name: "array of tensors",
      code: `
import { core as mx } from '@frost-beta/mlx';
const parts: mx.array[] = mx.split(mx.ones([4]), 2);
console.log(parts);
`,
      errors: [
        { messageId: 'tensorReachesLog', line: 4, column: 13 },
      ],
    },
    {
      name: "tuple holding tensors",
      code: `
import { core as mx } from '@frost-beta/mlx';
const pair: [mx.array, number] = [mx.ones([1]), 1];
console.log(pair);
`,
      errors: [
        { messageId: 'tensorReachesLog', line: 4, column: 13 },
      ],
    },
    {
      name: "record of tensors (weights map)",
      code: `
import { core as mx } from '@frost-beta/mlx';
const weights: Record<string, mx.array> = { w: mx.ones([2]) };
console.log(weights);
`,
      errors: [
        { messageId: 'tensorReachesLog', line: 4, column: 13 },
      ],
    },
    {
      name: "Map of tensors",
      code: `
import { core as mx } from '@frost-beta/mlx';
const cache = new Map<string, mx.array>();
console.log(cache);
`,
      errors: [
        { messageId: 'tensorReachesLog', line: 4, column: 13 },
      ],
    },
    {
      name: "Promise of a tensor",
      code: `
import { core as mx } from '@frost-beta/mlx';
const pending: Promise<mx.array> = Promise.resolve(mx.ones([1]));
console.log(pending);
`,
      errors: [
        { messageId: 'tensorReachesLog', line: 4, column: 13 },
      ],
    },
    {
      name: "class instance holding a tensor field",
      code: `
import { core as mx } from '@frost-beta/mlx';
class Holder { state = mx.zeros([2]); name = 'h'; }
const holder = new Holder();
console.log(holder);
console.log(holder.name);
`,
      errors: [
        { messageId: 'tensorReachesLog', line: 5, column: 13 },
      ],
    },
    {
      name: "tolist is raw data",
      code: `
import { core as mx } from '@frost-beta/mlx';
const values = mx.ones([2]).tolist();
console.log(values);
`,
      errors: [
        { messageId: 'rawDataReachesLog', line: 4, column: 13 },
      ],
    },
    {
      name: "item is raw data",
      code: `
import { core as mx } from '@frost-beta/mlx';
const loss = mx.mean(mx.ones([2])).item();
console.log('loss', loss);
`,
      errors: [
        { messageId: 'rawDataReachesLog', line: 4, column: 21 },
      ],
    },
    {
      name: "toString is raw data",
      code: `
import { core as mx } from '@frost-beta/mlx';
const t = mx.ones([2]);
console.log(t.toString());
`,
      errors: [
        { messageId: 'rawDataReachesLog', line: 4, column: 13 },
      ],
    },
    {
      name: "tensor in a template literal is raw data",
      code: `
import { core as mx } from '@frost-beta/mlx';
const t = mx.ones([2]);
console.log(\`value: \${t}\`);
`,
      errors: [
        { messageId: 'rawDataReachesLog', line: 4, column: 13 },
      ],
    },
    {
      name: "arithmetic on extracted values stays raw data",
      code: `
import { core as mx } from '@frost-beta/mlx';
const total = (mx.sum(mx.ones([2])).item() as number) * 100;
console.log(total);
`,
      errors: [
        { messageId: 'rawDataReachesLog', line: 4, column: 13 },
      ],
    },
    {
      name: "the data a tensor is built from is a model input",
      code: `
import { core as mx } from '@frost-beta/mlx';
const features = [[0.5, 1.5]];
console.log(features);
const x = mx.array(features);
console.log(x.shape);
`,
      errors: [
        { messageId: 'modelInputReachesLog', line: 4, column: 13 },
      ],
    },
    {
      name: "arguments of forward on a layer are model inputs",
      code: `
import { core as mx, nn } from '@frost-beta/mlx';
const layer = new nn.Linear(2, 2);
const input = mx.ones([1, 2]);
const inputs = { batch: input };
layer.forward(inputs.batch);
console.log(inputs);
`,
      errors: [
        { messageId: 'modelInputReachesLog', line: 7, column: 13 },
      ],
    },
    {
      name: "parameters of forward in an nn.Module subclass are model inputs",
      code: `
import { core as mx, nn } from '@frost-beta/mlx';
export class Encoder extends nn.Module {
  proj = new nn.Linear(4, 4);
  forward(tokens: mx.array): mx.array {
    console.debug(tokens);
    return this.proj.forward(tokens);
  }
}
`,
      errors: [
        { messageId: 'modelInputReachesLog', line: 6, column: 19, suggestions: [{ messageId: 'logTensorSummary', output: `
import { core as mx, nn } from '@frost-beta/mlx';
export class Encoder extends nn.Module {
  proj = new nn.Linear(4, 4);
  forward(tokens: mx.array): mx.array {
    console.debug({ shape: tokens.shape, dtype: String(tokens.dtype) });
    return this.proj.forward(tokens);
  }
}
` }] },
      ],
    },
    {
      name: "a prompt encoded and fed to forward is a model input, before and after",
      code: `
import { core as mx, nn } from '@frost-beta/mlx';
const model = new nn.Linear(3, 2);
export function predict(prompt: string): mx.array {
  console.info('prompt', prompt);
  const ids = prompt.split(' ').map((word) => word.length);
  const y = model.forward(mx.array([ids]));
  console.info('done', prompt.length);
  return y;
}
`,
      errors: [
        { messageId: 'modelInputReachesLog', line: 5, column: 26 },
      ],
    },
    {
      name: "callers of a function that feeds a model pass model inputs",
      code: `
import { core as mx, nn } from '@frost-beta/mlx';
const model = new nn.Linear(3, 2);
function run(text: string): void {
  model.forward(mx.array([[text.length, 0, 0]]));
}
const question = 'where is my order';
run(question);
console.log(question);
`,
      errors: [
        { messageId: 'modelInputReachesLog', line: 9, column: 13 },
      ],
    },
    {
      name: "inference results are model outputs",
      code: `
import { core as mx, nn } from '@frost-beta/mlx';
const model = new nn.Linear(2, 2);
const logits = model.forward(mx.ones([1, 2]));
console.log(logits);
`,
      errors: [
        { messageId: 'modelOutputReachesLog', line: 5, column: 13, suggestions: [{ messageId: 'logTensorSummary', output: `
import { core as mx, nn } from '@frost-beta/mlx';
const model = new nn.Linear(2, 2);
const logits = model.forward(mx.ones([1, 2]));
console.log({ shape: logits.shape, dtype: String(logits.dtype) });
` }] },
      ],
    },
    {
      name: "decoded text derived from model output",
      code: `
import { core as mx, nn } from '@frost-beta/mlx';
const model = new nn.Linear(2, 3);
const vocabulary = ['yes', 'no', 'maybe'];
const id = mx.argmax(model.forward(mx.ones([1, 2])), 1).item() as number;
const word = vocabulary[id];
console.log(\`answer: \${word}\`);
`,
      errors: [
        { messageId: 'modelOutputReachesLog', line: 7, column: 13 },
      ],
    },
    {
      name: "model output through a function return",
      code: `
import { core as mx, nn } from '@frost-beta/mlx';
const model = new nn.Linear(2, 2);
function classify(): number[] {
  return mx.argmax(model.forward(mx.ones([1, 2])), 1).tolist() as number[];
}
const classes = classify();
console.log(classes);
`,
      errors: [
        { messageId: 'modelOutputReachesLog', line: 8, column: 13 },
      ],
    },
    {
      name: "names of credentials are secrets",
      code: `
const password = 'hunter2';
const apiKey = 'k';
const accessToken = 't';
console.log(password, apiKey, accessToken);
`,
      errors: [
        { messageId: 'secretReachesLog', line: 5, column: 13 },
        { messageId: 'secretReachesLog', line: 5, column: 23 },
        { messageId: 'secretReachesLog', line: 5, column: 31 },
      ],
    },
    {
      name: "process.env as a whole is a secret",
      code: `
console.log(process.env);
console.log(JSON.stringify(process.env));
`,
      errors: [
        { messageId: 'secretReachesLog', line: 2, column: 13 },
        { messageId: 'secretReachesLog', line: 3, column: 13 },
      ],
    },
    {
      name: "process.env entries named like secrets",
      code: `
console.log(process.env.DATABASE_PASSWORD);
console.log(process.env.NODE_ENV);
`,
      errors: [
        { messageId: 'secretReachesLog', line: 2, column: 13 },
      ],
    },
    {
      name: "objects with a secret field",
      code: `
interface Settings { host: string; apiKey: string }
declare const settings: Settings;
console.log(settings);
console.log(settings.host);
console.log(settings.apiKey);
`,
      errors: [
        { messageId: 'secretReachesLog', line: 4, column: 13 },
        { messageId: 'secretReachesLog', line: 6, column: 13 },
      ],
    },
    {
      name: "secret property read by name",
      code: `
declare const user: { name: string; credentials: { user: string } };
console.log(user.name);
console.log(user.credentials);
`,
      errors: [
        { messageId: 'secretReachesLog', line: 4, column: 13 },
      ],
    },
    {
      name: "request data of node http",
      code: `
import http from 'node:http';
http.createServer((req, res) => {
  console.log(req.method, req.httpVersion);
  console.log(req.url);
  res.end();
});
`,
      errors: [
        { messageId: 'requestDataReachesLog', line: 5, column: 15 },
      ],
    },
    {
      name: "request data of Express",
      code: `
import type { Request, Response } from 'express';
export function handler(req: Request, res: Response): void {
  console.log(req.body);
  console.log(req.params.id, req.method);
  res.end();
}
`,
      errors: [
        { messageId: 'requestDataReachesLog', line: 4, column: 15 },
        { messageId: 'requestDataReachesLog', line: 5, column: 15 },
      ],
    },
    {
      name: "request data of Fastify",
      code: `
import type { FastifyRequest } from 'fastify';
export function handler(request: FastifyRequest): void {
  console.warn(request.query);
}
`,
      errors: [
        { messageId: 'requestDataReachesLog', line: 4, column: 16 },
      ],
    },
    {
      name: "request data of Koa",
      code: `
import type { Context } from 'koa';
export function handler(ctx: Context): void {
  console.warn(ctx.request.body);
  console.warn(ctx.method);
}
`,
      errors: [
        { messageId: 'requestDataReachesLog', line: 4, column: 16 },
      ],
    },
  ],
});

/** A secret written to stdout and to stderr. */
const stdoutAndStderr = `
const secret = 's';
process.stdout.write(secret);
process.stderr.write(\`\${secret}\\n\`);
`;

ruleTester.run('no-tainted-log: sinks', rule, {
  valid: [
    {
      name: 'the runtime’s auditEvent is a log call that redacts what it records: nothing reaches the log',
      code: `
import { core as mx } from '@frost-beta/mlx';
import { auditEvent } from '@mlx-audit/runtime';
export function load(path: string, apiKey: string): mx.array {
  const weights = mx.ones([2]);
  auditEvent('model.load', { source: path, data: { apiKey, weights } });
  return weights;
}
`,
    },
    {
      name: "extra sinks by type: a type of that name in another module is not one",
      code: `
interface AuditTrail { record(...values: unknown[]): void }
declare const trail: AuditTrail;
const password = 'p';
trail.record('login', password);
`,
      options: [{ sinks: [{ module: '@acme/audit', type: 'AuditTrail' }] }],
    },
    {
      name: "an object named logger that is no logger",
      code: `
const secret = 's';
const logger = { info: (message: string) => message.length };
logger.info(secret);
`,
    },
    {
      name: "a wrapper that logs only metadata is not a sink",
      code: `
import { core as mx } from '@frost-beta/mlx';
function logShape(x: mx.array): void {
  console.log(x.shape);
}
logShape(mx.ones([2]));
`,
    },
  ],
  invalid: [
    {
      name: "console methods",
      code: `
const secret = 's';
console.log(secret);
console.info(secret);
console.warn(secret);
console.error(secret);
console.debug(secret);
console.trace(secret);
console.dir(secret);
console.table([secret]);
`,
      errors: [
        { messageId: 'secretReachesLog', line: 3, column: 13 },
        { messageId: 'secretReachesLog', line: 4, column: 14 },
        { messageId: 'secretReachesLog', line: 5, column: 14 },
        { messageId: 'secretReachesLog', line: 6, column: 15 },
        { messageId: 'secretReachesLog', line: 7, column: 15 },
        { messageId: 'secretReachesLog', line: 8, column: 15 },
        { messageId: 'secretReachesLog', line: 9, column: 13 },
        { messageId: 'secretReachesLog', line: 10, column: 15 },
      ],
    },
    {
      name: "console.assert logs what follows the condition",
      code: `
const secret = 's';
console.assert(secret.length > 3, secret);
console.assert(secret);
`,
      errors: [
        { messageId: 'secretReachesLog', line: 3, column: 35 },
      ],
    },
    {
      name: "console.log held in a variable",
      code: `
const secret = 's';
const print = console.log;
print(secret);
`,
      errors: [
        { messageId: 'secretReachesLog', line: 4, column: 7 },
      ],
    },
    {
      name: "process.stderr; process.stdout only with stdoutIsLog",
      code: stdoutAndStderr,
      errors: [
        { messageId: 'secretReachesLog', line: 4, column: 22 },
      ],
    },
    {
      name: "stdoutIsLog: process.stdout and process.stderr",
      code: stdoutAndStderr,
      options: [{ stdoutIsLog: true }],
      errors: [
        { messageId: 'secretReachesLog', line: 3, column: 22 },
        { messageId: 'secretReachesLog', line: 4, column: 22 },
      ],
    },
    {
      name: "util.debuglog",
      code: `
import util from 'node:util';
const secret = 's';
const debuglog = util.debuglog('app');
debuglog('%s', secret);
`,
      errors: [
        { messageId: 'secretReachesLog', line: 5, column: 16 },
      ],
    },
    {
      name: "util.inspect output passed on",
      code: `
import util from 'node:util';
const secret = { password: 'p' };
const shown = util.inspect(secret);
console.log(shown);
`,
      errors: [
        { messageId: 'secretReachesLog', line: 5, column: 13 },
      ],
    },
    {
      name: "pino and child loggers",
      code: `
import pino from 'pino';
const secret = 's';
const logger = pino();
logger.info({ secret }, 'login');
logger.child({ module: 'auth' }).warn(secret);
`,
      errors: [
        { messageId: 'secretReachesLog', line: 5, column: 13 },
        { messageId: 'secretReachesLog', line: 6, column: 39 },
      ],
    },
    {
      name: "a pino method destructured off the logger",
      code: `
import pino from 'pino';
const secret = 's';
const { error } = pino();
error(secret);
`,
      errors: [
        { messageId: 'secretReachesLog', line: 5, column: 7 },
      ],
    },
    {
      name: "winston",
      code: `
import winston from 'winston';
const secret = 's';
const logger = winston.createLogger();
logger.info('user', { secret });
logger.log('warn', secret);
`,
      errors: [
        { messageId: 'secretReachesLog', line: 5, column: 21 },
        { messageId: 'secretReachesLog', line: 6, column: 20 },
      ],
    },
    {
      name: "bunyan",
      code: `
import bunyan from 'bunyan';
const secret = 's';
bunyan.createLogger({ name: 'app' }).info(secret);
`,
      errors: [
        { messageId: 'secretReachesLog', line: 4, column: 43 },
      ],
    },
    {
      name: "log4js",
      code: `
import log4js from 'log4js';
const secret = 's';
log4js.getLogger('app').error(secret);
`,
      errors: [
        { messageId: 'secretReachesLog', line: 4, column: 31 },
      ],
    },
    {
      name: "loglevel",
      code: `
import log from 'loglevel';
const secret = 's';
log.warn(secret);
`,
      errors: [
        { messageId: 'secretReachesLog', line: 4, column: 10 },
      ],
    },
    {
      name: "consola",
      code: `
import { consola } from 'consola';
const secret = 's';
consola.info(secret);
`,
      errors: [
        { messageId: 'secretReachesLog', line: 4, column: 14 },
      ],
    },
    {
      name: "debug",
      code: `
import debug from 'debug';
const secret = 's';
const trace = debug('app:auth');
trace('secret %s', secret);
`,
      errors: [
        { messageId: 'secretReachesLog', line: 5, column: 20 },
      ],
    },
    {
      name: "OpenTelemetry logs API",
      code: `
import { logs } from '@opentelemetry/api-logs';
const secret = 's';
logs.getLogger('app').emit({ body: secret });
`,
      errors: [
        { messageId: 'secretReachesLog', line: 4, column: 28 },
      ],
    },
    {
      name: "a logging wrapper is a sink at its call sites",
      code: `
import { core as mx } from '@frost-beta/mlx';
function logInfo(message: string, detail: unknown): void {
  console.info(message, detail);
}
logInfo('values', mx.ones([2]).tolist());
`,
      errors: [
        { messageId: 'rawDataReachesLog', line: 6, column: 19 },
      ],
    },
    {
      name: "a reporting callback is a sink at its call sites (stdoutIsLog)",
      code: `
const report = (value: unknown) => process.stdout.write(String(value));
const password = 'p';
report(password);
`,
      options: [{ stdoutIsLog: true }],
      errors: [
        { messageId: 'secretReachesLog', line: 4, column: 8 },
      ],
    },
    {
      name: "a wrapper in another file",
      code: `
import { logValue } from './helpers.js';
const apiKey = 'k';
logValue(apiKey);
`,
      errors: [
        { messageId: 'secretReachesLog', line: 4, column: 10 },
      ],
    },
    {
      name: "extra sinks from options",
      code: `
declare function audit(...values: unknown[]): void;
const password = 'p';
audit('login', password);
`,
      options: [{"sinks":[{"name":"audit"}]}],
      errors: [
        { messageId: 'secretReachesLog', line: 4, column: 16 },
      ],
    },
    {
      name: "a logger of your own behind an interface, made by a factory (writing to stdout: stdoutIsLog)",
      code: `
interface Logger { info(message: string, fields?: object): void }
function createLogger(): Logger {
  return {
    info: (message, fields) => { process.stdout.write(\`\${message} \${JSON.stringify(fields)}\\n\`); },
  };
}
const log = createLogger();
const password = 'p';
log.info('login', { password });
`,
      options: [{ stdoutIsLog: true }],
      errors: [
        { messageId: 'secretReachesLog', line: 10, column: 19 },
      ],
    },
    {
      name: "a logger of your own behind an interface, made from a class",
      code: `
interface Logger { warn(message: string): void }
class ConsoleLogger implements Logger {
  warn(message: string): void { console.warn(message); }
}
const log: Logger = new ConsoleLogger();
const apiKey = 'k';
log.warn(apiKey);
`,
      errors: [
        { messageId: 'secretReachesLog', line: 8, column: 10 },
      ],
    },
    {
      name: "extra sinks by type: the listed methods of the type",
      code: `
interface AuditTrail { record(...values: unknown[]): void; close(reason: string): void }
declare const trail: AuditTrail;
const password = 'p';
trail.record('login', password);
trail.close(password);
`,
      options: [{ sinks: [{ type: 'AuditTrail', methods: ['record'] }] }],
      errors: [
        { messageId: 'secretReachesLog', line: 5, column: 23 },
      ],
    },
  ],
});

// Program output versus logs: stdout is a command-line tool's output unless stdoutIsLog says
// the program's stdout is shipped as logs.
const chat = `
import { core as mx, nn } from '@frost-beta/mlx';
declare const model: nn.Linear;
declare const vocabulary: string[];
export function chat(prompt: string, steps: number): void {
  let ids = prompt.split(' ').map((word) => word.length);
  for (let step = 0; step < steps; step++) {
    const next = mx.argmax(model.forward(mx.array([ids])), 1).item() as number;
    process.stdout.write(vocabulary[next] ?? '');
    ids = [...ids, next];
  }
  process.stdout.write('\\n');
  process.stderr.write(\`generated \${ids.length} tokens\\n\`);
}
`;

const writer = `
const print = (text: string) => process.stdout.write(\`\${text}\\n\`);
const apiKey = 'k';
print(apiKey);
console.log(apiKey);
`;

ruleTester.run('no-tainted-log: program output', rule, {
  valid: [
    {
      name: "a chat CLI streaming generated tokens (and its prompt) to stdout",
      code: chat,
    },
    {
      name: "a helper writing to stdout is not a sink at its call sites",
      code: `
const print = (text: string) => process.stdout.write(\`\${text}\\n\`);
const apiKey = 'k';
print(apiKey);
`,
    },
    {
      name: "stdoutIsLog false: the same as the default",
      code: chat,
      options: [{ stdoutIsLog: false }],
    },
  ],
  invalid: [
    {
      name: "console.log, process.stderr and logger libraries stay sinks",
      code: `
import pino from 'pino';
import { core as mx, nn } from '@frost-beta/mlx';
declare const model: nn.Linear;
const logger = pino();
const answer = model.forward(mx.ones([1, 2])).tolist();
console.log(answer);
process.stderr.write(JSON.stringify(answer));
logger.info({ answer }, 'answered');
process.stdout.write(JSON.stringify(answer));
`,
      errors: [
        { messageId: 'modelOutputReachesLog', line: 7, column: 13 },
        { messageId: 'modelOutputReachesLog', line: 8, column: 22 },
        { messageId: 'modelOutputReachesLog', line: 9, column: 13 },
      ],
    },
    {
      name: "stdoutIsLog: generated tokens written to stdout are model output in a log",
      code: chat,
      options: [{ stdoutIsLog: true }],
      errors: [
        { messageId: 'modelOutputReachesLog', line: 9, column: 26 },
      ],
    },
    {
      name: "stdoutIsLog: a helper writing to stdout is a sink at its call sites",
      code: writer,
      options: [{ stdoutIsLog: true }],
      errors: [
        { messageId: 'secretReachesLog', line: 4, column: 7 },
        { messageId: 'secretReachesLog', line: 5, column: 13 },
      ],
    },
    {
      name: "default: only console.log of the helper's program",
      code: writer,
      errors: [
        { messageId: 'secretReachesLog', line: 5, column: 13 },
      ],
    },
  ],
});

ruleTester.run('no-tainted-log: propagation', rule, {
  valid: [
    {
      name: "reassignment with a clean value cleans",
      code: `
let value = 'p';
const password = 'p';
value = password;
value = 'clean';
console.log(value);
`,
    },
    {
      name: "a function that returns a metadata read is clean",
      code: `
import { core as mx } from '@frost-beta/mlx';
function dims(x: mx.array): number[] { return x.shape; }
console.log(dims(mx.ones([2])));
`,
    },
  ],
  invalid: [
    {
      name: "declarations and assignments",
      code: `
const password = 'p';
const copy = password;
let later: string;
later = copy;
console.log(later);
`,
      errors: [
        { messageId: 'secretReachesLog', line: 6, column: 13 },
      ],
    },
    {
      name: "object destructuring, defaults and rest",
      code: `
import { core as mx } from '@frost-beta/mlx';
const batch = { values: mx.ones([2]).tolist(), id: 3 };
const { values, id, missing = 'x', ...others } = { ...batch, missing: undefined };
console.log(id);
console.log(values, missing, others);
`,
      errors: [
        { messageId: 'rawDataReachesLog', line: 6, column: 13 },
        { messageId: 'rawDataReachesLog', line: 6, column: 30 },
      ],
    },
    {
      name: "array destructuring",
      code: `
import { core as mx } from '@frost-beta/mlx';
const [a, b = 0] = mx.ones([2]).tolist() as number[];
console.log(a, b);
`,
      errors: [
        { messageId: 'rawDataReachesLog', line: 4, column: 13 },
        { messageId: 'rawDataReachesLog', line: 4, column: 16 },
      ],
    },
    {
      name: "a clean field beside a tainted one",
      code: `
import { core as mx } from '@frost-beta/mlx';
const record = { id: 1, values: [] as unknown[] };
record.values = mx.ones([3]).tolist() as unknown[];
console.log(record.id);
console.log(record);
`,
      errors: [
        { messageId: 'rawDataReachesLog', line: 6, column: 13 },
      ],
    },
    {
      name: "writes into arrays and maps",
      code: `
const password = 'p';
const list: string[] = [];
list.push(password);
console.log(list);
const map = new Map<string, string>();
map.set('pw', password);
console.log(map.get('pw'));
const set = new Set<string>();
set.add(password);
console.log(set);
`,
      errors: [
        { messageId: 'secretReachesLog', line: 5, column: 13 },
        { messageId: 'secretReachesLog', line: 8, column: 13 },
        { messageId: 'secretReachesLog', line: 11, column: 13 },
      ],
    },
    {
      name: "spreads",
      code: `
const password = 'p';
const extra = { password };
const merged = { ...extra, user: 'u' };
const list = [...[password]];
console.log(merged, list);
`,
      errors: [
        { messageId: 'secretReachesLog', line: 6, column: 13 },
        { messageId: 'secretReachesLog', line: 6, column: 21 },
      ],
    },
    {
      name: "string concatenation and templates",
      code: `
const password = 'p';
console.log('pw: ' + password);
console.log(\`pw: \${password}\`);
`,
      errors: [
        { messageId: 'secretReachesLog', line: 3, column: 13 },
        { messageId: 'secretReachesLog', line: 4, column: 13 },
      ],
    },
    {
      name: "conditional and logical expressions",
      code: `
const password = 'p';
const shown = password.length > 3 ? password : '';
const fallback = password || 'none';
const nullish = password ?? 'none';
console.log(shown, fallback, nullish);
`,
      errors: [
        { messageId: 'secretReachesLog', line: 6, column: 13 },
        { messageId: 'secretReachesLog', line: 6, column: 20 },
        { messageId: 'secretReachesLog', line: 6, column: 30 },
      ],
    },
    {
      name: "await",
      code: `
const password = 'p';
async function read(): Promise<string> { return password; }
async function main(): Promise<void> {
  const value = await read();
  console.log(value);
}
void main();
`,
      errors: [
        { messageId: 'secretReachesLog', line: 6, column: 15 },
      ],
    },
    {
      name: "JSON.stringify, String, toString",
      code: `
const secret = { password: 'p' };
console.log(JSON.stringify(secret));
const password = 'p';
console.log(String(password), password.toString());
`,
      errors: [
        { messageId: 'secretReachesLog', line: 3, column: 13 },
        { messageId: 'secretReachesLog', line: 5, column: 13 },
        { messageId: 'secretReachesLog', line: 5, column: 31 },
      ],
    },
    {
      name: "util.format and printf placeholders",
      code: `
import util from 'node:util';
const password = 'p';
console.log(util.format('pw=%s', password));
console.log('pw=%s', password);
`,
      errors: [
        { messageId: 'secretReachesLog', line: 4, column: 13 },
        { messageId: 'secretReachesLog', line: 5, column: 22 },
      ],
    },
    {
      name: "getters",
      code: `
const password = 'p';
class Vault {
  get value(): string { return password; }
  get size(): number { return 1; }
}
const vault = new Vault();
console.log(vault.value);
console.log(vault.size);
`,
      errors: [
        { messageId: 'secretReachesLog', line: 8, column: 13 },
      ],
    },
    {
      name: "class fields",
      code: `
import { core as mx } from '@frost-beta/mlx';
class Run {
  output: unknown = null;
  label = 'run';
  step(): void { this.output = mx.ones([1]).tolist(); }
  print(): void { console.log(this.label, this.output); }
}
new Run().print();
`,
      errors: [
        { messageId: 'rawDataReachesLog', line: 7, column: 43 },
      ],
    },
    {
      name: "static fields",
      code: `
import { core as mx } from '@frost-beta/mlx';
class Cache {
  static last: unknown;
}
Cache.last = mx.ones([1]).item();
console.log(Cache.last);
`,
      errors: [
        { messageId: 'rawDataReachesLog', line: 7, column: 13 },
      ],
    },
    {
      name: "async generators",
      code: `
import { core as mx } from '@frost-beta/mlx';
async function* scores(): AsyncGenerator<number> {
  yield mx.ones([1]).item() as number;
}
async function main(): Promise<void> {
  for await (const score of scores()) console.log(score);
}
void main();
`,
      errors: [
        { messageId: 'rawDataReachesLog', line: 7, column: 51 },
      ],
    },
    {
      name: "Error messages and causes carry taint",
      code: `
const password = 'p';
const error = new Error(\`bad password \${password}\`);
console.error(error.message);
const wrapped = new Error('failed', { cause: password });
console.error(wrapped);
`,
      errors: [
        { messageId: 'secretReachesLog', line: 4, column: 15 },
        { messageId: 'secretReachesLog', line: 6, column: 15 },
      ],
    },
    {
      name: "thrown errors reach the catch clause",
      code: `
const password = 'p';
try {
  throw new Error(password);
} catch (error) {
  console.error(error);
}
`,
      errors: [
        { messageId: 'secretReachesLog', line: 6, column: 17 },
      ],
    },
    {
      name: "array methods map, join, slice, flat",
      code: `
import { core as mx } from '@frost-beta/mlx';
const rows = mx.ones([2, 2]).tolist() as number[][];
console.log(rows.flat().join(','));
console.log(rows.slice(0, 1));
console.log(rows.map((row) => row.join(' ')));
`,
      errors: [
        { messageId: 'rawDataReachesLog', line: 4, column: 13 },
        { messageId: 'rawDataReachesLog', line: 5, column: 13 },
        { messageId: 'rawDataReachesLog', line: 6, column: 13 },
      ],
    },
    {
      name: "Object.assign, entries and values; keys are names",
      code: `
const secrets = { password: 'p' };
const target = {};
Object.assign(target, secrets);
console.log(target);
console.log(Object.entries(secrets), Object.values(secrets));
console.log(Object.keys(secrets));
`,
      errors: [
        { messageId: 'secretReachesLog', line: 5, column: 13 },
        { messageId: 'secretReachesLog', line: 6, column: 13 },
        { messageId: 'secretReachesLog', line: 6, column: 38 },
      ],
    },
    {
      name: "closures capture tainted variables",
      code: `
const password = 'p';
const show = () => {
  console.log(password);
};
show();
`,
      errors: [
        { messageId: 'secretReachesLog', line: 4, column: 15 },
      ],
    },
    {
      name: "callbacks receive what the receiver holds",
      code: `
import { core as mx } from '@frost-beta/mlx';
const values = mx.ones([2]).tolist() as number[];
values.forEach((value) => console.log(value));
Promise.resolve(values).then((resolved) => console.log(resolved));
`,
      errors: [
        { messageId: 'rawDataReachesLog', line: 4, column: 39 },
        { messageId: 'rawDataReachesLog', line: 5, column: 56 },
      ],
    },
    {
      name: "same-file function summaries: returns",
      code: `
const password = 'p';
function wrap(value: string): { value: string } { return { value }; }
const method = { get: (v: string) => \`<\${v}>\` };
console.log(wrap(password));
console.log(method.get(password));
console.log(wrap('clean'));
`,
      errors: [
        { messageId: 'secretReachesLog', line: 5, column: 13 },
        { messageId: 'secretReachesLog', line: 6, column: 13 },
      ],
    },
    {
      name: "functions in another file",
      code: `
import { core as mx } from '@frost-beta/mlx';
import { describeTensor, identity, shapeOf } from './helpers.js';
const t = mx.ones([2]);
console.log(describeTensor(t));
console.log(identity(t.item()));
console.log(shapeOf(t));
`,
      errors: [
        { messageId: 'rawDataReachesLog', line: 5, column: 13 },
        { messageId: 'rawDataReachesLog', line: 6, column: 13 },
      ],
    },
    {
      name: "loops carry taint around",
      code: `
const password = 'p';
let last = '';
for (const c of ['a', 'b']) {
  console.log(last);
  last = password + c;
}
`,
      errors: [
        { messageId: 'secretReachesLog', line: 5, column: 15 },
      ],
    },
    {
      name: "branches join",
      code: `
const password = 'p';
let shown = 'none';
if (password.length > 3) shown = password;
console.log(shown);
`,
      errors: [
        { messageId: 'secretReachesLog', line: 5, column: 13 },
      ],
    },
    {
      name: "a wrapper reports what it computes from a tensor where it computes it",
      code: `
import { core as mx } from '@frost-beta/mlx';
function logMean(x: mx.array): void {
  console.log(mx.mean(x).item());
}
logMean(mx.ones([2]));
`,
      errors: [
        { messageId: 'rawDataReachesLog', line: 4, column: 15 },
      ],
    },
    {
      name: "a wrapper that logs a value computed from raw data",
      code: `
import { core as mx } from '@frost-beta/mlx';
function logTotal(values: number[]): void {
  console.log(values.reduce((sum, value) => sum + value, 0));
}
logTotal(mx.ones([2]).tolist() as number[]);
`,
      errors: [
        { messageId: 'rawDataReachesLog', line: 6, column: 10 },
      ],
    },
  ],
});

ruleTester.run('no-tainted-log: sanitizers', rule, {
  valid: [
    {
      name: "tensor metadata is safe to log",
      code: `
import { core as mx } from '@frost-beta/mlx';
const x = mx.ones([2, 3]);
console.log(x.shape, x.dtype, x.ndim, x.size, x.itemsize, x.nbytes, x.length);
console.log(\`shape \${x.shape.join('x')} dtype \${String(x.dtype)}\`);
`,
    },
    {
      name: "typeof, comparisons and boolean results",
      code: `
import { core as mx } from '@frost-beta/mlx';
const values = mx.ones([2]).tolist() as number[];
const password = 'p';
console.log(typeof values, values === null, password.length > 8, !password, values instanceof Array, password.startsWith('x'));
`,
    },
    {
      name: "length and size",
      code: `
const password = 'p';
const secrets = new Map([['pw', password]]);
console.log(password.length, secrets.size, [password].length);
`,
    },
    {
      name: "a keyed hash",
      code: `
import crypto from 'node:crypto';
const password = 'p';
console.log(crypto.createHmac('sha256', 'key').update(password).digest('hex'));
`,
    },
    {
      name: "configured sanitizers",
      code: `
declare function mask(value: unknown): string;
const password = 'p';
console.log(mask(password));
`,
      options: [{"sanitizers":[{"name":"mask"}]}],
    },
    {
      name: "the runtime's summarising helpers",
      code: `
import { pseudonymize, summarizeTensor, summarizeValue } from '@mlx-audit/runtime';
import { core as mx } from '@frost-beta/mlx';
const apiKey = 'k';
console.log(summarizeTensor(mx.ones([2])), summarizeValue(mx.ones([3])), pseudonymize(apiKey));
`,
    },
    {
      name: "a user function named load or forward is no MLX binding",
      code: `
function load(path: string): string { return path; }
const service = { forward: (input: string) => input.length };
console.log(load('weights.safetensors'), service.forward('hello'));
`,
    },
    {
      name: "plain data is clean",
      code: `
const counts = [1, 2, 3];
const user = { name: 'ada', role: 'admin' };
console.log(counts, user, 'started', 42);
`,
    },
  ],
  invalid: [
    {
      name: "an unkeyed hash is not a sanitizer",
      code: `
import crypto from 'node:crypto';
const password = 'p';
console.log(crypto.createHash('sha256').update(password).digest('hex'));
`,
      errors: [
        { messageId: 'secretReachesLog', line: 4, column: 13 },
      ],
    },
    {
      name: "a shape property on a user object is not tensor metadata",
      code: `
const password = 'p';
const layout = { shape: password };
console.log(layout.shape);
`,
      errors: [
        { messageId: 'secretReachesLog', line: 4, column: 13 },
      ],
    },
  ],
});

ruleTester.run('no-tainted-log: options', rule, {
  valid: [
    {
      name: "error messages are not sinks by default",
      code: `
import { core as mx } from '@frost-beta/mlx';
const t = mx.ones([2]);
export const error = new Error(\`unexpected values \${t}\`);
`,
    },
  ],
  invalid: [
    {
      name: "a custom secret name pattern",
      code: `
const pin = '1234';
const password = 'p';
console.log(pin, password);
`,
      options: [{"secretNamePattern":"(^|_)pin(_|$)"}],
      errors: [
        { messageId: 'secretReachesLog', line: 4, column: 13 },
      ],
    },
    {
      name: "configured source functions",
      code: `
declare function readVaultSecret(name: string): string;
const value = readVaultSecret('db');
console.log(value);
`,
      options: [{"sources":[{"name":"readVaultSecret"}]}],
      errors: [
        { messageId: 'secretReachesLog', line: 4, column: 13 },
      ],
    },
    {
      name: "error messages are sinks when enabled",
      code: `
import { core as mx } from '@frost-beta/mlx';
const t = mx.ones([2]);
throw new Error(\`unexpected values \${t}\`);
`,
      options: [{"checkErrorMessages":true}],
      errors: [
        { messageId: 'rawDataReachesLog', line: 4, column: 17 },
      ],
    },
    {
      name: "user entries make a function inference",
      code: `
function generate(prompt: string): string { return prompt.toUpperCase(); }
const reply = generate('hi');
console.log(reply);
`,
      options: [{"entries":[{"module":"./file.ts","name":"generate","kind":"inference"}]}],
      errors: [
        { messageId: 'modelOutputReachesLog', line: 4, column: 13 },
      ],
    },
  ],
});
