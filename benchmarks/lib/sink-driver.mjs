// Runs in a child process: writes `events` audit events to a JSONL file, either through the
// mlx-audit runtime (an instrumented call of a site in event mode: record, then serialise on the
// drain and hand to the file sink's writer thread, which chains and writes; `ours-sealed` also
// seals the trail with the key of a seal state file) or through pino given the same fields. The
// time ends once everything is on disk (flushAuditLog waits for the writer thread). Usage:
//   MLX_AUDIT_SINK=off node sink-driver.mjs <ours|ours-sealed|pino-sync|pino-async> <events> <file> <fields.json> [<seal state file>]
// Prints one JSON line: nanoseconds per event, the events the file holds (the runtime's own
// records, `mlx-audit.*`, counted apart by action), and the first event.
import { readFileSync, rmSync } from 'node:fs';
import pino from 'pino';
import { auditStats, configure, fileSink, flushAuditLog } from '@mlx-audit/runtime';
import { BATCH, auditedCall, eventCost, plainCall, timed } from './forward-events.mjs';

const [variant, eventsText, file, fieldsFile, sealKeyFile] = process.argv.slice(2);
if (file === undefined || fieldsFile === undefined) throw new Error('usage: sink-driver.mjs <variant> <events> <file> <fields.json> [<seal state file>]');
const events = Number(eventsText);
rmSync(file, { force: true });
/** @type {number} */
let nsPerEvent;
if (variant === 'ours' || variant === 'ours-sealed') {
  if (variant === 'ours-sealed' && sealKeyFile === undefined) throw new Error('ours-sealed needs a seal state file');
  // Both configurations name the seal option: the unsealed one turns off MLX_AUDIT_SEAL_KEY_FILE.
  const seal = variant === 'ours-sealed' ? { keyFile: /** @type {string} */ (sealKeyFile) } : null;
  const sinkAt = (/** @type {string} */ path) => fileSink({ path });
  const warmUpFile = `${file}.warm-up`;
  configure({ sinks: [sinkAt(warmUpFile)], exitHooks: false, seal });
  await timed(plainCall, BATCH * 2, () => undefined);
  await timed(auditedCall, BATCH * 2, flushAuditLog);
  // A new sink (the old one is closed), so the file holds the timed events only.
  configure({ sinks: [sinkAt(file)], exitHooks: false, seal });
  rmSync(warmUpFile);
  // The call itself, uninstrumented, is subtracted: what remains is the event.
  nsPerEvent = await eventCost(events, flushAuditLog);
  const { dropped } = auditStats();
  if (dropped !== 0) throw new Error(`the runtime dropped ${dropped} events`);
} else if (variant === 'pino-sync' || variant === 'pino-async') {
  /** @type {Record<string, unknown>} */
  const fields = JSON.parse(readFileSync(fieldsFile, 'utf8'));
  const destination = variant === 'pino-sync' ? pino.destination({ dest: file, sync: true }) : pino.destination({ dest: file, sync: false, minLength: 4096 });
  const logger = pino(destination);
  const emit = () => logger.info(fields);
  await timed(emit, BATCH * 2, () => destination.flushSync());
  // Truncates what the warm-up wrote, so the file holds the timed events only.
  destination.flushSync();
  destination.reopen();
  rmSync(file);
  destination.reopen();
  nsPerEvent = await timed(emit, events, () => destination.flushSync());
  destination.flushSync();
} else {
  throw new Error(`unknown variant ${String(variant)}`);
}
// The runtime's own records (the file opened, the configuration, seals) are lines of the trail, not events.
const RECORD = /"event\.action":"(mlx-audit\.[^"]*)"/;
/** @type {string[]} */
const eventLines = [];
/** @type {Record<string, number>} */
const records = {};
for (const line of readFileSync(file, 'utf8').split('\n')) {
  if (line === '') continue;
  const action = RECORD.exec(line)?.[1];
  if (action === undefined) eventLines.push(line);
  else records[action] = (records[action] ?? 0) + 1;
}
process.stdout.write(`${JSON.stringify({ variant, nsPerEvent, lines: eventLines.length, records, sample: JSON.parse(eventLines[0] ?? 'null') })}\n`);
