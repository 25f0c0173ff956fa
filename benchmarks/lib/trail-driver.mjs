// Runs in a child process, in one of two modes:
//   write <events>: records `events` application events with `auditEvent`, configured from the
//     environment (MLX_AUDIT_SINK=file, MLX_AUDIT_FILE, MLX_AUDIT_MAX_BYTES, MLX_AUDIT_MAX_FILES,
//     MLX_AUDIT_SEAL_KEY_FILE), yielding to the event loop every 1,000 so the runtime drains; the
//     process then ends normally (the exit hooks write the run's `stopped` record and last seal).
//     Prints the runtime's counters.
//   verify <trail directory> <initial key file>: times `verifyTrail` of the directory, with the key.
//     Prints the milliseconds and what the verification found.
import { performance } from 'node:perf_hooks';
import { setImmediate } from 'node:timers';
import { auditEvent, auditStats } from '@mlx-audit/runtime';
import { readSealKeyFile, verifyTrail } from '@mlx-audit/runtime/trail';

const BATCH = 1000;
const [mode, ...args] = process.argv.slice(2);

/** What a generation step of an inference service records, with the request's number: 16 fields, the most an event keeps (summarised by the runtime: numbers as they are, strings as their length). */
const DATA = {
  promptTokens: 412,
  completionTokens: 128,
  maxTokens: 512,
  temperature: 0.7,
  batchSize: 8,
  queueMs: 3.25,
  prefillMs: 41.5,
  decodeMs: 812.75,
  tokensPerSecond: 157.4,
  cacheHit: true,
  streamed: true,
  adapter: 'lora-support-v3',
  route: '/v1/chat/completions',
  region: 'eu-west-1',
  shard: 3,
};

function nextTurn() {
  return new Promise((resolve) => setImmediate(resolve));
}

if (mode === 'write') {
  const events = Number(args[0]);
  for (let done = 0; done < events; done += BATCH) {
    const end = Math.min(events, done + BATCH);
    for (let i = done; i < end; i++) auditEvent('service.generate', { kind: 'inference', source: '/srv/models/tiny-lm/model.safetensors', data: { ...DATA, request: i } });
    await nextTurn();
  }
  const { recorded, dropped, delivered, sinkFailures } = auditStats();
  process.stdout.write(`${JSON.stringify({ events, recorded, dropped, delivered, sinkFailures })}\n`);
} else if (mode === 'verify') {
  const [directory, keyFile] = args;
  if (directory === undefined || keyFile === undefined) throw new Error('usage: trail-driver.mjs verify <trail directory> <initial key file>');
  const key = readSealKeyFile(keyFile);
  const started = performance.now();
  const result = await verifyTrail(directory, { keys: [key] });
  const ms = performance.now() - started;
  const { intact, lines, files, sealing, streams, problems, skipped } = result;
  process.stdout.write(`${JSON.stringify({ ms, intact, lines, files: files.length, sealing, streams: streams.length, seals: streams.reduce((sum, stream) => sum + stream.seals, 0), problems: problems.slice(0, 5), skipped })}\n`);
} else {
  throw new Error('usage: trail-driver.mjs write <events> | verify <trail directory> <initial key file>');
}
