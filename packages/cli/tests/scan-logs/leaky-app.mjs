// A program that leaks on purpose, for `mlx-audit scan-logs`'s tests: it logs what no-tainted-log
// keeps out of logs with real loggers (pino, winston in its json and text formats, console), and
// MLX arrays made with @frost-beta/mlx. Each leak is planted on a line of its own with a marker
// (`LEAK-07`), and listed in a manifest with its kind, its file and the values that must never be
// printed again (a secret, a prompt, tensor values...). In `clean` mode it logs what a real
// service logs that is not a leak (training metrics, shapes, request ids...), and no leak.
//
//   node leaky-app.mjs <log directory> <leaks|clean> <manifest.json>
//
// stdout and stderr are the console's logs: the caller writes them to <log directory>/stdout.log
// and stderr.log. The manifest is written outside the log directory (it holds the secrets).

import { openSync, writeFileSync, writeSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { inspect } from 'node:util';
import pino from 'pino';
import winston from 'winston';

const [directory, mode, manifestPath] = process.argv.slice(2);
if (directory === undefined || (mode !== 'leaks' && mode !== 'clean') || manifestPath === undefined) {
  process.stderr.write('usage: node leaky-app.mjs <log directory> <leaks|clean> <manifest.json>\n');
  process.exit(2);
}

// MLX from the workspace, as the inference service fixture depends on it.
const requireFromFixture = createRequire(join(fileURLToPath(import.meta.url), '../../../../../test-fixtures/inference-service/package.json'));
const mlx = await import(pathToFileURL(requireFromFixture.resolve('@frost-beta/mlx')).href);
const { core: mx } = mlx.default ?? mlx;
mx.random.seed(20260301);

/** A Writable that writes each chunk at once: nothing is lost when the process exits. */
function syncFile(name) {
  const fd = openSync(join(directory, name), 'w');
  return new Writable({
    write(chunk, _encoding, done) {
      writeSync(fd, chunk);
      done();
    },
  });
}

const pinoLog = pino({ base: { pid: process.pid, hostname: 'inference-7f9c' }, redact: ['headers.cookie'] }, pino.destination({ dest: join(directory, 'pino.log'), sync: true }));
const winstonJson = winston.createLogger({ format: winston.format.combine(winston.format.timestamp(), winston.format.json()), transports: [new winston.transports.Stream({ stream: syncFile('winston.json.log') })] });
const winstonText = winston.createLogger({
  format: winston.format.combine(winston.format.timestamp(), winston.format.printf(({ level, message, timestamp, ...meta }) => `${timestamp} ${level}: ${message}${Object.keys(meta).length > 0 ? ` ${JSON.stringify(meta)}` : ''}`)),
  transports: [new winston.transports.Stream({ stream: syncFile('winston.log') })],
});

const FILES = { pino: 'pino.log', winstonJson: 'winston.json.log', winstonText: 'winston.log', stdout: 'stdout.log', stderr: 'stderr.log' };
const plants = [];
let count = 0;
/** The next marker, and its plant in the manifest: `secrets` must never be printed by the scanner. */
function plant(kind, file, secrets) {
  const marker = `LEAK-${String(++count).padStart(2, '0')}`;
  plants.push({ marker, kind, file: FILES[file], secrets });
  return marker;
}

/** The values a tensor's text shows (4 decimals or more: no timestamp holds them), which must not be printed again. */
function renderedValues(text) {
  return text.match(/-?\d+\.\d{4,}/g) ?? [];
}

if (mode === 'leaks') {
  const weights = mx.random.normal([3, 4]);
  const logits = mx.random.normal([8]);
  const embedding = mx.random.normal([2, 6]);
  const scalar = mx.array(0.8734521);
  const tokenIds = [48151, 62342, 91735, 27182, 31415, 16180, 14142, 17320];
  const tokenText = (ids) => [ids.join(', '), ids.join(',')];

  // pino: JSON lines.
  pinoLog.info({ marker: plant('mlx-array', 'pino', renderedValues(String(weights))) }, String(weights));
  pinoLog.info({ marker: plant('float-run', 'pino', renderedValues(JSON.stringify(embedding.tolist()))), weights: embedding.tolist() }, 'embedding');
  pinoLog.info({ marker: plant('float-run', 'pino', renderedValues(JSON.stringify(logits.tolist()))), logits: JSON.stringify(logits.tolist()) }, 'logits');
  pinoLog.info({ marker: plant('token-ids', 'pino', tokenText(tokenIds)), tokens: tokenIds }, 'encoded');
  pinoLog.info({ marker: plant('prompt', 'pino', ['PROMPT-SECRET-pino what is the capital']), model: 'tiny-llama', prompt: 'PROMPT-SECRET-pino what is the capital' }, 'generate');
  pinoLog.info({ marker: plant('prompt', 'pino', ['COMPLETION-SECRET-pino Paris']), modelId: 'tiny-llama', completion: 'COMPLETION-SECRET-pino Paris' }, 'generated');
  pinoLog.info({ marker: plant('prompt', 'pino', ['MESSAGE-SECRET-pino hello there']), model_name: 'tiny-chat', messages: [{ role: 'user', content: 'MESSAGE-SECRET-pino hello there' }] }, 'chat');
  pinoLog.info({ marker: plant('api-key', 'pino', ['sk-proj-Q7xLeakedOpenAiKey0123456789abcdef']), apiKey: 'sk-proj-Q7xLeakedOpenAiKey0123456789abcdef' }, 'client configured');
  pinoLog.warn({ marker: plant('api-key', 'pino', ['AKIAZ3LEAKEDKEY7Q2XW']) }, 'uploading with AKIAZ3LEAKEDKEY7Q2XW');
  pinoLog.info({ marker: plant('bearer-token', 'pino', ['tok9f8e7d6c5b4a3LeakedBearer']), headers: { authorization: 'Bearer tok9f8e7d6c5b4a3LeakedBearer', 'content-type': 'application/json' } }, 'upstream request');
  pinoLog.info({ marker: plant('email', 'pino', ['jane.doe.leak@example.com']), user: 'jane.doe.leak@example.com' }, 'signed in');
  pinoLog.info({ marker: plant('ip-address', 'pino', ['203.0.113.77']), remoteAddress: '203.0.113.77', remotePort: 51234 }, 'connection');
  pinoLog.info({ marker: plant('ip-address', 'pino', ['2001:db8:85a3::8a2e:370:7334']), client: '2001:db8:85a3::8a2e:370:7334' }, 'connection');

  // winston, json format.
  winstonJson.info(inspect(weights), { marker: plant('mlx-array', 'winstonJson', renderedValues(String(weights))) });
  winstonJson.warn('token ghp_LeakedGitHubToken0123456789abcdefABCD rejected', { marker: plant('api-key', 'winstonJson', ['ghp_LeakedGitHubToken0123456789abcdefABCD']) });
  winstonJson.info('password reset for winston.leak@example.org', { marker: plant('email', 'winstonJson', ['winston.leak@example.org']) });
  winstonJson.info('generate', { marker: plant('prompt', 'winstonJson', ['INPUT-SECRET-winston translate this']), model: 'tiny-mt', input: 'INPUT-SECRET-winston translate this' });
  winstonJson.info('request from 198.51.100.42', { marker: plant('ip-address', 'winstonJson', ['198.51.100.42']) });

  // winston, a text format (timestamp level: message {meta}).
  winstonText.info(`${plant('mlx-array', 'winstonText', renderedValues(String(embedding)))} ${String(embedding)}`);
  winstonText.info(`${plant('prompt', 'winstonText', ['PROMPT-SECRET-text summarise my diary'])} generate`, { model: 'tiny-llama', prompt: 'PROMPT-SECRET-text summarise my diary' });
  winstonText.info(`${plant('bearer-token', 'winstonText', ['dXNlcjpsZWFrZWRwYXNzd29yZA=='])} Authorization: Basic dXNlcjpsZWFrZWRwYXNzd29yZA==`);
  winstonText.info(`${plant('ip-address', 'winstonText', ['fe80::1ff:fe23:4567:890a'])} peer fe80::1ff:fe23:4567:890a joined`);
  winstonText.info(`${plant('api-key', 'winstonText', ['hf_LeakedHuggingFaceToken0123456789abcdef'])} HF_TOKEN=hf_LeakedHuggingFaceToken0123456789abcdef`);

  // console: what a developer prints while debugging, on stdout and stderr.
  console.log(plant('mlx-array', 'stdout', renderedValues(String(weights))), weights);
  console.log(plant('mlx-array', 'stdout', renderedValues(String(logits))), `${logits}`);
  console.log(plant('mlx-array', 'stdout', ['0.873452']), scalar);
  console.log(plant('token-ids', 'stdout', tokenText(tokenIds)), 'token ids:', tokenIds);
  console.log(plant('float-run', 'stdout', renderedValues(JSON.stringify(embedding.tolist()))), embedding.tolist());
  console.log(plant('prompt', 'stdout', ['PROMPT-SECRET-console hi']), { model: 'tiny', prompt: 'PROMPT-SECRET-console hi' });
  console.log(`${plant('bearer-token', 'stdout', ['eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJsZWFrIn0.c2lnbmF0dXJlTGVha2Vk'])} calling with token eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJsZWFrIn0.c2lnbmF0dXJlTGVha2Vk`);
  const marker = plant('email', 'stdout', ['console.leak@example.net']);
  plants.push({ marker, kind: 'ip-address', file: FILES.stdout, secrets: ['192.0.2.199'] });
  console.log(marker, 'user', 'console.leak@example.net', 'from', '192.0.2.199');
  // Colours and a carriage return around a key: the excerpt must not carry them raw.
  console.log(`\x1b[31m${plant('api-key', 'stdout', ['sk-ant-LeakedAnthropicKey0123456789abcd'])}\x1b[0m key sk-ant-LeakedAnthropicKey0123456789abcd\rfake line`);
  console.error(plant('api-key', 'stderr', ['xoxb-1234567890-LeakedSlackToken']), 'slack token', 'xoxb-1234567890-LeakedSlackToken');
  console.error(new Error(`${plant('email', 'stderr', ['stack.leak@example.com'])} no account for stack.leak@example.com`));
} else {
  const weights = mx.random.normal([806, 8]);
  const loss = 0.42;
  // What a service and its training loop log that is not a leak.
  for (let epoch = 1; epoch <= 3; epoch++) pinoLog.info({ epoch, loss: loss / epoch, accuracy: 0.91, lr: 0.001 }, `epoch ${epoch}/10 loss ${(loss / epoch).toFixed(2)}`);
  pinoLog.info({ shape: weights.shape, dtype: String(weights.dtype), model: 'tiny-classifier', output: { shape: [1, 2], dtype: 'float32' } }, 'inference done');
  pinoLog.info({ reqId: '550e8400-e29b-41d4-a716-446655440000', durationMs: 12.5, statusCode: 200, model: 'tiny-classifier', output: '/tmp/predictions.jsonl', tokens: 128, maxTokens: 512 }, 'request completed');
  pinoLog.info({ sha256: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855', version: '1.2.3', commit: '9fceb02d0ae598e95dc970b74767f19372d61af8' }, 'model weights loaded');
  pinoLog.info({ headers: { authorization: '[Redacted]' }, password: '[Redacted]', apiKey: '********' }, 'credentials redacted');
  pinoLog.info({ address: '0.0.0.0', port: 3000, loopback: '127.0.0.1', v6: '::1' }, 'listening on 0.0.0.0:3000');
  winstonJson.info('epoch 3/10 loss=0.42 acc=0.91', { step: 300, shape: [806, 8], dtype: 'float32' });
  winstonJson.info(`digest sha256:${'ab'.repeat(32)} image v1.2.3.4 build 2026-03-01T12:00:01.123Z`);
  winstonJson.warn('Bearer authentication failed: token expired', { requestId: 'req_8f14e45fceea167a' });
  winstonText.info('epoch 3/10 loss 0.42 (12.3 s, 806 samples, batch [32, 8])');
  winstonText.info('mac 00:1a:2b:3c:4d:5e at 12:00:01, retries [1, 2, 3]');
  winstonText.info('icon@2x.png served in 4ms, pid 4242, heap 52.4 MB');
  console.log('shape', weights.shape, 'dtype', String(weights.dtype), 'loss', loss);
  console.log(`epoch 3/10 loss ${loss} took 1.234s`);
  console.log({ model: 'tiny-classifier', shape: [806, 8], dtype: 'float32', durationMs: 12.5 });
  console.error(new Error('model file not found: /srv/models/tiny.safetensors'));
}

pinoLog.flush?.();
await Promise.all([winstonJson, winstonText].map((logger) => new Promise((resolve) => {
  logger.on('finish', resolve);
  logger.end();
})));
writeFileSync(manifestPath, `${JSON.stringify(plants, null, 2)}\n`);
