import { createHash, randomUUID, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { classify } from './classify.js';
import type { Logger } from './logger.js';
import { elapsed, type LoadedModel } from './model-store.js';

const MAX_BODY_BYTES = 16 * 1024;
const MAX_TEXTS = 16;
const MAX_TEXT_LENGTH = 1000;

type Route = 'classify' | 'health' | 'unknown';

interface Reply {
  status: number;
  body: unknown;
  /** Why a request was refused: a fixed phrase, never the request's own text. */
  reason?: string;
}

/** Compares a bearer token with the key in constant time; only the boolean result is ever logged. */
function authorized(header: string | undefined, apiKey: string): boolean {
  const digest = (text: string): Buffer => createHash('sha256').update(text).digest();
  return timingSafeEqual(digest(header ?? ''), digest(`Bearer ${apiKey}`));
}

function routeOf(request: IncomingMessage): Route {
  if (request.url === '/classify') return 'classify';
  if (request.url === '/health') return 'health';
  return 'unknown';
}

async function readBody(request: IncomingMessage): Promise<string | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > MAX_BODY_BYTES) return undefined;
    chunks.push(buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** The texts of a `{ "texts": [...] }` body, or why the body is refused. */
function parseTexts(body: string): string[] | string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return 'the body is not JSON';
  }
  const texts = (parsed as { texts?: unknown } | null)?.texts;
  if (!Array.isArray(texts) || texts.length === 0 || texts.length > MAX_TEXTS) return `"texts" must be an array of 1 to ${MAX_TEXTS} strings`;
  if (!texts.every((text): text is string => typeof text === 'string' && text.length <= MAX_TEXT_LENGTH)) {
    return `every text must be a string of at most ${MAX_TEXT_LENGTH} characters`;
  }
  return texts;
}

async function handle(request: IncomingMessage, loaded: LoadedModel, apiKey: string, log: Logger): Promise<Reply> {
  const route = routeOf(request);
  if (route === 'health') return { status: 200, body: { status: 'ok', labels: loaded.config.labels } };
  if (route === 'unknown') return { status: 404, body: { error: 'not found' }, reason: 'unknown route' };
  if (request.method !== 'POST') return { status: 405, body: { error: 'use POST' }, reason: 'wrong method' };
  if (!authorized(request.headers.authorization, apiKey)) return { status: 401, body: { error: 'unauthorized' }, reason: 'bad credentials' };

  const body = await readBody(request);
  if (body === undefined) return { status: 413, body: { error: 'the body is too large' }, reason: 'body too large' };
  const texts = parseTexts(body);
  if (typeof texts === 'string') return { status: 400, body: { error: texts }, reason: 'invalid body' };
  return { status: 200, body: { results: classify(loaded, texts, log) } };
}

/**
 * Serves `POST /classify` (bearer token required) and `GET /health`. Each request is logged once,
 * as structured fields: a generated id, the method, the route, the status, the body's size and
 * why it was refused. The request's own text (URL, headers, body) never reaches the log.
 */
export function createClassifierServer(loaded: LoadedModel, apiKey: string, log: Logger): Server {
  return createServer((request: IncomingMessage, response: ServerResponse) => {
    const started = performance.now();
    const requestLog = log.child({ requestId: randomUUID(), method: request.method, route: routeOf(request) });
    const respond = async (): Promise<void> => {
      let reply: Reply;
      try {
        reply = await handle(request, loaded, apiKey, requestLog);
      } catch (error: unknown) {
        requestLog.error({ event: 'request.error', err: error }, 'request failed');
        reply = { status: 500, body: { error: 'internal error' } };
      }
      const payload = JSON.stringify(reply.body);
      requestLog.info(
        { event: 'request.completed', status: reply.status, reason: reply.reason, responseBytes: payload.length, durationMs: elapsed(started) },
        'request completed',
      );
      response.writeHead(reply.status, { 'content-type': 'application/json' });
      response.end(payload);
    };
    void respond();
  });
}
