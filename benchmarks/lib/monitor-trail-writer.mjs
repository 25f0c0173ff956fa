// Runs in a child process: writes a real trail for `mlx-audit detect` to read — the runtime's file
// sink (chained, rotated as configured) holding `events` forward calls of an inference service
// with `clients` clients (lib/service-traffic.mjs), written in batches as a service writes them.
//   MLX_AUDIT_SINK=off node monitor-trail-writer.mjs <events> <clients> <trail file>
// Prints one JSON line: the lines of the trail.
import { readdirSync, readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { setImmediate } from 'node:timers/promises';
import { configure, fileSink, flushAuditLog } from '@mlx-audit/runtime';
import { BATCH } from './forward-events.mjs';
import { serveRequests } from './service-traffic.mjs';

const [eventsText, clientsText, file] = process.argv.slice(2);
if (file === undefined) throw new Error('usage: monitor-trail-writer.mjs <events> <clients> <trail file>');
const events = Number(eventsText);
configure({ sinks: [fileSink({ path: file, maxBytes: 256 * 1024 * 1024 })], exitHooks: true });
for (let done = 0; done < events; done += BATCH) {
  serveRequests(Math.min(BATCH, events - done), Number(clientsText));
  await setImmediate();
}
flushAuditLog();
configure({ sinks: [], exitHooks: false });
const directory = dirname(file);
const lines = readdirSync(directory)
  .filter((name) => name.startsWith(basename(file)))
  .reduce((sum, name) => sum + readFileSync(join(directory, name), 'utf8').split('\n').filter((line) => line !== '').length, 0);
process.stdout.write(`${JSON.stringify({ lines })}\n`);
