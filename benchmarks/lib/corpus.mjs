// The lint and build corpus: a generated MLX application, deterministic for a given seed and size.
// Every ten files form a "service unit" (model, loader, request handler, training loop, logging...),
// units import each other's loggers, and some flows are tainted on purpose (a tensor, a prompt or a
// secret reaching a log through a helper in another file) while the rest is clean, idiomatic code.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MeasurementError, runNode } from './measure.mjs';
import { BENCHMARKS_DIR, REPOSITORY_DIR, WORK_DIR, binPath } from './paths.mjs';

export const FILES_PER_UNIT = 10;

/**
 * A small seeded generator (mulberry32): the corpus must be the same on every machine and run.
 * @param {number} seed
 * @returns {() => number} uniform in [0, 1)
 */
export function random(seed) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * @template T
 * @param {() => number} next
 * @param {readonly T[]} items
 * @returns {T}
 */
function pick(next, items) {
  const item = items[Math.floor(next() * items.length)];
  if (item === undefined) throw new Error('pick from an empty list');
  return item;
}

/**
 * What varies from one unit to the next.
 * @typedef {object} UnitPlan
 * @property {number} index
 * @property {'console' | 'pino'} logger
 * @property {number} vocabulary
 * @property {number} embedding
 * @property {number} hidden
 * @property {number} classes
 * @property {'Adam' | 'SGD' | 'AdamW'} optimizer
 * @property {'relu' | 'gelu' | 'silu'} activation
 * @property {boolean} leakTensor the loader logs a weight tensor through the unit's log helper
 * @property {boolean} leakPrompt the handler logs the prompt through the log helper of another unit
 * @property {boolean} leakSecret the config logs the API token
 * @property {boolean} silentCatch the handler swallows an MLX error
 * @property {number} peer the unit whose log helper this unit's handler and index use
 */

/**
 * @param {number} units
 * @param {number} seed
 * @returns {UnitPlan[]}
 */
export function planUnits(units, seed) {
  const next = random(seed);
  return Array.from({ length: units }, (_, index) => ({
    index,
    logger: next() < 0.5 ? 'console' : 'pino',
    vocabulary: pick(next, [128, 256, 512, 1000]),
    embedding: pick(next, [16, 32, 64]),
    hidden: pick(next, [32, 64, 128]),
    classes: pick(next, [2, 3, 5]),
    optimizer: pick(next, ['Adam', 'SGD', 'AdamW']),
    activation: pick(next, ['relu', 'gelu', 'silu']),
    leakTensor: next() < 0.3,
    leakPrompt: next() < 0.3,
    leakSecret: next() < 0.2,
    silentCatch: next() < 0.25,
    peer: units === 1 ? 0 : (index + 1 + Math.floor(next() * (units - 1))) % units,
  }));
}

/** @param {UnitPlan} u */
function logModule(u) {
  if (u.logger === 'pino') {
    return `import pino from 'pino';

const logger = pino({ name: 'unit-${u.index}', level: process.env.LOG_LEVEL ?? 'info' });

export type Fields = Record<string, unknown>;

/** Structured logging for unit ${u.index}; every helper writes one line. */
export function logInfo(message: string, fields: Fields = {}): void {
  logger.info(fields, message);
}

export function logWarn(message: string, fields: Fields = {}): void {
  logger.warn(fields, message);
}

export function logError(message: string, error: unknown): void {
  logger.error({ err: error instanceof Error ? error.message : String(error) }, message);
}

export function logValue(label: string, value: unknown): void {
  logger.debug({ label, value }, 'value');
}
`;
  }
  return `export type Fields = Record<string, unknown>;

function line(level: string, message: string, fields: Fields): string {
  return JSON.stringify({ time: new Date().toISOString(), level, unit: ${u.index}, message, ...fields });
}

/** Structured logging for unit ${u.index}; every helper writes one line. */
export function logInfo(message: string, fields: Fields = {}): void {
  console.log(line('info', message, fields));
}

export function logWarn(message: string, fields: Fields = {}): void {
  console.warn(line('warn', message, fields));
}

export function logError(message: string, error: unknown): void {
  console.error(line('error', message, { error: error instanceof Error ? error.message : String(error) }));
}

export function logValue(label: string, value: unknown): void {
  console.debug(label, value);
}
`;
}

/** @param {UnitPlan} u */
function configModule(u) {
  return `import { logInfo } from './log.js';

export interface UnitConfig {
  modelDir: string;
  maxLength: number;
  batchSize: number;
  learningRate: number;
  apiToken: string | undefined;
}

export function readConfig(env: NodeJS.ProcessEnv = process.env): UnitConfig {
  const config: UnitConfig = {
    modelDir: env.MODEL_DIR_${u.index} ?? './models/unit-${u.index}',
    maxLength: Number(env.MAX_LENGTH ?? 16),
    batchSize: Number(env.BATCH_SIZE ?? 8),
    learningRate: Number(env.LEARNING_RATE ?? 0.001),
    apiToken: env.API_TOKEN,
  };
  logInfo('configuration read', { modelDir: config.modelDir, maxLength: config.maxLength, batchSize: config.batchSize });
${u.leakSecret ? "  logInfo('authenticating', { token: config.apiToken });\n" : ''}  return config;
}
`;
}

/** @param {UnitPlan} u */
function modelModule(u) {
  return `import { core as mx, nn } from '@frost-beta/mlx';

export interface ModelShape {
  vocabulary: number;
  embedding: number;
  hidden: number;
  classes: number;
}

export const SHAPE_${u.index}: ModelShape = { vocabulary: ${u.vocabulary}, embedding: ${u.embedding}, hidden: ${u.hidden}, classes: ${u.classes} };

/** Mean-pooled embeddings through a two-layer perceptron. */
export class Classifier${u.index} extends nn.Module {
  embed: nn.Embedding;
  hidden: nn.Linear;
  head: nn.Linear;

  constructor(shape: ModelShape = SHAPE_${u.index}) {
    super();
    this.embed = new nn.Embedding(shape.vocabulary, shape.embedding);
    this.hidden = new nn.Linear(shape.embedding, shape.hidden);
    this.head = new nn.Linear(shape.hidden, shape.classes);
  }

  override forward(tokens: mx.array): mx.array {
    const mask = mx.expandDims(mx.notEqual(tokens, 0).astype(mx.float32), -1);
    const embedded = mx.multiply(this.embed.forward(tokens), mask);
    const pooled = mx.divide(mx.sum(embedded, 1), mx.maximum(mx.sum(mask, 1), 1));
    return this.head.forward(nn.${u.activation}(this.hidden.forward(pooled)));
  }
}
`;
}

/** @param {UnitPlan} u */
function tokenizerModule(u) {
  return `import { core as mx } from '@frost-beta/mlx';

export const PAD = 0;
export const UNKNOWN = 1;

/** Word ids by hashing, so the unit needs no vocabulary file. */
export function tokenId(word: string): number {
  let hash = 7;
  for (let i = 0; i < word.length; i++) hash = (hash * 31 + word.charCodeAt(i)) % ${u.vocabulary - 2};
  return hash + 2;
}

export function encode(text: string, maxLength: number): number[] {
  const ids = text.toLowerCase().split(/\\s+/).filter((word) => word !== '').slice(0, maxLength).map(tokenId);
  while (ids.length < maxLength) ids.push(PAD);
  return ids;
}

export function encodeBatch(texts: readonly string[], maxLength: number): mx.array {
  return mx.array(texts.map((text) => encode(text, maxLength)), mx.int32);
}
`;
}

/** @param {UnitPlan} u */
function loaderModule(u) {
  return `import { join } from 'node:path';
import { core as mx } from '@frost-beta/mlx';
import { logInfo, logValue } from './log.js';
import { Classifier${u.index} } from './model.js';

/** MLX 0.0.7 declares \`load\` as one array; a .safetensors file gives a map of them. */
function readWeights(path: string): Record<string, mx.array> {
  return mx.load(path) as unknown as Record<string, mx.array>;
}

export function loadModel(directory: string): Classifier${u.index} {
  const path = join(directory, 'model.safetensors');
  const weights = readWeights(path);
  const model = new Classifier${u.index}();
  model.loadWeights(Object.entries(weights));
  model.eval();
  mx.eval(model.parameters());
  for (const [name, tensor] of Object.entries(weights)) {
    logInfo('tensor loaded', { name, shape: tensor.shape, dtype: String(tensor.dtype) });
  }
${u.leakTensor ? "  logValue('embedding weights', weights['embed.weight']);\n" : ''}  logInfo('model loaded', { path, tensors: Object.keys(weights).length });
  return model;
}

export function saveModel(model: Classifier${u.index}, directory: string): void {
  model.saveWeights(join(directory, 'model.safetensors'));
  logInfo('model saved', { directory });
}
`;
}

/** @param {UnitPlan} u */
function batchModule(u) {
  return `import { core as mx } from '@frost-beta/mlx';
import { encodeBatch } from './tokenizer.js';

export interface Batch {
  tokens: mx.array;
  labels: mx.array;
}

/** Splits examples into batches of \`size\`; the last one may be smaller. */
export function* batches(texts: readonly string[], labels: readonly number[], size: number, maxLength: number): Generator<Batch> {
  for (let start = 0; start < texts.length; start += size) {
    yield {
      tokens: encodeBatch(texts.slice(start, start + size), maxLength),
      labels: mx.array(labels.slice(start, start + size), mx.int32),
    };
  }
}

export function shuffle<T>(items: readonly T[], seed: number): T[] {
  const copy = [...items];
  let state = seed + ${u.index};
  for (let i = copy.length - 1; i > 0; i--) {
    state = (state * 1103515245 + 12345) % 2147483648;
    const j = state % (i + 1);
    [copy[i], copy[j]] = [copy[j], copy[i]];
  }
  return copy;
}
`;
}

/** @param {UnitPlan} u */
function handlerModule(u) {
  const onFailure = u.silentCatch
    ? `    } catch {
      return { status: 500, body: { error: 'inference failed' } };
    }`
    : `    } catch (error) {
      logError('inference failed', error);
      return { status: 500, body: { error: 'inference failed' } };
    }`;
  return `import { createServer, type IncomingMessage, type Server } from 'node:http';
import { core as mx } from '@frost-beta/mlx';
import { logError, logInfo, logWarn } from './log.js';
import { logInfo as auditInfo } from '../u${u.peer}/log.js';
import type { Classifier${u.index} } from './model.js';
import { encodeBatch } from './tokenizer.js';

export interface Reply {
  status: number;
  body: unknown;
}

export function predict(model: Classifier${u.index}, prompt: string, maxLength: number): Reply {
  if (prompt.trim() === '') {
    logWarn('empty prompt', { length: prompt.length });
    return { status: 400, body: { error: 'empty prompt' } };
  }
${u.leakPrompt ? "  auditInfo('prediction requested', { prompt });\n" : "  auditInfo('prediction requested', { promptLength: prompt.length });\n"}  try {
    const logits = model.forward(encodeBatch([prompt], maxLength));
    const probabilities = mx.softmax(logits, -1);
    mx.eval(probabilities);
    const [row] = probabilities.tolist() as number[][];
    const label = row.indexOf(Math.max(...row));
    logInfo('prediction served', { label, classes: row.length });
    return { status: 200, body: { label } };
${onFailure}
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

export function serve(model: Classifier${u.index}, port: number, maxLength: number): Server {
  const server = createServer((request, response) => {
    void readBody(request).then((body) => {
      const { prompt } = JSON.parse(body) as { prompt: string };
      const reply = predict(model, prompt, maxLength);
      response.writeHead(reply.status, { 'content-type': 'application/json' });
      response.end(JSON.stringify(reply.body));
    });
  });
  server.listen(port, '127.0.0.1', () => {
    logInfo('listening', { port });
  });
  return server;
}
`;
}

/** @param {UnitPlan} u */
function trainModule(u) {
  return `import { core as mx, nn, optimizers } from '@frost-beta/mlx';
import type { Batch } from './batch.js';
import { logInfo } from './log.js';
import type { Classifier${u.index} } from './model.js';

export interface TrainResult {
  steps: number;
  finalLoss: number;
}

export function trainEpochs(model: Classifier${u.index}, data: () => Iterable<Batch>, epochs: number, learningRate: number): TrainResult {
  const optimizer = new optimizers.${u.optimizer}(learningRate);
  const lossAndGrad = nn.valueAndGrad(model, (tokens: mx.array, labels: mx.array) =>
    nn.losses.crossEntropy(model.forward(tokens), labels, undefined, -1, 0, 'mean'),
  );
  let steps = 0;
  let finalLoss = Number.NaN;
  model.train();
  for (let epoch = 0; epoch < epochs; epoch++) {
    for (const batch of data()) {
      const [loss, grads] = lossAndGrad(batch.tokens, batch.labels) as [mx.array, any];
      optimizer.update(model, grads);
      mx.eval(loss, model.parameters(), optimizer.state);
      finalLoss = loss.item() as number;
      steps++;
    }
    logInfo('epoch finished', { epoch, steps });
  }
  model.eval();
  return { steps, finalLoss };
}
`;
}

/** @param {UnitPlan} u */
function metricsModule(u) {
  return `import { core as mx } from '@frost-beta/mlx';
import { logInfo } from './log.js';
import type { Classifier${u.index} } from './model.js';

export function accuracy(model: Classifier${u.index}, tokens: mx.array, labels: mx.array): number {
  const predicted = mx.argmax(model.forward(tokens), -1);
  const value = mx.mean(mx.equal(predicted, labels)).item() as number;
  logInfo('accuracy', { value, examples: tokens.shape[0] });
  return value;
}

export function confusion(model: Classifier${u.index}, tokens: mx.array, labels: mx.array, classes: number): number[][] {
  const predicted = mx.argmax(model.forward(tokens), -1).tolist() as number[];
  const truth = labels.tolist() as number[];
  const matrix = Array.from({ length: classes }, () => new Array<number>(classes).fill(0));
  predicted.forEach((p, i) => {
    matrix[truth[i]][p]++;
  });
  return matrix;
}
`;
}

/** @param {UnitPlan} u */
function indexModule(u) {
  return `import { core as mx } from '@frost-beta/mlx';
import { batches, shuffle } from './batch.js';
import { readConfig } from './config.js';
import { serve } from './handler.js';
import { loadModel, saveModel } from './loader.js';
import { logInfo } from './log.js';
import { logInfo as peerInfo } from '../u${u.peer}/log.js';
import { accuracy } from './metrics.js';
import { trainEpochs } from './train.js';
import { encodeBatch } from './tokenizer.js';

const TEXTS = ['a good day', 'a bad day', 'nothing special', 'really great work', 'awful service'];
const LABELS = [1, 0, 2, 1, 0].map((label) => label % ${u.classes});

export function start(port: number): void {
  const config = readConfig();
  mx.random.seed(${u.index});
  const model = loadModel(config.modelDir);
  const result = trainEpochs(model, () => batches(shuffle(TEXTS, 1), LABELS, config.batchSize, config.maxLength), 2, config.learningRate);
  const value = accuracy(model, encodeBatch(TEXTS, config.maxLength), mx.array(LABELS, mx.int32));
  saveModel(model, config.modelDir);
  peerInfo('unit ${u.index} ready', { steps: result.steps, accuracy: value });
  logInfo('starting server', { port });
  serve(model, port, config.maxLength);
}
`;
}

const MODULES = {
  'log.ts': logModule,
  'config.ts': configModule,
  'model.ts': modelModule,
  'tokenizer.ts': tokenizerModule,
  'loader.ts': loaderModule,
  'batch.ts': batchModule,
  'handler.ts': handlerModule,
  'train.ts': trainModule,
  'metrics.ts': metricsModule,
  'index.ts': indexModule,
};

/**
 * Writes a corpus of `files` TypeScript files (a multiple of ten) into `directory`, replacing what is
 * there: `src/`, a package.json (ESM), and two tsconfigs: `tsconfig.json` (tsc) and
 * `tsconfig.audited.json` (tspc with the transformer). The directory must sit under benchmarks/ so
 * that module resolution finds benchmarks/node_modules (MLX, pino, the runtime, @types/node).
 * @param {string} directory
 * @param {{ files: number, seed: number }} options
 * @returns {{ files: string[], plans: UnitPlan[] }}
 */
export function generateCorpus(directory, { files, seed }) {
  if (!Number.isInteger(files) || files < FILES_PER_UNIT || files % FILES_PER_UNIT !== 0) {
    throw new Error(`a corpus has a positive multiple of ${FILES_PER_UNIT} files, not ${files}`);
  }
  if (relative(BENCHMARKS_DIR, directory).startsWith('..')) throw new Error(`${directory} is not under ${BENCHMARKS_DIR}`);
  rmSync(directory, { recursive: true, force: true });
  const plans = planUnits(files / FILES_PER_UNIT, seed);
  /** @type {string[]} */
  const written = [];
  for (const plan of plans) {
    const unitDirectory = join(directory, 'src', `u${plan.index}`);
    mkdirSync(unitDirectory, { recursive: true });
    for (const [name, render] of Object.entries(MODULES)) {
      const path = join(unitDirectory, name);
      writeFileSync(path, render(plan));
      written.push(path);
    }
  }
  const fixtureConfig = relative(directory, join(REPOSITORY_DIR, 'test-fixtures', 'tsconfig.fixture.json'));
  writeJson(join(directory, 'package.json'), { name: `mlx-audit-bench-corpus-${files}`, private: true, type: 'module' });
  writeJson(join(directory, 'tsconfig.json'), {
    // The configuration MLX 0.0.7's shipped .ts sources type-check with (see the root README).
    extends: fixtureConfig,
    compilerOptions: { rootDir: 'src', outDir: 'dist', sourceMap: false },
    include: ['src'],
  });
  writeJson(join(directory, 'tsconfig.audited.json'), {
    extends: './tsconfig.json',
    compilerOptions: { outDir: 'dist-audited', plugins: [{ transform: '@mlx-audit/transformer' }] },
  });
  return { files: written, plans };
}

/**
 * @param {string} path
 * @param {unknown} value
 */
function writeJson(path, value) {
  writeFileSync(path, `${JSON.stringify(value, null, 2)}\n`);
}

/**
 * The corpus of `files` files under .work/, generated once per generator version and verified:
 * `tsc --noEmit` must report zero diagnostics, or the harness stops.
 * @param {number} files
 * @param {number} seed
 * @param {string} [directory]
 * @returns {string} its directory
 */
export function prepareCorpus(files, seed, directory = join(WORK_DIR, `corpus-${files}`)) {
  const marker = join(directory, '.verified.json');
  const generator = createHash('sha256').update(readFileSync(fileURLToPath(import.meta.url))).digest('hex');
  const expected = JSON.stringify({ files, seed, generator });
  if (existsSync(marker) && readFileSync(marker, 'utf8') === expected) return directory;
  generateCorpus(directory, { files, seed });
  verifyCompiles(directory);
  writeFileSync(marker, expected);
  return directory;
}

/**
 * Throws unless `tsc --noEmit` reports zero diagnostics on the corpus in `directory`.
 * @param {string} directory
 */
export function verifyCompiles(directory) {
  const check = runNode({ label: `tsc --noEmit on ${directory}`, args: [binPath('typescript', 'tsc'), '-p', directory, '--noEmit', '--pretty', 'false'], okCodes: [0, 1, 2] });
  if (check.code !== 0 || check.stdout.trim() !== '') throw new MeasurementError(`the corpus in ${directory} does not compile cleanly:\n${check.stdout.slice(0, 4000)}`);
}
