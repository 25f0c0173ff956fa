// Runtime cost per event: the mlx-audit runtime writing an `nn.Module#forward` event to its JSONL
// file sink, against pino writing the same fields to a file (sync, and async with 4 KiB buffering).
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { MeasurementError } from './lib/measure.mjs';
import { WORK_DIR } from './lib/paths.mjs';
import { figure, progress, runScenario } from './lib/results.mjs';
import { benchSettings } from './lib/settings.mjs';
import { runSinkDriver } from './lib/sink-runs.mjs';
import { paired } from './lib/stats.mjs';

const DIRECTORY = join(WORK_DIR, 'sink');
const FIELDS = join(DIRECTORY, 'fields.json');
const VARIANTS = /** @type {const} */ (['ours', 'pino-sync', 'pino-async']);

/**
 * @param {typeof VARIANTS[number]} variant
 * @param {number} events
 * @param {string} label
 */
function runVariant(variant, events, label) {
  const file = join(DIRECTORY, `${variant}.jsonl`);
  const result = runSinkDriver({ variant, events, file, fields: FIELDS, label });
  rmSync(file, { force: true });
  return result;
}

await runScenario('runtime-sink', async ({ quick }, notes) => {
  const settings = benchSettings(quick);
  rmSync(DIRECTORY, { recursive: true, force: true });
  // 0700: the file sink refuses a directory others can write (under a umask of 002 the default is 0775).
  mkdirSync(DIRECTORY, { recursive: true, mode: 0o700 });
  // pino is given the fields of an event the runtime wrote, so both write the same content.
  writeFileSync(FIELDS, '{}');
  const { sample } = runVariant('ours', 1000, 'a sample event from the runtime');
  if (sample?.['event.action'] !== 'nn.Module#forward') throw new MeasurementError(`the runtime wrote no forward event: ${JSON.stringify(sample)}`);
  writeFileSync(FIELDS, JSON.stringify(sample));
  /** @type {Record<string, number[]>} */
  const micros = Object.fromEntries(VARIANTS.map((variant) => [variant, []]));
  for (let rep = 0; rep < settings.sinkReps; rep++) {
    for (const variant of VARIANTS) {
      const label = `${settings.sinkEvents} events, ${variant}, run ${rep + 1}`;
      progress(label);
      micros[variant]?.push(runVariant(variant, settings.sinkEvents, label).nsPerEvent / 1000);
    }
  }
  rmSync(DIRECTORY, { recursive: true, force: true });
  const get = (/** @type {string} */ variant) => micros[variant] ?? [];
  notes.push(
    `The event: ${JSON.stringify(sample).length + 1} bytes, a forward call with one int32 [1, 8] tensor in and a float32 [1, 4] tensor out. Ours: \`call()\` of an event-mode site with the file sink configured, minus the same call uninstrumented (record on the hot path, then rendering, serialisation, the hash chain of the trail and one write per drain of up to 1,024 events; no seal key); pino: \`logger.info(fields)\` with that event's fields, to \`pino.destination\`. Each run writes ${settings.sinkEvents} events after a warm-up, yielding to the event loop every 1,000, and ends with a synchronous flush; the file must then hold exactly that many events (besides the runtime's own records: the file opened, the configuration).`,
  );
  return [
    figure('runtime-sink.ours', 'mlx-audit runtime, JSONL file sink: per event, record to write', 'µs', get('ours')),
    figure('runtime-sink.pino-sync', 'pino, same fields, pino.destination sync: per event', 'µs', get('pino-sync')),
    figure('runtime-sink.pino-async', 'pino, same fields, pino.destination async (minLength 4096): per event', 'µs', get('pino-async')),
    figure('runtime-sink.ours-over-pino-sync', 'mlx-audit runtime ÷ pino sync, per event', '×', paired(get('ours'), get('pino-sync'), (a, b) => a / b)),
  ];
});
