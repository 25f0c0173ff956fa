import { mkdtemp, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadBundle, saveBundle, type ModelBundle } from './checkpoint.js';
import { buildCorpus, LABELS } from './dataset.js';
import { createLogger } from './logger.js';
import { mx, utils } from './mlx.js';
import { SentimentClassifier } from './model.js';
import { createHandler, createHttpServer, SentimentService, type Handler } from './serve.js';
import { Tokenizer } from './tokenizer.js';
import { accuracy, train, type TrainReport } from './train.js';

const SEED = 7;
const MAX_LENGTH = 8;
const TRAIN_OPTIONS = { steps: 60, learningRate: 0.001, logEvery: 20 };
const HTTP_TIMEOUT_MS = 5_000;

const DEMO_PROMPTS = [
  'The concert was absolutely fantastic!',
  'What a boring, dreadful evening.',
  'Honestly, the hotel room was okay.',
  'My order is really amazing',
  'The staff is quite disappointing',
];

const log = createLogger('inference-service');

interface Prepared {
  bundle: ModelBundle;
  training: TrainReport & { trainAccuracy: number; heldOutAccuracy: number; parameters: number };
  reload: { identical: boolean; maxAbsDifference: number };
}

/** Trains the classifier, saves it to `directory`, loads it back and checks the copy is exact. */
async function prepare(directory: string): Promise<Prepared> {
  mx.random.seed(SEED);
  const corpus = buildCorpus();
  const tokenizer = Tokenizer.fromCorpus(corpus.train.map((example) => example.text), MAX_LENGTH);
  const model = new SentimentClassifier({
    vocabularySize: tokenizer.size,
    embeddingDims: 16,
    hiddenDims: 32,
    numClasses: LABELS.length,
  });
  mx.eval(model.parameters());
  const parameters = utils
    .treeFlatten(model.parameters())
    .reduce((total, [, value]) => total + (value as mx.array).size, 0);
  log.info('model created', { parameters, vocabulary: tokenizer.size, labels: LABELS.length });

  const encode = (examples: typeof corpus.train) => ({
    tokens: tokenizer.encodeBatch(examples.map((example) => example.text)),
    labels: mx.array(examples.map((example) => example.label), mx.int32),
  });
  const trainSet = encode(corpus.train);
  const heldOut = encode(corpus.heldOut);

  const report = train(model, trainSet.tokens, trainSet.labels, TRAIN_OPTIONS, log.child({ component: 'train' }));
  model.eval();
  const trainAccuracy = accuracy(model, trainSet.tokens, trainSet.labels);
  const heldOutAccuracy = accuracy(model, heldOut.tokens, heldOut.labels);
  log.info('training finished', { finalLoss: report.finalLoss, trainAccuracy, heldOutAccuracy });

  await saveBundle(directory, { model, tokenizer, labels: LABELS }, log);
  const bundle = await loadBundle(directory, log);

  const probe = tokenizer.encodeBatch(DEMO_PROMPTS);
  const trained = model.forward(probe);
  const reloaded = bundle.model.forward(probe);
  mx.eval(trained, reloaded);
  const reload = {
    identical: mx.arrayEqual(trained, reloaded).item() === true,
    maxAbsDifference: mx.max(mx.abs(mx.subtract(trained, reloaded))).item() as number,
  };
  if (!reload.identical) log.error('the reloaded model disagrees with the trained one', reload);

  return { bundle, training: { ...report, trainAccuracy, heldOutAccuracy, parameters }, reload };
}

async function postOverHttp(handler: Handler, prompt: string): Promise<{ status: number; body: unknown }> {
  const server = createHttpServer(handler, log.child({ component: 'http' }));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const { port } = server.address() as AddressInfo;
    const response = await fetch(`http://127.0.0.1:${port}/predict`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ prompt }),
      signal: AbortSignal.timeout(HTTP_TIMEOUT_MS),
    });
    return { status: response.status, body: await response.json() };
  } finally {
    server.closeAllConnections();
    await new Promise<void>((resolve) => {
      server.close(() => {
        resolve();
      });
    });
  }
}

/** The whole flow in one process; the last line on stdout is the machine-readable result. */
async function demo(): Promise<void> {
  const directory = process.env.OUTPUT_DIR ?? (await mkdtemp(join(tmpdir(), 'mlx-inference-')));
  try {
    const { bundle, training, reload } = await prepare(directory);
    const handler = createHandler(new SentimentService(bundle), log.child({ component: 'handler' }));

    const predictions = DEMO_PROMPTS.map((prompt) => {
      const response = handler({ method: 'POST', path: '/predict', body: JSON.stringify({ prompt }) });
      return { prompt, status: response.status, ...(response.body as object) };
    });
    const rejected = handler({ method: 'POST', path: '/predict', body: JSON.stringify({ prompt: '  ' }) });
    const [firstPrompt = ''] = DEMO_PROMPTS;
    const overHttp = await postOverHttp(handler, firstPrompt);
    const inProcess = handler({ method: 'POST', path: '/predict', body: JSON.stringify({ prompt: firstPrompt }) });

    const result = {
      seed: SEED,
      training,
      reload,
      predictions,
      emptyPromptStatus: rejected.status,
      http: {
        status: overHttp.status,
        matchesInProcess: JSON.stringify(overHttp.body) === JSON.stringify(inProcess.body),
      },
    };
    process.stdout.write(`${JSON.stringify(result)}\n`);
  } finally {
    if (process.env.OUTPUT_DIR === undefined) await rm(directory, { recursive: true, force: true });
  }
}

/** Trains, then serves on 127.0.0.1 until interrupted. */
async function serve(): Promise<void> {
  const directory = process.env.OUTPUT_DIR ?? join(process.cwd(), 'out');
  const { bundle } = await prepare(directory);
  const handler = createHandler(new SentimentService(bundle), log.child({ component: 'handler' }));
  const server = createHttpServer(handler, log.child({ component: 'http' }));
  const port = Number(process.env.PORT ?? 8080);
  server.listen(port, '127.0.0.1', () => {
    log.info('listening', { host: '127.0.0.1', port });
  });
  const stop = (): void => {
    log.info('shutting down');
    server.close();
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

const mode = process.argv[2] ?? 'demo';
const run = mode === 'serve' ? serve : mode === 'demo' ? demo : undefined;
if (run === undefined) {
  log.error('unknown mode', { mode, modes: ['demo', 'serve'] });
  process.exitCode = 2;
} else {
  run().catch((error: unknown) => {
    log.error('failed', { error: error instanceof Error ? (error.stack ?? error.message) : String(error) });
    process.exitCode = 1;
  });
}
