import rule from '../../src/rules/no-log-injection.js';
import { createRuleTesterWithTypes } from '../rule-tester.js';

// Cases are grouped as the rule's documentation lists them: sources, message strings and
// structured fields, sanitizers, options.
const ruleTester = createRuleTesterWithTypes();

/** The case's code with one replacement: the output of a suggestion that edits one call. */
function edited(code: string, from: string, to: string): string {
  if (!code.includes(from)) throw new Error(`not in the case: ${from}`);
  return code.replace(from, to);
}

const toField = (code: string, from: string, to: string) => ({ messageId: 'moveToField' as const, output: edited(code, from, to) });

const express = `
import type { Request } from 'express';
export function handler(req: Request): void {
  console.log(\`search for \${req.query.q}\`);
}
`;

const expressPino = `
import pino from 'pino';
import type { Request } from 'express';
const logger = pino();
export function handler(req: Request): void {
  logger.info('user ' + req.params.id + ' signed in');
}
`;

const nodeHttp = `
import type { IncomingMessage } from 'node:http';
export function handler(req: IncomingMessage): void {
  const url = new URL(req.url ?? '/', 'http://localhost');
  const q = url.searchParams.get('q');
  const params = new URLSearchParams(url.search);
  console.log(\`query \${q}\`);
  console.info('page ' + params.get('page'));
  process.stdout.write(\`\${req.url}\\n\`);
}
`;

const fastifyKoa = `
import type { FastifyRequest } from 'fastify';
import type { Context } from 'koa';
export function fastifyHandler(request: FastifyRequest<{ Params: { id: string } }>): void {
  console.log(\`item \${request.params.id}\`);
}
export function koaHandler(ctx: Context): void {
  console.log('search ' + String(ctx.query.q));
}
`;

const argv = `
import { argv } from 'node:process';
const name = process.argv[2];
console.log('hello ' + name);
console.log(\`mode \${argv[3]}\`);
`;

const stdin = `
import { createInterface } from 'node:readline';
const lines = createInterface({ input: process.stdin });
export async function run(): Promise<void> {
  for await (const line of lines) console.log(\`got \${line}\`);
}
lines.on('line', (line) => {
  console.log('line: ' + line);
});
process.stdin.on('data', (chunk) => {
  console.log(\`chunk \${String(chunk)}\`);
});
`;

ruleTester.run('no-log-injection: sources', rule, {
  valid: [
    {
      name: 'request metadata and operator-controlled values are not untrusted',
      code: `
import type { Request } from 'express';
export function handler(req: Request): void {
  console.log(\`\${req.method} request, mode \${process.env.NODE_ENV}\`);
}
`,
    },
    {
      name: 'a variable of the program named argv is not the command line',
      code: `
const argv = ['--verbose'];
console.log('flags ' + argv.join(' '));
`,
    },
    {
      name: 'tensors and secrets are another rule’s concern',
      code: `
import { core as mx } from '@frost-beta/mlx';
const apiKey = 'k';
const x = mx.ones([2]);
console.log(\`key \${apiKey} x \${x.shape.join('x')}\`);
`,
    },
    {
      name: 'model output is trusted unless the option says otherwise',
      code: `
import { core as mx, nn } from '@frost-beta/mlx';
declare const model: nn.Linear;
declare const vocabulary: string[];
const next = model.forward(mx.array([1, 2])).argmax().item() as number;
console.log(\`generated \${vocabulary[next]}\`);
`,
    },
  ],
  invalid: [
    {
      name: 'Express query interpolated into a console message',
      code: express,
      errors: [
        {
          messageId: 'interpolated',
          line: 4,
          column: 3,
          endLine: 4,
          endColumn: 43,
          suggestions: [toField(express, 'console.log(`search for ${req.query.q}`)', "console.log('search for', { q: req.query.q })")],
        },
      ],
    },
    {
      name: 'Express params concatenated into a pino message',
      code: expressPino,
      errors: [
        {
          messageId: 'concatenated',
          line: 6,
          column: 3,
          suggestions: [toField(expressPino, "logger.info('user ' + req.params.id + ' signed in')", "logger.info({ id: req.params.id }, 'user signed in')")],
        },
      ],
    },
    {
      name: 'a header substituted through %s, and one appended by util.format',
      code: `
import type { Request } from 'express';
export function handler(req: Request): void {
  console.log('user %s', req.get('x-user'));
  console.error('forwarded for', req.headers['x-forwarded-for']);
}
`,
      errors: [
        { messageId: 'formatted', line: 4, column: 3 },
        { messageId: 'formatted', line: 5, column: 3 },
      ],
    },
    {
      name: 'the whole message is the request body',
      code: `
import pino from 'pino';
import type { Request } from 'express';
const logger = pino();
export function handler(req: Request): void {
  const comment: string = req.body.comment;
  logger.warn(comment);
}
`,
      errors: [{ messageId: 'untrustedMessage', line: 7, column: 3 }],
    },
    {
      name: 'Node IncomingMessage.url, and what URL and URLSearchParams parse from it',
      code: nodeHttp,
      errors: [
        { messageId: 'interpolated', line: 7, column: 3, suggestions: [toField(nodeHttp, 'console.log(`query ${q}`)', "console.log('query', { q })")] },
        {
          messageId: 'concatenated',
          line: 8,
          column: 3,
          suggestions: [toField(nodeHttp, "console.info('page ' + params.get('page'))", "console.info('page', { page: params.get('page') })")],
        },
        // A write has no fields to move the value to.
        { messageId: 'interpolated', line: 9, column: 3 },
      ],
    },
    {
      name: 'Fastify and Koa requests',
      code: fastifyKoa,
      errors: [
        {
          messageId: 'interpolated',
          line: 5,
          column: 3,
          suggestions: [toField(fastifyKoa, 'console.log(`item ${request.params.id}`)', "console.log('item', { id: request.params.id })")],
        },
        {
          messageId: 'concatenated',
          line: 8,
          column: 3,
          suggestions: [toField(fastifyKoa, "console.log('search ' + String(ctx.query.q))", "console.log('search', { q: String(ctx.query.q) })")],
        },
      ],
    },
    {
      name: 'process.argv, also imported from node:process (local threat model)',
      code: argv,
      options: [{ threatModels: ['remote', 'local'] }],
      errors: [
        { messageId: 'concatenated', line: 4, column: 1, suggestions: [toField(argv, "console.log('hello ' + name)", "console.log('hello', { name })")] },
        { messageId: 'interpolated', line: 5, column: 1, suggestions: [toField(argv, 'console.log(`mode ${argv[3]}`)', "console.log('mode', { argv: argv[3] })")] },
      ],
    },
    {
      name: 'lines read from stdin, by iteration and by event (local threat model)',
      code: stdin,
      options: [{ threatModels: ['remote', 'local'] }],
      errors: [
        { messageId: 'interpolated', line: 5, column: 35, suggestions: [toField(stdin, 'console.log(`got ${line}`)', "console.log('got', { line })")] },
        { messageId: 'concatenated', line: 8, column: 3, suggestions: [toField(stdin, "console.log('line: ' + line)", "console.log('line', { line })")] },
        {
          messageId: 'interpolated',
          line: 11,
          column: 3,
          suggestions: [toField(stdin, 'console.log(`chunk ${String(chunk)}`)', "console.log('chunk', { chunk: String(chunk) })")],
        },
      ],
    },
  ],
});

// Threat models, after CodeQL's: `remote` by default, `local` (and its parts) and `model-output` opt-in.
const cli = `
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
const prompt = process.argv[2] ?? '';
console.log(\`generating for "\${prompt}"\`);
console.error('model dir: ' + process.env.MODEL_DIR);
const env = process.env;
console.info(\`home \${env.HOME}\`);
console.log('config: ' + readFileSync('config.txt', 'utf8'));
export async function template(): Promise<void> {
  const text = await readFile('template.txt', 'utf8');
  console.log(\`template \${text}\`);
}
process.stdin.on('data', (chunk) => {
  console.log('chunk ' + String(chunk));
});
`;

/** What the local threat model reports in `cli`: one finding per log call. */
const cliErrors = [
  { messageId: 'interpolated' as const, line: 5, column: 1, suggestions: [toField(cli, 'console.log(`generating for "${prompt}"`)', 'console.log(\'generating for ""\', { prompt })')] },
  { messageId: 'concatenated' as const, line: 6, column: 1, suggestions: [toField(cli, "console.error('model dir: ' + process.env.MODEL_DIR)", "console.error('model dir', { MODEL_DIR: process.env.MODEL_DIR })")] },
  { messageId: 'interpolated' as const, line: 8, column: 1, suggestions: [toField(cli, 'console.info(`home ${env.HOME}`)', "console.info('home', { HOME: env.HOME })")] },
  { messageId: 'concatenated' as const, line: 9, column: 1, suggestions: [toField(cli, "console.log('config: ' + readFileSync('config.txt', 'utf8'))", "console.log('config', { configTxt: readFileSync('config.txt', 'utf8') })")] },
  { messageId: 'interpolated' as const, line: 12, column: 3, suggestions: [toField(cli, 'console.log(`template ${text}`)', "console.log('template', { text })")] },
  { messageId: 'concatenated' as const, line: 15, column: 3, suggestions: [toField(cli, "console.log('chunk ' + String(chunk))", "console.log('chunk', { chunk: String(chunk) })")] },
];

const requestAndArgv = `
import type { Request } from 'express';
export function handler(req: Request): void {
  console.log(\`search for \${String(req.query.q)} in \${process.argv[2]}\`);
}
`;

ruleTester.run('no-log-injection: threat models', rule, {
  valid: [
    {
      name: 'default (remote): a command-line tool formatting its own arguments, environment, files and stdin',
      code: cli,
    },
    {
      name: 'remote only, listed: the same',
      code: cli,
      options: [{ threatModels: ['remote'] }],
    },
    {
      name: 'local without remote: request data is not reported',
      code: `
import type { Request } from 'express';
export function handler(req: Request): void {
  console.log(\`search for \${String(req.query.q)}\`);
}
`,
      options: [{ threatModels: ['local'] }],
    },
    {
      name: 'commandargs alone leaves the environment, files and stdin out',
      code: `
import { readFileSync } from 'node:fs';
console.error('model dir: ' + process.env.MODEL_DIR);
console.log('config: ' + readFileSync('config.txt', 'utf8'));
process.stdin.on('data', (chunk) => console.log('chunk ' + String(chunk)));
`,
      options: [{ threatModels: ['commandargs'] }],
    },
    {
      name: 'local: numbers read from the command line cannot break a line',
      code: `
const steps = Number(process.argv[2] ?? '10');
console.log(\`training for \${steps} steps, \${process.argv.length} arguments\`);
`,
      options: [{ threatModels: ['local'] }],
    },
  ],
  invalid: [
    {
      name: 'local: arguments, environment (a variable and the whole object), files read and stdin',
      code: cli,
      options: [{ threatModels: ['remote', 'local'] }],
      errors: cliErrors,
    },
    {
      name: 'each part of local alone: commandargs, environment, file, stdin',
      code: cli,
      options: [{ threatModels: ['commandargs', 'environment', 'file', 'stdin'] }],
      errors: cliErrors,
    },
    {
      name: 'environment alone',
      code: cli,
      options: [{ threatModels: ['environment'] }],
      errors: cliErrors.filter((error) => error.line === 6 || error.line === 8),
    },
    {
      name: 'default: the request data of a message that also holds an argument is reported',
      code: requestAndArgv,
      errors: [
        {
          messageId: 'interpolated',
          line: 4,
          column: 3,
          suggestions: [toField(requestAndArgv, 'console.log(`search for ${String(req.query.q)} in ${process.argv[2]}`)', "console.log(`search for in ${process.argv[2]}`, { q: String(req.query.q) })")],
        },
      ],
    },
    {
      name: 'local without remote: the argument of that message is reported',
      code: requestAndArgv,
      options: [{ threatModels: ['local'] }],
      errors: [
        {
          messageId: 'interpolated',
          line: 4,
          column: 3,
          suggestions: [toField(requestAndArgv, 'console.log(`search for ${String(req.query.q)} in ${process.argv[2]}`)', "console.log('search for in', { q: String(req.query.q), argv: process.argv[2] })")],
        },
      ],
    },
  ],
});

const winston = `
import winston from 'winston';
import type { Request } from 'express';
const logger = winston.createLogger();
export function handler(req: Request): void {
  logger.info(\`order \${req.params.id} for \${req.ip}\`);
  logger.log('warn', 'retry ' + req.params.id);
  logger.info({ message: \`user \${req.params.id}\`, level: 'info' });
  logger.warn(\`slow \${req.params.id}\`, { ms: 3 });
}
`;

const pinoFields = `
import pino from 'pino';
import type { Request } from 'express';
const logger = pino();
export function handler(req: Request): void {
  logger.info({ route: 'search' }, \`query \${req.query.q}, page \${req.query.page}\`);
  logger.error('query %s', req.query.q);
}
`;

const fastifyLog = `
import type { FastifyRequest } from 'fastify';
export function handler(request: FastifyRequest<{ Params: { id: string } }>): void {
  request.log.info(\`item \${request.params.id}\`);
}
`;

const wrapper = `
import type { Request } from 'express';
function logLine(message: string): void {
  console.log(\`[app] \${message}\`);
}
function logFields(event: string, fields: object): void {
  console.log(event, fields);
}
export function handler(req: Request): void {
  logLine(\`search \${req.query.q}\`);
  logFields('search', { q: req.query.q });
}
`;

ruleTester.run('no-log-injection: message strings and structured fields', rule, {
  valid: [
    {
      name: 'pino and bunyan fields, winston metadata, an inspected object',
      code: `
import pino from 'pino';
import bunyan from 'bunyan';
import winston from 'winston';
import type { Request } from 'express';
const logger = pino();
const log = bunyan.createLogger({ name: 'app' });
const wlog = winston.createLogger();
export function handler(req: Request): void {
  logger.info({ q: req.query.q, agent: req.get('user-agent') }, 'search');
  log.info({ q: req.query.q }, 'search');
  wlog.info('search', { q: req.query.q });
  console.log('search', { q: req.query.q });
  console.log('headers', req.headers);
}
`,
    },
    {
      name: 'placeholders that encode their argument, and arguments pino drops',
      code: `
import pino from 'pino';
import type { Request } from 'express';
const logger = pino();
export function handler(req: Request): void {
  console.log('page %d of %j', req.query.page, req.query.q);
  console.log('query %o', req.query.q);
  logger.info('search', req.query.q);
}
`,
    },
    {
      name: 'an OpenTelemetry record with the request in attributes',
      code: `
import { logs } from '@opentelemetry/api-logs';
import type { Request } from 'express';
const logger = logs.getLogger('app');
export function handler(req: Request): void {
  logger.emit({ body: 'search', attributes: { q: String(req.query.q) } });
}
`,
    },
  ],
  invalid: [
    {
      name: 'winston messages: template, log with a level, a record’s message, metadata kept',
      code: winston,
      errors: [
        {
          messageId: 'interpolated',
          line: 6,
          column: 3,
          suggestions: [toField(winston, 'logger.info(`order ${req.params.id} for ${req.ip}`)', "logger.info('order for', { id: req.params.id, ip: req.ip })")],
        },
        { messageId: 'concatenated', line: 7, column: 3, suggestions: [toField(winston, "logger.log('warn', 'retry ' + req.params.id)", "logger.log('warn', 'retry', { id: req.params.id })")] },
        { messageId: 'interpolated', line: 8, column: 3 },
        {
          messageId: 'interpolated',
          line: 9,
          column: 3,
          suggestions: [toField(winston, 'logger.warn(`slow ${req.params.id}`, { ms: 3 })', "logger.warn('slow', { ms: 3, id: req.params.id })")],
        },
      ],
    },
    {
      name: 'pino: fields added to the first object; %s substitution',
      code: pinoFields,
      errors: [
        {
          messageId: 'interpolated',
          line: 6,
          column: 3,
          suggestions: [
            toField(
              pinoFields,
              "logger.info({ route: 'search' }, `query ${req.query.q}, page ${req.query.page}`)",
              "logger.info({ route: 'search', q: req.query.q, page: req.query.page }, 'query, page')",
            ),
          ],
        },
        { messageId: 'formatted', line: 7, column: 3 },
      ],
    },
    {
      name: 'Fastify’s request logger is pino',
      code: fastifyLog,
      errors: [
        {
          messageId: 'interpolated',
          line: 4,
          column: 3,
          suggestions: [toField(fastifyLog, 'request.log.info(`item ${request.params.id}`)', "request.log.info({ id: request.params.id }, 'item')")],
        },
      ],
    },
    {
      name: 'an OpenTelemetry record body, and an error built from the request',
      code: `
import { logs } from '@opentelemetry/api-logs';
import type { Request } from 'express';
const logger = logs.getLogger('app');
export function handler(req: Request): void {
  logger.emit({ body: \`search \${String(req.query.q)}\` });
  console.error(new Error(\`bad query \${String(req.query.q)}\`));
}
`,
      errors: [
        { messageId: 'interpolated', line: 6, column: 3 },
        { messageId: 'untrustedMessage', line: 7, column: 3 },
      ],
    },
    {
      name: 'a wrapper that puts its parameter into a message; not one that logs it as fields',
      code: wrapper,
      errors: [{ messageId: 'interpolated', line: 10, column: 3, data: { source: 'request data (`req.query` at line 10)', sink: 'logLine', through: ', which logs it with `console.log`' } }],
    },
    {
      name: 'a wrapper in another file',
      code: `
import type { Request } from 'express';
import { logValue } from './helpers.js';
export function handler(req: Request): void {
  logValue(req.get('referer'));
}
`,
      errors: [{ messageId: 'formatted', line: 5, column: 3 }],
    },
  ],
});

const sanitizers = `
import type { Request } from 'express';
export function handler(req: Request): void {
  const q = String(req.query.q);
  console.log(\`q \${q.replace(/\\n/g, '')}\`);
  console.log(\`q \${q.replace(/[\\r\\n]/, '')}\`);
  console.log(\`q \${q.replace(/[\\r\\n]/g, '\\n')}\`);
}
`;

ruleTester.run('no-log-injection: sanitizers', rule, {
  valid: [
    {
      name: 'JSON.stringify, encodeURIComponent, numbers, lengths, CR/LF removed',
      code: `
import type { Request } from 'express';
export function handler(req: Request): void {
  const q = String(req.query.q);
  console.log(\`q \${JSON.stringify(req.query.q)}\`);
  console.log('q ' + encodeURIComponent(q));
  console.log(\`page \${Number(req.query.page)} of \${q.length}\`);
  console.log(\`q \${q.replace(/[\\r\\n]/g, '')}\`);
  console.log(\`q \${q.replace(/\\n|\\r/g, ' ')}\`);
  console.log(\`q \${q.replaceAll('\\r', '').replaceAll('\\n', '')}\`);
  console.log(\`q \${q.replace(/\\s+/g, ' ')}\`);
  console.log(\`page \${Number(req.query.page).toFixed(0)}, \${(q === 'x').toString()}\`);
}
`,
    },
    {
      name: 'the runtime’s and the configured sanitizers',
      code: `
import type { Request } from 'express';
function oneLine(text: string): string {
  return text.split('\\n').join(' ');
}
export function handler(req: Request): void {
  console.log(\`q \${oneLine(String(req.query.q))}\`);
}
`,
      options: [{ sanitizers: [{ name: 'oneLine' }] }],
    },
  ],
  invalid: [
    {
      name: 'a replace that leaves CR, or only replaces the first line break',
      code: sanitizers,
      errors: [
        { messageId: 'interpolated', line: 5, column: 3, suggestions: [toField(sanitizers, "console.log(`q ${q.replace(/\\n/g, '')}`)", "console.log('q', { q: q.replace(/\\n/g, '') })")] },
        { messageId: 'interpolated', line: 6, column: 3, suggestions: [toField(sanitizers, "console.log(`q ${q.replace(/[\\r\\n]/, '')}`)", "console.log('q', { q: q.replace(/[\\r\\n]/, '') })")] },
        {
          messageId: 'interpolated',
          line: 7,
          column: 3,
          suggestions: [toField(sanitizers, "console.log(`q ${q.replace(/[\\r\\n]/g, '\\n')}`)", "console.log('q', { q: q.replace(/[\\r\\n]/g, '\\n') })")],
        },
      ],
    },
  ],
});

const generated = `
import { core as mx, nn } from '@frost-beta/mlx';
declare const model: nn.Linear;
declare const vocabulary: string[];
const next = model.forward(mx.array([1, 2])).argmax().item() as number;
console.log(\`generated \${vocabulary[next]}\`);
`;

ruleTester.run('no-log-injection: options', rule, {
  valid: [
    {
      name: 'modelOutput: numbers computed from model output cannot break a line',
      code: `
import { core as mx, nn } from '@frost-beta/mlx';
declare const model: nn.Linear;
const loss = model.forward(mx.array([1, 2])).mean().item() as number;
console.log(\`loss \${loss.toFixed(4)}, raw \${loss}\`);
`,
      options: [{ modelOutput: true }],
    },
  ],
  invalid: [
    {
      name: 'modelOutput (deprecated, still read): generated text is untrusted',
      code: generated,
      options: [{ modelOutput: true }],
      errors: [
        {
          messageId: 'interpolated',
          line: 6,
          column: 1,
          suggestions: [toField(generated, 'console.log(`generated ${vocabulary[next]}`)', "console.log('generated', { vocabulary: vocabulary[next] })")],
        },
      ],
    },
    {
      name: "threatModels: model-output is what the deprecated modelOutput enables",
      code: generated,
      options: [{ threatModels: ['remote', 'model-output'] }],
      errors: [
        {
          messageId: 'interpolated',
          line: 6,
          column: 1,
          suggestions: [toField(generated, 'console.log(`generated ${vocabulary[next]}`)', "console.log('generated', { vocabulary: vocabulary[next] })")],
        },
      ],
    },
    {
      name: 'sources: a configured function returns untrusted text',
      code: `
declare function readTicket(): string;
const ticket = readTicket();
console.warn('ticket: ' + ticket.trim());
`,
      options: [{ sources: [{ name: 'readTicket' }] }],
      errors: [{ messageId: 'concatenated', line: 4, column: 1, suggestions: [{ messageId: 'moveToField', output: `
declare function readTicket(): string;
const ticket = readTicket();
console.warn('ticket', { ticket: ticket.trim() });
` }] }],
    },
    {
      name: 'sinks: a configured log function',
      code: `
import type { Request } from 'express';
declare function audit(message: string): void;
export function handler(req: Request): void {
  audit(\`query \${String(req.query.q)}\`);
}
`,
      options: [{ sinks: [{ name: 'audit' }] }],
      errors: [{ messageId: 'interpolated', line: 5, column: 3, suggestions: [{ messageId: 'moveToField', output: `
import type { Request } from 'express';
declare function audit(message: string): void;
export function handler(req: Request): void {
  audit('query', { q: String(req.query.q) });
}
` }] }],
    },
  ],
});
