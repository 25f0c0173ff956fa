// A batch job: completes every prompt of a JSON-lines file with the language model, writes the
// results next to it, and reports progress through the worker's loggers. Its input is a local file.
//   node dist/batch-job.js <prompts.jsonl> [model-directory]
import { readFile, writeFile } from 'node:fs/promises';
import { logs, SeverityNumber } from '@opentelemetry/api-logs';
import { core as mx } from '@frost-beta/mlx';
import { loadLanguageModel, readTensors } from './checkpoint.js';
import { debugModel, winstonLogger } from './logging-setup.js';
import { reportFailure } from './logger.js';
import { complete } from './sampling.js';

interface Job {
  id: string;
  prompt: string;
}

const [inputPath = 'prompts.jsonl', modelDirectory = 'models/tiny'] = process.argv.slice(2);
const otel = logs.getLogger('batch-job');
const accessToken = process.env.RESULTS_ACCESS_TOKEN ?? '';
const { model, tokenizer } = loadLanguageModel(modelDirectory);

const jobs = (await readFile(inputPath, 'utf8')).split('\n').filter(Boolean).map((line) => JSON.parse(line) as Job);
winstonLogger.info(`read ${jobs.length} jobs from ${inputPath}`); // ok: no-log-injection -- argv is local input (opt-in)
winstonLogger.info(`first job: ${jobs[0]?.id ?? 'none'}`); // ok: no-log-injection -- a file's content is local input (opt-in)
winstonLogger.debug(`uploading with token ${accessToken}`); // expect: no-tainted-log -- a secret by name
winstonLogger.info(`upload configured: ${String(accessToken.length > 0)}`); // ok: no-tainted-log -- a boolean about the secret
winstonLogger.info('limits', { maxTokens: 80, tokens: tokenizer.size }); // ok: no-tainted-log -- maxTokens and tokens are not secret names

const results: { id: string; completion: string }[] = [];
for (const job of jobs) {
  const completion = complete(model, tokenizer, job.prompt, { maxTokens: 80, temperature: 0 });
  results.push({ id: job.id, completion });
  debugModel('job %s: %d characters', job.id, completion.length); // ok: no-tainted-log -- an id and a length
  debugModel('job %s: %s', job.id, completion); // expect: no-tainted-log -- model output through debug
  otel.emit({ severityNumber: SeverityNumber.INFO, body: 'job completed', attributes: { id: job.id, length: completion.length } }); // ok: no-tainted-log -- an id and a length
  otel.emit({ severityNumber: SeverityNumber.DEBUG, body: `prompt ${job.prompt}` }); // expect: no-tainted-log -- a model input in an OpenTelemetry log record
}

const lastCompletion = await new Promise<string>((resolve) => {
  resolve(results.at(-1)?.completion ?? '');
});
winstonLogger.info(`last completion: ${lastCompletion}`); // expect: no-tainted-log -- model output resolved by new Promise and awaited

const totalCharacters = results.map((result) => result.completion.length).reduce((sum, length) => sum + length, 0);
winstonLogger.info(`completed ${results.length} jobs, ${totalCharacters} characters`); // ok: no-tainted-log -- counts

await writeFile(`${inputPath}.out.jsonl`, results.map((result) => JSON.stringify(result)).join('\n'));

// Warm-up of an optional draft model: its failure must not stop the job, but must be seen.
export const draftReady = Promise.resolve('warm up').then((prompt) => complete(model, tokenizer, prompt, { maxTokens: 4, temperature: 0 }).length > 0).catch(() => false); // expect: no-silent-mlx-catch -- the generation's failure is swallowed
export const draftLogged = Promise.resolve('warm up').then((prompt) => complete(model, tokenizer, prompt, { maxTokens: 4, temperature: 0 }).length > 0).catch((error: unknown) => { // ok: no-silent-mlx-catch -- logged
  reportFailure('draft.warmup', error);
  return false;
});
export const draftSum = Promise.resolve([1, 2, 3]).then((values) => mx.array(values).sum().item() as number).then((sum) => sum, () => 0); // expect: no-silent-mlx-catch -- .then's rejection handler swallows an MLX failure
export const settingsRead = readFile('settings.json', 'utf8').then((text) => JSON.parse(text) as unknown).catch(() => ({})); // ok: no-silent-mlx-catch -- no MLX call in the chain

try {
  const adapter = readTensors(`${modelDirectory}/adapter.safetensors`);
  mx.eval(Object.values(adapter));
} catch { // expect: no-silent-mlx-catch -- the adapter's evaluation fails silently
  /* the adapter is optional */
}

try {
  const adapter = readTensors(`${modelDirectory}/adapter.safetensors`);
  mx.eval(Object.values(adapter));
} catch (error) { // ok: no-silent-mlx-catch -- written to stderr
  process.stderr.write(`adapter unavailable: ${error instanceof Error ? error.name : 'unknown error'}\n`);
}

try {
  const adapter = readTensors(`${modelDirectory}/adapter.safetensors`);
  mx.eval(Object.values(adapter));
} catch (error) { // ok: no-silent-mlx-catch -- logged through debug
  debugModel('adapter unavailable: %O', error);
}

let warmer: NodeJS.Timeout | undefined;
try {
  warmer = setInterval(() => {
    mx.eval(model.parameters());
  }, 60_000);
} catch { // ok: no-silent-mlx-catch -- the MLX call is in a callback that runs later, not in the try block
  warmer = undefined;
}
if (warmer !== undefined) clearInterval(warmer);

try {
  mx.eval(model.parameters());
} catch (error) { // ok: no-silent-mlx-catch -- rethrown when it is not the error it expects
  if (!(error instanceof RangeError)) throw error;
}
