// Runs in a child process: what the chain and seals add to the sink scenario, with the variants
// alternating in one process, round after round, so that what differs between processes (code
// placement, the heap, the machine's state) cancels out of each paired difference:
//   plain    the pipeline into the file sink as it was before the trail (lib/plain-file.mjs: no
//            chain, no seal, written on this thread);
//   chained  the file sink as configured (chain and writes on its writer thread), no seal key;
//   sealed   the same, sealed (`configure({ seal })`, a seal every 1,000 lines).
// Each round: a new sink of the variant (configured, so each file holds that round's events
// only), the forward events of lib/forward-events.mjs (the call uninstrumented subtracted; the
// time ends with everything on disk, flushAuditLog waiting for the writer thread), the file
// checked. Variants in ABC CBA order.
//   MLX_AUDIT_SINK=off node trail-sink-driver.mjs <events per round> <rounds> <work dir> <seal state file>
// Prints one JSON line: each variant's ns per event by round, and what the files held.
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { auditStats, configure, fileSink, flushAuditLog } from '@mlx-audit/runtime';
import { BATCH, eventCost, plainCall, timed } from './forward-events.mjs';
import { PlainFile } from './plain-file.mjs';

const [eventsText, roundsText, workDir, keyFile] = process.argv.slice(2);
if (workDir === undefined || keyFile === undefined) throw new Error('usage: trail-sink-driver.mjs <events per round> <rounds> <work dir> <seal state file>');
const seal = { keyFile };
const events = Number(eventsText);
const rounds = Number(roundsText);
const WARM_UP_ROUNDS = 2;
const VARIANTS = /** @type {const} */ (['plain', 'chained', 'sealed']);
/** @typedef {typeof VARIANTS[number]} Variant */

const CHAIN_SUFFIX = /,"trail\.line":\d+,"event\.hash":"[0-9a-f]{64}"\}$/;
const RECORD = /"event\.action":"(mlx-audit\.[^"]*)"/;

/**
 * One round of a variant: its sink configured on a fresh file, the events timed, the file checked.
 * @param {Variant} variant
 * @param {string} file
 */
async function round(variant, file) {
  rmSync(file, { force: true });
  const sink = variant === 'plain' ? new PlainFile(file) : fileSink({ path: file });
  configure({ sinks: [sink], exitHooks: false, seal: variant === 'sealed' ? seal : null });
  const ns = await eventCost(events, flushAuditLog);
  // Closes the sink (its stream ends) before the file is read.
  configure({ sinks: [], exitHooks: false, seal: null });
  let lines = 0;
  let chained = 0;
  let seals = 0;
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (line === '') continue;
    if (CHAIN_SUFFIX.test(line)) chained++;
    const action = RECORD.exec(line)?.[1];
    if (action === 'mlx-audit.seal') seals++;
    if (action === undefined) lines++;
  }
  rmSync(file);
  if (lines !== events) throw new Error(`${variant}: the file held ${lines} events, expected ${events}`);
  if (variant === 'plain' && chained !== 0) throw new Error(`plain: ${chained} chained lines`);
  if (variant !== 'plain' && chained < lines) throw new Error(`${variant}: ${chained} chained lines for ${lines} events`);
  if ((variant === 'sealed') !== seals > 0 || (variant === 'sealed' && seals < Math.floor(events / 1000))) throw new Error(`${variant}: ${seals} seals for ${events} events`);
  return ns;
}

await timed(plainCall, BATCH * 2, () => undefined);
/** @type {Record<Variant, number[]>} */
const ns = { plain: [], chained: [], sealed: [] };
for (let index = 0; index < WARM_UP_ROUNDS + rounds; index++) {
  for (const variant of index % 2 === 0 ? VARIANTS : [...VARIANTS].reverse()) {
    const value = await round(variant, join(workDir, `${variant}.jsonl`));
    if (index >= WARM_UP_ROUNDS) ns[variant].push(value);
  }
}
const { dropped } = auditStats();
if (dropped !== 0) throw new Error(`the runtime dropped ${dropped} events`);
process.stdout.write(`${JSON.stringify({ ns })}\n`);
