// An HTTP inference service on node:http: POST /complete {"prompt": "..."} answers with a
// completion of the prompt; GET /health reports the model. Logs are pino's JSON lines.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { core as mx } from '@frost-beta/mlx';
import { loadLanguageModel } from './checkpoint.js';
import { logger, logLine, reportFailure } from './logger.js';
import { complete } from './sampling.js';

const MAX_BODY_BYTES = 8 * 1024;
const MAX_PROMPT_LENGTH = 400;
const apiKey = process.env.SERVICE_API_KEY ?? '';
const modelDirectory = process.env.MODEL_DIR ?? 'models/tiny';

const { model, tokenizer } = loadLanguageModel(modelDirectory);
logger.info({ model: modelDirectory, env: process.env.NODE_ENV, apiKeyConfigured: apiKey.length > 0 }, 'service starting'); // ok: no-tainted-log -- NODE_ENV and a boolean about the key
logger.debug({ env: process.env }, 'environment'); // expect: no-tainted-log -- the whole environment holds secrets
logger.info(`model directory ${modelDirectory}`); // ok: no-log-injection -- the environment is local configuration, not a remote source

interface CompletionRequest {
  prompt?: unknown;
  maxTokens?: unknown;
}

class RequestError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

async function readJson(request: IncomingMessage): Promise<CompletionRequest> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > MAX_BODY_BYTES) throw new RequestError(413, 'body too large');
    chunks.push(buffer);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8')) as CompletionRequest;
  } catch { // ok: no-silent-mlx-catch -- no MLX call in the try block
    throw new RequestError(400, 'the body must be JSON');
  }
}

function send(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json' });
  response.end(JSON.stringify(body)); // ok: no-tainted-log -- an HTTP response is not a log
}

async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
  const url = new URL(request.url ?? '/', 'http://localhost');
  const userAgent = request.headers['user-agent'] ?? 'unknown';
  logger.info({ method: request.method }, 'request received'); // ok: no-tainted-log -- the method is metadata of the exchange
  logger.info(`${request.method ?? 'GET'} request`); // ok: no-log-injection -- the method is not untrusted text
  logger.debug('client %s', userAgent); // expect: no-log-injection -- a header formatted into the message; expect: no-tainted-log -- request data

  if (url.pathname === '/health') {
    send(response, 200, { status: 'ok', vocabulary: tokenizer.size });
    return;
  }
  if (url.pathname !== '/complete') {
    logger.warn(`unknown route ${url.pathname}`); // expect: no-log-injection -- the path is remote input in the message; expect: no-tainted-log -- request data
    logger.warn({ path: url.pathname }, 'unknown route'); // ok: no-log-injection -- a structured field; expect: no-tainted-log -- request data still reaches the log
    logLine('unknown route ' + url.pathname); // expect: no-log-injection -- through our helper, which puts its parameter into the message; expect: no-tainted-log -- request data through our helper
    send(response, 404, { error: 'not found' });
    return;
  }
  if (request.headers.authorization !== `Bearer ${apiKey}`) {
    logger.warn({ authorization: request.headers.authorization }, 'bad credentials'); // expect: no-tainted-log -- a credential from the request
    logger.warn({ presented: request.headers.authorization !== undefined }, 'bad credentials'); // ok: no-tainted-log -- a boolean
    send(response, 401, { error: 'unauthorized' });
    return;
  }

  const body = await readJson(request);
  const prompt = typeof body.prompt === 'string' ? body.prompt : '';
  logger.info({ promptLength: prompt.length }, 'prompt received'); // ok: no-tainted-log -- a length; ok: no-log-injection -- a number
  logger.debug({ prompt }, 'prompt'); // expect: no-tainted-log -- the prompt; ok: no-log-injection -- a structured field
  logger.info(`prompt: ${JSON.stringify(prompt)}`); // ok: no-log-injection -- JSON.stringify escapes line breaks; expect: no-tainted-log -- the prompt
  logger.info(`prompt: ${prompt.replace(/[\r\n]/g, ' ')}`); // ok: no-log-injection -- CR and LF removed; expect: no-tainted-log -- the prompt
  logger.info(`prompt: ${prompt.replace(/\n/g, ' ')}`); // expect: no-log-injection -- a CR still forges a line; expect: no-tainted-log -- the prompt
  logger.info(`prompt: ${prompt.replace(/[\r\n]/, ' ')}`); // expect: no-log-injection -- not global: only the first break goes; expect: no-tainted-log -- the prompt
  logger.info('prompt ' + encodeURIComponent(prompt)); // ok: no-log-injection -- encoded; expect: no-tainted-log -- the prompt, encoded
  console.log('prompt', { prompt }); // ok: no-log-injection -- an object after the message is inspected, with strings quoted; expect: no-tainted-log -- the prompt
  console.log('prompt', prompt); // expect: no-log-injection -- console appends a string argument as it is; expect: no-tainted-log -- the prompt
  if (prompt.length === 0 || prompt.length > MAX_PROMPT_LENGTH) {
    logger.warn(`rejected a prompt of ${prompt.length} characters`); // ok: no-log-injection -- a length; ok: no-tainted-log -- a length
    send(response, 400, { error: `"prompt" must have 1 to ${MAX_PROMPT_LENGTH} characters` });
    return;
  }
  const maxTokens = typeof body.maxTokens === 'number' ? Math.min(body.maxTokens, 200) : 80;

  const started = performance.now();
  const completion = complete(model, tokenizer, prompt, { maxTokens, temperature: 0 });
  logger.info({ completionLength: completion.length, durationMs: Math.round(performance.now() - started) }, 'completed'); // ok: no-tainted-log -- a length and a duration
  logger.debug({ completion }, 'completion'); // expect: no-tainted-log -- model output
  logger.info(`completed: ${completion}`); // ok: no-log-injection -- model output is opt-in (modelOutput); expect: no-tainted-log -- model output
  send(response, 200, { completion });
}

/** Scores a prompt: how likely the model finds each next character, as a number between 0 and 1. */
function score(prompt: string): number {
  const ids = tokenizer.encode(prompt);
  const logits = model.forward(tokenizer.window(ids.slice(0, -1), model.config.contextLength)); // expect: require-mlx-event-logging -- an early return below skips the event
  const probability = mx.softmax(logits, -1).max().item() as number;
  if (probability > 0.99) return probability;
  logger.info({ event: 'inference', operation: 'score' }, 'prompt scored');
  return probability;
}

export function scoreOrZero(prompt: string): number {
  try {
    return score(prompt);
  } catch { // expect: no-silent-mlx-catch -- the inference in score() fails silently
    return 0;
  }
}

export function scoreLogged(prompt: string): number {
  try {
    const value = score(prompt);
    logger.info({ confidence: value }, 'scored'); // expect: no-tainted-log -- one request's confidence is model output
    return value;
  } catch (error) { // ok: no-silent-mlx-catch -- logged
    logger.error({ err: error }, 'scoring failed');
    return 0;
  }
}

const server = createServer((request, response) => {
  handle(request, response).catch((error: unknown) => { // ok: no-silent-mlx-catch -- logged through our helper; ok: no-log-injection, no-tainted-log -- handle() reads the request itself: its log calls are reported there, not here
    reportFailure('request', error);
    send(response, error instanceof RequestError ? error.status : 500, { error: error instanceof RequestError ? error.message : 'internal error' });
  });
});
const port = Number(process.env.PORT ?? 8080);
server.listen(port, '127.0.0.1', () => {
  logger.info({ port }, 'listening');
});
