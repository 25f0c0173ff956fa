// What the runtime must have counted during a per-call measurement, checked after every run.
import { MeasurementError } from './measure.mjs';

/**
 * @typedef {object} CallConfig
 * @property {string} label
 * @property {'default' | 'errors'} build
 * @property {Record<string, string>} env
 * @property {'time' | 'alloc'} mode
 * @property {'none' | 'every-call'} events what the runtime must have recorded per measured call
 */

/**
 * @typedef {{ recorded: number, dropped: number, delivered: number, sinkFailures: Record<string, number> }} Counters
 */

/**
 * What the runtime counted must match the configuration: every measured call recorded and
 * delivered, nothing dropped, no sink failure; or nothing recorded at all.
 * @param {CallConfig} config
 * @param {{ auditedCalls?: number, audit: { before: Counters, after: Counters } }} result
 * @param {string} label
 */
export function checkCounters(config, result, label) {
  const { before, after } = result.audit;
  const recorded = after.recorded - before.recorded;
  if (after.dropped !== 0) throw new MeasurementError(`${label}: the runtime dropped ${after.dropped} events`);
  if (Object.keys(after.sinkFailures).length > 0) throw new MeasurementError(`${label}: sink failures ${JSON.stringify(after.sinkFailures)}`);
  if (after.delivered < after.recorded) throw new MeasurementError(`${label}: ${after.recorded - after.delivered} events recorded but not delivered`);
  const expected = config.events === 'every-call' ? result.auditedCalls : 0;
  if (recorded !== expected) throw new MeasurementError(`${label}: the runtime recorded ${recorded} events during the measured calls, expected ${String(expected)}`);
}
