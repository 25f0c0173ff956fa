// A Fastify service that embeds texts with a small MLX encoder: POST /embed {"texts": [...]}
// answers with one vector per text; GET /search?q=... ranks the cached texts by similarity.
import Fastify from 'fastify';
import { core as mx, nn } from '@frost-beta/mlx';
import { CharTokenizer } from './lm.js';

const DIMS = 32;
const CONTEXT = 24;

class Encoder extends nn.Module {
  embedding = new nn.Embedding(128, DIMS);
  projection = new nn.Linear(DIMS, DIMS);

  override forward(tokens: mx.array): mx.array {
    const pooled = mx.mean(this.embedding.forward(tokens), 1); // ok: require-mlx-event-logging -- layer composition
    const projected = this.projection.forward(pooled); // ok: require-mlx-event-logging -- layer composition
    return mx.divide(projected, mx.sqrt(mx.sum(mx.square(projected), -1, true)));
  }
}

/** The encoder and its bookkeeping: a model next to plain counters. */
class EmbeddingIndex {
  readonly encoder = new Encoder();
  readonly tokenizer = new CharTokenizer(Array.from('abcdefghijklmnopqrstuvwxyz0123456789 .,!?'));
  texts: string[] = [];
  vectors: mx.array | undefined;
  requests = 0;
  embedded = 0;

  embed(texts: readonly string[]): mx.array {
    this.requests++;
    this.embedded += texts.length;
    const batch = mx.concatenate(texts.map((text) => this.tokenizer.window(this.tokenizer.encode(text), CONTEXT)), 0);
    return this.encoder.forward(batch); // expect: require-mlx-event-logging -- a request's inference, and embed() logs nothing
  }

  async embedAsync(texts: readonly string[]): Promise<mx.array> {
    await Promise.resolve();
    return this.embed(texts);
  }
}

const index = new EmbeddingIndex();
const app = Fastify({ logger: { level: process.env.LOG_LEVEL ?? 'info' } }); // ok: no-verbose-logger-config -- the level comes from the environment

function cachedCount(): Promise<number> {
  return Promise.resolve(index.texts.length);
}

app.post<{ Body: { texts: string[] } }>('/embed', async (request) => {
  const { texts } = request.body;
  request.log.info(`embedding ${texts.length} texts`); // ok: no-log-injection -- a length; ok: no-tainted-log -- a length
  request.log.info({ lengths: texts.map((text) => text.length) }, 'text lengths'); // ok: no-tainted-log -- the callback returns only lengths
  request.log.info({ characters: texts.reduce((sum, text) => sum + text.length, 0) }, 'characters'); // ok: no-tainted-log -- a reduce summing lengths
  request.log.debug(`first text: ${texts[0] ?? ''}`); // expect: no-log-injection -- request body text in the message; expect: no-tainted-log -- request data

  const [cached, vectors] = await Promise.all([cachedCount(), index.embedAsync(texts)]);
  request.log.info({ cached }, 'cache size'); // ok: no-tainted-log -- the count half of Promise.all, kept apart from the vectors
  request.log.debug({ vectors }, 'vectors'); // expect: no-tainted-log -- a tensor
  const { shape, dtype } = vectors;
  request.log.info({ shape, dtype: String(dtype) }, 'embedded'); // ok: no-tainted-log -- metadata by destructuring
  const summary: [number, mx.array] = [texts.length, vectors];
  request.log.info({ count: summary[0] }, 'batch'); // ok: no-tainted-log -- the number element of a tuple
  request.log.debug({ first: summary[1] }, 'batch'); // expect: no-tainted-log -- the tensor element of the tuple
  request.log.info({ requests: index.requests, embedded: index.embedded }, 'index counters'); // ok: no-tainted-log -- plain numeric fields of an object that also holds a model
  request.log.debug({ index }, 'index'); // expect: no-tainted-log -- the object holds the model's tensors
  request.log.debug(`first vector ${(vectors.tolist() as number[][])[0]?.join(',') ?? ''}`); // expect: no-tainted-log -- raw tensor data (model output)

  index.texts.push(...texts);
  index.vectors = index.vectors === undefined ? vectors : mx.concatenate([index.vectors, vectors], 0);
  return { vectors: vectors.tolist() };
});

app.get<{ Querystring: { q?: string; k?: string } }>('/search', async (request, reply) => {
  const query = request.query.q ?? '';
  const k = Number(request.query.k ?? '5');
  request.log.info(`search for ${query}`); // expect: no-log-injection -- a query parameter in the message; expect: no-tainted-log -- request data
  request.log.info({ query }, 'search'); // ok: no-log-injection -- a structured field; expect: no-tainted-log -- request data
  if (index.vectors === undefined) {
    await reply.code(404).send({ error: 'nothing indexed yet' });
    return;
  }
  const scores = mx.matmul(index.vectors, mx.transpose(index.embed([query]))).reshape([-1]).tolist() as number[];
  const ranked = scores.map((score, i) => ({ score, text: index.texts[i] ?? '' })).sort((a, b) => b.score - a.score).slice(0, k);
  request.log.info({ results: ranked.length }, 'search done'); // ok: no-tainted-log -- a count
  request.log.info({ best: ranked[0]?.score }, 'best match'); // expect: no-tainted-log -- one request's similarity score is model output
  await reply.send({ results: ranked });
});

app.setErrorHandler(async (error, request, reply) => {
  request.log.error({ err: error }, 'request failed');
  await reply.code(500).send({ error: 'internal error' });
});

await app.listen({ port: Number(process.env.PORT ?? 8081), host: '127.0.0.1' });
