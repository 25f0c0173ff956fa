// One run of lib/sink-driver.mjs (the runtime's file sink, or pino, writing forward events), checked:
// the file must hold exactly the events written. Shared by the runtime-sink and trail scenarios.
import { URL, fileURLToPath } from 'node:url';
import { MeasurementError, lastJsonLine, runNode } from './measure.mjs';

const DRIVER = fileURLToPath(new URL('sink-driver.mjs', import.meta.url));

/**
 * @typedef {object} SinkRun
 * @property {number} nsPerEvent
 * @property {number} lines the events the file holds (the runtime's own records left out)
 * @property {Record<string, number>} records the runtime's own records (`mlx-audit.*`) by action
 * @property {Record<string, unknown> | null} sample the first event
 */

/**
 * @param {object} options
 * @param {'ours' | 'ours-sealed' | 'pino-sync' | 'pino-async'} options.variant
 * @param {number} options.events
 * @param {string} options.file where the driver writes (left for the caller to read or delete)
 * @param {string} options.fields the fields pino writes (a JSON file)
 * @param {string} [options.sealKeyFile] the seal state file of `ours-sealed`
 * @param {string} options.label
 * @returns {SinkRun}
 */
export function runSinkDriver({ variant, events, file, fields, sealKeyFile, label }) {
  // MLX_AUDIT_SINK=off: the runtime's own configuration from the environment must not add a stderr sink.
  const run = runNode({ label, env: { MLX_AUDIT_SINK: 'off' }, args: [DRIVER, variant, String(events), file, fields, ...(sealKeyFile === undefined ? [] : [sealKeyFile])] });
  /** @type {SinkRun} */
  const result = lastJsonLine(run, label);
  if (result.lines !== events) throw new MeasurementError(`${label}: the file holds ${result.lines} events, expected ${events}`);
  return result;
}
