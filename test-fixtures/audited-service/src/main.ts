import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { logger } from './logger.js';
import { CONFIG_FILE, exportLexiconModel, loadModel } from './model-store.js';
import { createClassifierServer } from './server.js';

const MAX_LENGTH = 12;
const HTTP_TIMEOUT_MS = 5_000;

const DEMO_TEXTS = [
  'The staff were friendly and the food was excellent',
  'Terrible service, the waiter was rude and slow',
  'The room was okay',
  'We arrived on Tuesday',
];

interface Exchange {
  status: number;
  body: unknown;
}

/** Exports the lexicon model, serves it on 127.0.0.1, calls it over HTTP and writes what it answered to `resultFile`. */
async function demo(resultFile: string): Promise<void> {
  const directory = await mkdtemp(join(tmpdir(), 'mlx-audited-'));
  const apiKey = process.env.SERVICE_API_KEY ?? randomBytes(24).toString('base64url');
  try {
    await exportLexiconModel(directory, MAX_LENGTH, logger);
    const loaded = await loadModel(directory, logger);
    const server = createClassifierServer(loaded, apiKey, logger);
    await new Promise<void>((listening) => server.listen(0, '127.0.0.1', listening));
    const { port } = server.address() as AddressInfo;
    const call = async (path: string, init: RequestInit = {}): Promise<Exchange> => {
      const response = await fetch(`http://127.0.0.1:${port}${path}`, { ...init, signal: AbortSignal.timeout(HTTP_TIMEOUT_MS) });
      return { status: response.status, body: await response.json() };
    };
    const post = (body: string, key = apiKey): Promise<Exchange> =>
      call('/classify', { method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, body });

    let exchanges: Record<string, Exchange>;
    try {
      exchanges = {
        classify: await post(JSON.stringify({ texts: DEMO_TEXTS })),
        wrongKey: await post(JSON.stringify({ texts: DEMO_TEXTS }), 'not-the-key'),
        invalidJson: await post('{ "texts": '),
        emptyTexts: await post(JSON.stringify({ texts: [] })),
        health: await call('/health'),
        unknownRoute: await call('/admin'),
      };
    } finally {
      server.closeAllConnections();
      await new Promise<void>((closed) => {
        server.close(() => {
          closed();
        });
      });
    }

    // Weights that do not fit the configuration (one word more than they have rows for): the load
    // fails, is logged with the weights' path, and is rethrown.
    const config = JSON.parse(await readFile(join(directory, CONFIG_FILE), 'utf8')) as { vocabulary: string[] };
    await writeFile(join(directory, CONFIG_FILE), JSON.stringify({ ...config, vocabulary: [...config.vocabulary, 'unheard'] }));
    let mismatchedLoad: string;
    try {
      await loadModel(directory, logger);
      mismatchedLoad = 'loaded';
    } catch (error: unknown) {
      logger.warn({ event: 'demo.expected-failure', err: error }, 'the mismatched model was refused');
      mismatchedLoad = 'rejected';
    }

    // The result holds model outputs: it goes to a file for the caller, not to a log or the terminal.
    const statuses = Object.fromEntries(Object.entries(exchanges).map(([name, exchange]) => [name, exchange.status]));
    await writeFile(resultFile, `${JSON.stringify({ statuses, classify: exchanges.classify?.body, mismatchedLoad })}\n`);
    logger.info({ event: 'demo.finished', resultFile }, 'demo finished');
  } finally {
    await rm(directory, { recursive: true, force: true });
  }
}

/** Loads the model directory named on the command line and serves it until interrupted. */
async function serve(directory: string): Promise<void> {
  const apiKey = process.env.SERVICE_API_KEY;
  if (apiKey === undefined || apiKey === '') {
    logger.error({ event: 'config.error', variable: 'SERVICE_API_KEY' }, 'an API key is required to serve');
    process.exitCode = 2;
    return;
  }
  await exportLexiconModel(directory, MAX_LENGTH, logger);
  const loaded = await loadModel(directory, logger);
  const server = createClassifierServer(loaded, apiKey, logger);
  const port = Number(process.env.PORT ?? 8080);
  server.listen(port, '127.0.0.1', () => {
    logger.info({ event: 'server.listening', host: '127.0.0.1', port }, 'listening');
  });
  const stop = (): void => {
    logger.info({ event: 'server.stopping' }, 'shutting down');
    server.close();
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

// `demo <result file>` or `serve <model directory>`.
const [mode = 'demo', path = mode === 'demo' ? 'result.json' : 'out'] = process.argv.slice(2);
const run = mode === 'demo' ? () => demo(resolve(path)) : mode === 'serve' ? () => serve(resolve(path)) : undefined;
if (run === undefined) {
  // The mode is untrusted command-line text: it goes in a field of its own, never into the message.
  logger.error({ event: 'usage.error', mode, modes: ['demo', 'serve'] }, 'unknown mode');
  process.exitCode = 2;
} else {
  run().catch((error: unknown) => {
    logger.fatal({ event: 'process.failure', err: error }, 'failed');
    process.exitCode = 1;
  });
}
