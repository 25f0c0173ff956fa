import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { ModelBundle } from './checkpoint.js';
import type { Logger } from './logger.js';
import { mx } from './mlx.js';

const MAX_PROMPT_LENGTH = 500;
const MAX_BODY_BYTES = 4096;

export interface Prediction {
  label: string;
  probabilities: Record<string, number>;
  unknownWords: number;
}

/** Runs the classifier on user prompts. */
export class SentimentService {
  constructor(private readonly bundle: ModelBundle) {}

  predict(prompts: readonly string[]): Prediction[] {
    const { model, tokenizer, labels } = this.bundle;
    const logits = model.forward(tokenizer.encodeBatch(prompts));
    const rows = mx.softmax(logits, -1).tolist() as number[][];
    return rows.map((row, i) => {
      const best = row.indexOf(Math.max(...row));
      return {
        label: labels[best] ?? 'unknown',
        probabilities: Object.fromEntries(labels.map((label, j) => [label, row[j] ?? 0])),
        unknownWords: tokenizer.countUnknown(prompts[i] ?? ''),
      };
    });
  }

  describe(): Record<string, unknown> {
    const { model, tokenizer, labels } = this.bundle;
    return {
      labels,
      vocabularySize: tokenizer.size,
      maxLength: tokenizer.maxLength,
      embedding: { shape: model.embedding.weight.shape, dtype: String(model.embedding.weight.dtype) },
    };
  }
}

/** A request with the transport stripped off, so the handler runs the same with or without HTTP. */
export interface ServiceRequest {
  method: string;
  path: string;
  body: string;
}

export interface ServiceResponse {
  status: number;
  body: unknown;
}

export type Handler = (request: ServiceRequest) => ServiceResponse;

export function createHandler(service: SentimentService, log: Logger): Handler {
  let requests = 0;
  return ({ method, path, body }) => {
    const requestLog = log.child({ requestId: ++requests, method, path });

    if (method === 'GET' && path === '/health') return { status: 200, body: { status: 'ok', model: service.describe() } };
    if (path !== '/predict') return { status: 404, body: { error: 'not found' } };
    if (method !== 'POST') return { status: 405, body: { error: 'use POST' } };

    let prompt: unknown;
    try {
      prompt = (JSON.parse(body) as { prompt?: unknown }).prompt;
    } catch {
      requestLog.warn('rejected request', { reason: 'invalid JSON', bodyBytes: Buffer.byteLength(body) });
      return { status: 400, body: { error: 'the body must be JSON' } };
    }
    if (typeof prompt !== 'string' || prompt.trim() === '') {
      requestLog.warn('rejected request', { reason: 'missing prompt' });
      return { status: 400, body: { error: '"prompt" must be a non-empty string' } };
    }
    if (prompt.length > MAX_PROMPT_LENGTH) {
      requestLog.warn('rejected request', { reason: 'prompt too long', promptLength: prompt.length });
      return { status: 413, body: { error: `"prompt" is longer than ${MAX_PROMPT_LENGTH} characters` } };
    }

    const started = performance.now();
    const [prediction] = service.predict([prompt]);
    requestLog.info('prediction served', {
      promptLength: prompt.length,
      label: prediction?.label,
      unknownWords: prediction?.unknownWords,
      durationMs: Math.round((performance.now() - started) * 100) / 100,
    });
    return { status: 200, body: prediction };
  };
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > MAX_BODY_BYTES) throw new Error('request body too large');
    chunks.push(buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** Serves a handler over HTTP, one JSON response per request. */
export function createHttpServer(handler: Handler, log: Logger): Server {
  const respond = async (request: IncomingMessage): Promise<ServiceResponse> => {
    let body: string;
    try {
      body = await readBody(request);
    } catch {
      return { status: 413, body: { error: 'request body too large' } };
    }
    try {
      return handler({ method: request.method ?? 'GET', path: request.url ?? '/', body });
    } catch (error: unknown) {
      log.error('request failed', { error: error instanceof Error ? error.message : String(error) });
      return { status: 500, body: { error: 'internal error' } };
    }
  };

  return createServer((request, response) => {
    void respond(request).then(({ status, body }) => {
      response.writeHead(status, { 'content-type': 'application/json' });
      response.end(JSON.stringify(body));
    });
  });
}
