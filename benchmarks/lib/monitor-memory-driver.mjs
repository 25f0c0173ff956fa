// Runs in a child process (node --expose-gc): the monitor's memory over `events` events of
// `clients` distinct clients — every default rule, fed in memory (the events as the runtime makes
// them, a forward call's fields with a client and a request of its own), the heap measured after a
// full collection before and after, and each rule's state against its limit.
//   node --expose-gc monitor-memory-driver.mjs <events> <clients>
// Prints one JSON line: heap growth in bytes, the largest number of keys a rule held, and events/s.
import { createMonitor } from '@mlx-audit/monitor';
import { seeded } from './service-traffic.mjs';

const [eventsText, clientsText] = process.argv.slice(2);
const events = Number(eventsText);
const clients = Number(clientsText);
const gc = /** @type {() => void} */ (globalThis.gc);
if (typeof gc !== 'function') throw new Error('run with --expose-gc');

const START = Date.parse('2026-03-01T00:00:00.000Z');
const random = seeded(23);
/** One forward call of a client: what the runtime records for `model.forward(tokens)` in a request. */
function event(/** @type {number} */ index) {
  const client = index < clients ? index : Math.floor(random() * clients);
  return {
    '@timestamp': new Date(START + index * 5).toISOString(),
    'ecs.version': '8.11.0',
    'log.level': 'info',
    'event.kind': 'event',
    'event.category': ['api'],
    'event.type': ['access'],
    'event.action': 'nn.Module#forward',
    'event.outcome': 'success',
    'event.duration': 2_000_000 + Math.floor(random() * 500_000),
    'event.sequence': index + 1,
    'process.pid': 4242,
    'service.name': 'svc',
    'request.id': `r${index}`,
    'client.id': client.toString(16).padStart(16, '0'),
    'gen_ai.operation.name': 'inference',
    'mlx.kind': 'inference',
    'mlx.binding': 'nn.Module#forward',
    'mlx.args': [{ type: 'tensor', shape: [1, 8 + (index % 5)], dtype: 'int32', size: 8, nbytes: 32 }],
    'mlx.result': { type: 'tensor', shape: [1, 4], dtype: 'float32', size: 4, nbytes: 16 },
  };
}

gc();
const before = process.memoryUsage().heapUsed;
const monitor = createMonitor();
let alerts = 0;
const started = process.hrtime.bigint();
for (let index = 0; index < events; index++) alerts += monitor.push(event(index)).length;
const seconds = Number(process.hrtime.bigint() - started) / 1e9;
gc();
const heapGrowth = process.memoryUsage().heapUsed - before;
const state = monitor.state();
const maxKeys = Math.max(...Object.values(state).map((rule) => rule.keys));
const evicted = Object.values(state).reduce((sum, rule) => sum + rule.evicted, 0);
process.stdout.write(`${JSON.stringify({ heapGrowth, maxKeys, evicted, alerts, eventsPerSecond: events / seconds, state })}\n`);
