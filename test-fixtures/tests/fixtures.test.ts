import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

// Real MLX on the CPU, in child processes; no mocks. Each fixture is compiled with the workspace's
// TypeScript, run, and its last stdout line (a JSON result) is checked against values measured on
// this machine. The runs are bit-for-bit deterministic (checked by running each twice); float
// expectations still allow a relative 1e-5, which absorbs a different BLAS build but not a real
// change in data, seed, model or training.

const FIXTURES_DIR = fileURLToPath(new URL('..', import.meta.url));
const TSC = createRequire(import.meta.url).resolve('typescript/bin/tsc');
const RUN_TIMEOUT_MS = 60_000;

interface ProcessResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

function run(file: string, args: readonly string[], env: NodeJS.ProcessEnv = {}): Promise<ProcessResult> {
  const childEnv: NodeJS.ProcessEnv = { ...process.env, ...env };
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [file, ...args],
      { env: childEnv, timeout: RUN_TIMEOUT_MS, maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === 'number' ? error.code : null;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

/** Builds a fixture once; tests that need the build await the same promise. */
function builder(fixture: string): () => Promise<ProcessResult> {
  let build: Promise<ProcessResult> | undefined;
  return () => (build ??= run(TSC, ['-p', join(FIXTURES_DIR, fixture), '--pretty', 'false']));
}

async function requireBuilt(build: () => Promise<ProcessResult>): Promise<void> {
  const result = await build();
  if (result.code !== 0) throw new Error(`the fixture did not build:\n${result.stdout}${result.stderr}`);
}

/** The last stdout line of a successful run, parsed; shapes are checked by the assertions. */
function lastJsonLine(result: ProcessResult): unknown {
  if (result.code !== 0) throw new Error(`exit code ${String(result.code)}\n${result.stderr}`);
  const lines = result.stdout.trim().split('\n');
  return JSON.parse(lines[lines.length - 1] ?? '');
}

function expectClose(actual: number | undefined, expected: number, relative = 1e-5): void {
  expect(actual).toBeTypeOf('number');
  expect(Math.abs((actual ?? Number.NaN) - expected)).toBeLessThanOrEqual(Math.abs(expected) * relative);
}

function expectAllClose(actual: readonly number[], expected: readonly number[]): void {
  expect(actual).toHaveLength(expected.length);
  for (const [i, value] of expected.entries()) expectClose(actual[i], value);
}

interface InferenceResult {
  seed: number;
  training: { steps: number; parameters: number; initialLoss: number; finalLoss: number; trainAccuracy: number; heldOutAccuracy: number };
  reload: { identical: boolean; maxAbsDifference: number };
  predictions: { prompt: string; status: number; label: string; unknownWords: number; probabilities: Record<string, number> }[];
  emptyPromptStatus: number;
  http: { status: number; matchesInProcess: boolean };
}

interface TrainingResult {
  steps: number;
  checkpointSteps: number[];
  lastBatchLoss: number;
  initialValidationLoss: number;
  finalValidationLoss: number;
  resumedFromStep: number;
  resumedMatches: boolean;
  reloadedValidationLoss: number;
  reloadedMatches: boolean;
}

type LogEvent = Record<string, unknown>;

const LABELS = ['negative', 'neutral', 'positive'];

// Probabilities in LABELS order, from the reloaded model that serves the requests.
const EXPECTED_PREDICTIONS = [
  { prompt: 'The concert was absolutely fantastic!', label: 'positive', unknownWords: 1, probabilities: [0.02808629535138607, 0.04988256096839905, 0.9220311641693115] },
  { prompt: 'What a boring, dreadful evening.', label: 'negative', unknownWords: 0, probabilities: [0.9752155542373657, 0.023716017603874207, 0.001068465644493699] },
  { prompt: 'Honestly, the hotel room was okay.', label: 'neutral', unknownWords: 1, probabilities: [0.07145693898200989, 0.8845205307006836, 0.04402250424027443] },
  { prompt: 'My order is really amazing', label: 'positive', unknownWords: 0, probabilities: [0.019360844045877457, 0.022854363545775414, 0.9577848315238953] },
  { prompt: 'The staff is quite disappointing', label: 'negative', unknownWords: 0, probabilities: [0.8733799457550049, 0.10854707658290863, 0.018073059618473053] },
];

/** The JSON header of a .safetensors file: tensor names to dtype and shape, plus `__metadata__`. */
function safetensorsHeader(path: string): Record<string, { dtype: string; shape: number[] } | Record<string, string> | null> {
  const bytes = readFileSync(path);
  const length = Number(bytes.readBigUInt64LE(0));
  return JSON.parse(bytes.subarray(8, 8 + length).toString('utf8')) as ReturnType<typeof safetensorsHeader>;
}

function tensorShapes(path: string): Record<string, string> {
  const header = safetensorsHeader(path);
  return Object.fromEntries(
    Object.entries(header)
      .filter(([name]) => name !== '__metadata__')
      .map(([name, info]) => {
        const { dtype, shape } = info as { dtype: string; shape: number[] };
        return [name, `${dtype}[${shape.join(',')}]`];
      }),
  );
}

const outputDirs: string[] = [];
function outputDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  outputDirs.push(dir);
  return dir;
}
afterAll(() => {
  for (const dir of outputDirs) rmSync(dir, { recursive: true, force: true });
});

describe('inference-service (ESM)', () => {
  const fixture = join(FIXTURES_DIR, 'inference-service');
  const build = builder('inference-service');
  const main = join(fixture, 'dist', 'main.js');
  const output = outputDir('fixture-inference-');
  let firstRun: Promise<ProcessResult> | undefined;
  const demo = (): Promise<ProcessResult> =>
    (firstRun ??= requireBuilt(build).then(() => run(main, ['demo'], { OUTPUT_DIR: output, LOG_LEVEL: 'debug' })));

  it('type-checks against MLX with zero diagnostics and emits ES modules', async () => {
    const result = await build();
    expect(result.stdout + result.stderr).toBe('');
    expect(result.code).toBe(0);
    const emitted = readFileSync(main, 'utf8');
    expect(emitted).toMatch(/^import .* from '\.\/mlx\.js';$/m);
    expect(emitted).not.toContain('require(');
  });

  it('trains, serves and reproduces the measured results', async () => {
    const result = lastJsonLine(await demo()) as InferenceResult;
    expect(result.seed).toBe(7);

    const { training } = result;
    expect(training.steps).toBe(60);
    expect(training.parameters).toBe(1379);
    expectClose(training.initialLoss, 1.101649522781372);
    expectClose(training.finalLoss, 0.11937545984983444);
    expect(training.finalLoss).toBeLessThan(training.initialLoss / 5);
    expect(training.trainAccuracy).toBe(1);
    expect(training.heldOutAccuracy).toBe(1);

    expect(result.predictions).toHaveLength(EXPECTED_PREDICTIONS.length);
    for (const [i, expected] of EXPECTED_PREDICTIONS.entries()) {
      const prediction = result.predictions[i];
      const { prompt, label, unknownWords } = expected;
      expect(prediction).toMatchObject({ prompt, status: 200, label, unknownWords });
      const probabilities = prediction?.probabilities ?? {};
      expect(Object.keys(probabilities)).toEqual(LABELS);
      expectAllClose(Object.values(probabilities), expected.probabilities);
      expect(Math.abs(Object.values(probabilities).reduce((a, b) => a + b, 0) - 1)).toBeLessThan(1e-6);
    }

    expect(result.emptyPromptStatus).toBe(400);
    expect(result.http).toEqual({ status: 200, matchesInProcess: true });
  });

  it('reloads the saved model with outputs identical to the trained one', async () => {
    const result = lastJsonLine(await demo()) as InferenceResult;
    // The predictions above come from the reloaded model; this compares its logits with the
    // in-memory model's, element by element.
    expect(result.reload).toEqual({ identical: true, maxAbsDifference: 0 });

    expect(tensorShapes(join(output, 'model.safetensors'))).toEqual({
      'embedding.weight': 'F32[46,16]',
      'hidden.weight': 'F32[32,16]',
      'hidden.bias': 'F32[32]',
      'output.weight': 'F32[3,32]',
      'output.bias': 'F32[3]',
    });
    const config = JSON.parse(readFileSync(join(output, 'config.json'), 'utf8')) as { labels: string[]; tokenizer: { vocabulary: string[] } };
    expect(config.labels).toEqual(LABELS);
    expect(config.tokenizer.vocabulary.slice(0, 2)).toEqual(['<pad>', '<unk>']);
    expect(config.tokenizer.vocabulary).toHaveLength(46);
  });

  it('logs metadata and never the prompt text', async () => {
    const { stderr } = await demo();
    const events = stderr.trim().split('\n').map((line) => JSON.parse(line) as LogEvent);
    expect(events.filter((event) => event.message === 'prediction served')).toHaveLength(7);
    expect(events.find((event) => event.message === 'tensor loaded' && event.name === 'embedding.weight')).toMatchObject({ shape: [46, 16], dtype: 'float32' });
    expect(stderr).not.toContain('absolutely fantastic');
  });

  it('gives the same result on a second run, without an output directory', async () => {
    const first = lastJsonLine(await demo()) as InferenceResult;
    const second = lastJsonLine(await run(main, ['demo'], { OUTPUT_DIR: undefined })) as InferenceResult;
    expect(second).toEqual(first);
  });
});

interface AuditedResult {
  statuses: Record<string, number>;
  classify: { results: { label: string; probabilities: Record<string, number> }[] };
  mismatchedLoad: string;
}

/** Softmax in double precision: the lexicon model's logits are exact small numbers. */
function softmax(logits: readonly number[]): number[] {
  const exps = logits.map((logit) => Math.exp(logit));
  const total = exps.reduce((a, b) => a + b, 0);
  return exps.map((value) => value / total);
}

describe('audited-service (ESM, pino, written to pass every rule)', () => {
  const build = builder('audited-service');
  const main = join(FIXTURES_DIR, 'audited-service', 'dist', 'main.js');
  const resultFile = join(outputDir('fixture-audited-'), 'result.json');
  const apiKey = 'fixture-key-that-must-never-be-logged';
  let firstRun: Promise<ProcessResult> | undefined;
  const demo = (): Promise<ProcessResult> =>
    (firstRun ??= requireBuilt(build).then(() => run(main, ['demo', resultFile], { SERVICE_API_KEY: apiKey, LOG_LEVEL: undefined })));
  const events = async (): Promise<LogEvent[]> =>
    (await demo()).stderr.trim().split('\n').map((line) => JSON.parse(line) as LogEvent);

  it('type-checks against MLX with zero diagnostics', async () => {
    const result = await build();
    expect(result.stdout + result.stderr).toBe('');
    expect(result.code).toBe(0);
  });

  it('classifies over HTTP with the lexicon weights it loaded from disk', async () => {
    expect(await demo()).toMatchObject({ code: 0, stdout: '' });
    const result = JSON.parse(readFileSync(resultFile, 'utf8')) as AuditedResult;
    expect(result.statuses).toEqual({ classify: 200, wrongKey: 401, invalidJson: 400, emptyTexts: 400, health: 200, unknownRoute: 404 });
    // Each lexicon word adds 2 to its label's logit, the neutral bias is 0.5 (src/model-store.ts):
    // two positive words, two negative words plus one more, one neutral word, none.
    const expected = [
      { label: 'positive', logits: [0, 0.5, 4] },
      { label: 'negative', logits: [6, 0.5, 0] },
      { label: 'neutral', logits: [0, 2.5, 0] },
      { label: 'neutral', logits: [0, 0.5, 0] },
    ];
    expect(result.classify.results.map(({ label }) => label)).toEqual(expected.map(({ label }) => label));
    for (const [i, { logits }] of expected.entries()) {
      const probabilities = result.classify.results[i]?.probabilities ?? {};
      expect(Object.keys(probabilities)).toEqual(LABELS);
      expectAllClose(Object.values(probabilities), softmax(logits));
    }
    expect(result.mismatchedLoad).toBe('rejected');
  });

  it('logs every model load (with its path, on success and failure) and every inference as structured events', async () => {
    const logged = await events();
    const loads = logged.filter((event) => event.event === 'model.load');
    expect(loads.map((event) => event.outcome)).toEqual(['success', 'failure']);
    for (const load of loads) expect(load.modelPath).toMatch(/mlx-audited-.*\/model\.safetensors$/);
    expect(logged.filter((event) => event.event === 'model.inference')).toEqual([
      expect.objectContaining({ outcome: 'success', batchSize: 4, inputShape: [4, 12], msg: 'inference completed' }),
    ]);
    expect(logged.filter((event) => event.event === 'request.completed').map((event) => [event.route, event.status, event.reason])).toEqual([
      ['classify', 200, undefined],
      ['classify', 401, 'bad credentials'],
      ['classify', 400, 'invalid body'],
      ['classify', 400, 'invalid body'],
      ['health', 200, undefined],
      ['unknown', 404, 'unknown route'],
    ]);
    // Info level and up only: the level comes from LOG_LEVEL, unset here.
    expect(new Set(logged.map((event) => event.level))).toEqual(new Set([30, 40, 50]));
  });

  it('never logs the texts, the API key or the model outputs', async () => {
    const { stderr } = await demo();
    for (const leak of ['friendly', 'Terrible', 'Tuesday', apiKey, 'probabilities', 'positive']) expect(stderr).not.toContain(leak);
  });
});

describe('training (CommonJS)', () => {
  const fixture = join(FIXTURES_DIR, 'training');
  const build = builder('training');
  const script = join(fixture, 'dist', 'train.js');
  const output = outputDir('fixture-training-');
  let firstRun: Promise<ProcessResult> | undefined;
  const train = (): Promise<ProcessResult> =>
    (firstRun ??= requireBuilt(build).then(() => run(script, ['--out-dir', output])));

  it('type-checks against MLX with zero diagnostics and emits CommonJS', async () => {
    const result = await build();
    expect(result.stdout + result.stderr).toBe('');
    expect(result.code).toBe(0);
    const emitted = readFileSync(script, 'utf8');
    expect(emitted).toContain('require("@frost-beta/mlx")');
    expect(emitted).not.toMatch(/^import /m);
  });

  it('trains to the measured losses', async () => {
    const result = lastJsonLine(await train()) as TrainingResult;
    expect(result.steps).toBe(240);
    expect(result.checkpointSteps).toEqual([60, 120, 180, 240]);
    expectClose(result.initialValidationLoss, 0.42187806963920593);
    expectClose(result.finalValidationLoss, 0.00314754038117826);
    expectClose(result.lastBatchLoss, 0.0038036159239709377);
    expect(result.finalValidationLoss).toBeLessThan(result.initialValidationLoss / 50);
  });

  it('resumes from a checkpoint and reloads weights exactly', async () => {
    const result = lastJsonLine(await train()) as TrainingResult;
    expect(result.resumedFromStep).toBe(180);
    expect(result.resumedMatches).toBe(true);
    expect(result.reloadedMatches).toBe(true);
    expect(result.reloadedValidationLoss).toBe(result.finalValidationLoss);
  });

  it('writes model and optimizer checkpoints as safetensors', async () => {
    await train();
    expect(readdirSync(output).sort()).toEqual(
      [60, 120, 180, 240].flatMap((step) => {
        const stem = `step-${String(step).padStart(6, '0')}`;
        return [`${stem}.model.safetensors`, `${stem}.optimizer.safetensors`];
      }),
    );
    const model = tensorShapes(join(output, 'step-000240.model.safetensors'));
    expect(model).toEqual({
      'layers.0.weight': 'F32[32,2]',
      'layers.0.bias': 'F32[32]',
      'layers.1.weight': 'F32[32,32]',
      'layers.1.bias': 'F32[32]',
      'layers.2.weight': 'F32[1,32]',
      'layers.2.bias': 'F32[1]',
    });
    const optimizerHeader = safetensorsHeader(join(output, 'step-000240.optimizer.safetensors'));
    expect(optimizerHeader.__metadata__).toEqual({ step: '240' });
    const optimizer = tensorShapes(join(output, 'step-000240.optimizer.safetensors'));
    for (const [name, shape] of Object.entries(model)) {
      expect(optimizer[`${name}.m`]).toBe(shape);
      expect(optimizer[`${name}.v`]).toBe(shape);
    }
    expect(Object.keys(optimizer).sort()).toEqual(
      [...Object.keys(model).flatMap((name) => [`${name}.m`, `${name}.v`]), 'learningRate', 'step'].sort(),
    );
  });

  it('gives the same result on a second run, in a temporary directory it removes', async () => {
    const first = lastJsonLine(await train()) as TrainingResult;
    const before = readdirSync(tmpdir()).filter((name) => name.startsWith('mlx-training-'));
    const second = lastJsonLine(await run(script, [])) as TrainingResult;
    expect(second).toEqual(first);
    const after = readdirSync(tmpdir()).filter((name) => name.startsWith('mlx-training-'));
    expect(after.filter((name) => !before.includes(name))).toEqual([]);
    expect(existsSync(output)).toBe(true);
  });
});
