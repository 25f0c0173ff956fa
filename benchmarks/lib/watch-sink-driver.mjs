// Runs in a child process: what watching the trail in the process (`watch()` of @mlx-audit/monitor,
// every default rule) adds to the sink scenario, with the variants alternating in one process,
// round after round, so that what differs between processes cancels out of each paired difference:
//   file     the file sink as configured (no watcher);
//   watched  the same, and `watch()` with the default rules: each batch goes through the monitor
//            after the sinks have had it.
// Each round: a new file sink (configured, so each file holds that round's events only), the
// forward events of lib/forward-events.mjs (the call uninstrumented subtracted; the time ends with
// everything on disk), the file checked. Variants in AB BA order.
//   MLX_AUDIT_SINK=off node watch-sink-driver.mjs <events per round> <rounds> <work dir>
// Prints one JSON line: each variant's ns per event by round, and the events the monitor saw.
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { createMonitor, watchWithMonitor } from '@mlx-audit/monitor';
import { auditStats, configure, fileSink, flushAuditLog } from '@mlx-audit/runtime';
import { BATCH, eventCost, plainCall, timed } from './forward-events.mjs';

const [eventsText, roundsText, workDir] = process.argv.slice(2);
if (workDir === undefined) throw new Error('usage: watch-sink-driver.mjs <events per round> <rounds> <work dir>');
const events = Number(eventsText);
const rounds = Number(roundsText);
const WARM_UP_ROUNDS = 2;
const VARIANTS = /** @type {const} */ (['file', 'watched']);
/** @typedef {typeof VARIANTS[number]} Variant */

const RECORD = /"event\.action":"mlx-audit\./;

/**
 * One round of a variant: its sink configured on a fresh file, the events timed, the file checked.
 * @param {Variant} variant
 * @param {string} file
 */
async function round(variant, file) {
  rmSync(file, { force: true });
  configure({ sinks: [fileSink({ path: file })], exitHooks: false });
  const monitor = createMonitor();
  const watching = variant === 'watched' ? watchWithMonitor(monitor) : undefined;
  const ns = await eventCost(events, flushAuditLog);
  watching?.stop();
  configure({ sinks: [], exitHooks: false });
  const lines = readFileSync(file, 'utf8').split('\n').filter((line) => line !== '' && !RECORD.test(line)).length;
  rmSync(file);
  if (lines !== events) throw new Error(`${variant}: the file held ${lines} events, expected ${events}`);
  const seen = Object.values(monitor.state()).length;
  return { ns, rules: seen };
}

await timed(plainCall, BATCH * 2, () => undefined);
/** @type {Record<Variant, number[]>} */
const ns = { file: [], watched: [] };
let rules = 0;
for (let index = 0; index < WARM_UP_ROUNDS + rounds; index++) {
  for (const variant of index % 2 === 0 ? VARIANTS : [...VARIANTS].reverse()) {
    const result = await round(variant, join(workDir, `${variant}.jsonl`));
    if (index >= WARM_UP_ROUNDS) ns[variant].push(result.ns);
    if (variant === 'watched') rules = result.rules;
  }
}
const { dropped } = auditStats();
if (dropped !== 0) throw new Error(`the runtime dropped ${dropped} events`);
process.stdout.write(`${JSON.stringify({ ns, rules })}\n`);
