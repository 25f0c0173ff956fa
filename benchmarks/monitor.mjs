// Watching the trail (issue #17): what watching in the process adds to the sink scenario, how fast
// `mlx-audit detect` reads a trail, and the monitor's memory over a million events of a hundred
// thousand clients.
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { URL, fileURLToPath } from 'node:url';
import { MeasurementError, lastJsonLine, runNode } from './lib/measure.mjs';
import { REPOSITORY_DIR, WORK_DIR } from './lib/paths.mjs';
import { figure, progress, runScenario } from './lib/results.mjs';
import { benchSettings } from './lib/settings.mjs';
import { differences, median } from './lib/stats.mjs';

const DIRECTORY = join(WORK_DIR, 'monitor');
const WATCH_SINK_DRIVER = fileURLToPath(new URL('lib/watch-sink-driver.mjs', import.meta.url));
const TRAIL_WRITER = fileURLToPath(new URL('lib/monitor-trail-writer.mjs', import.meta.url));
const MEMORY_DRIVER = fileURLToPath(new URL('lib/monitor-memory-driver.mjs', import.meta.url));
const CLI = join(REPOSITORY_DIR, 'packages', 'cli', 'dist', 'cli.js');
/** Every MLX_AUDIT_* variable of the parent removed: each run sets what it uses. */
const NO_AUDIT_VARIABLES = Object.fromEntries(Object.keys(process.env).filter((name) => name.startsWith('MLX_AUDIT_')).map((name) => [name, undefined]));
const µs = (/** @type {number} */ ns) => ns / 1000;

/** A directory only its owner can use (the file sink refuses others). */
function privateDirectory(/** @type {string[]} */ ...parts) {
  const directory = join(DIRECTORY, ...parts);
  rmSync(directory, { recursive: true, force: true });
  mkdirSync(directory, { recursive: true, mode: 0o700 });
  return directory;
}

/**
 * 1. In-process watching, paired in one process against the file sink alone.
 * @param {ReturnType<typeof benchSettings>} settings
 * @param {string[]} notes
 */
function watchCost(settings, notes) {
  const writes = privateDirectory('watch');
  const { monitorWatchEvents, monitorWatchRounds, monitorWatchReps } = settings;
  /** @type {number[]} */
  const added = [];
  let rules = 0;
  for (let rep = 0; rep < monitorWatchReps; rep++) {
    const label = `watching, ${monitorWatchRounds} rounds of ${monitorWatchEvents} events per variant, run ${rep + 1}`;
    progress(label);
    /** @type {{ ns: Record<'file' | 'watched', number[]>, rules: number }} */
    const result = lastJsonLine(runNode({ label, env: { ...NO_AUDIT_VARIABLES, MLX_AUDIT_SINK: 'off' }, args: [WATCH_SINK_DRIVER, String(monitorWatchEvents), String(monitorWatchRounds), writes] }), label);
    added.push(µs(median(differences(result.ns.watched, result.ns.file))));
    rules = result.rules;
  }
  notes.push(
    `\`monitor.watch-added\` (the goal) is what \`watch()\` with every default rule (${rules}) adds to the sink scenario (lib/watch-sink-driver.mjs: the sink scenario's forward events into the file sink as configured, the call uninstrumented subtracted, the time ending once everything is on disk): with the watcher minus without, the variants alternating in one process, ${monitorWatchRounds} rounds of ${monitorWatchEvents} events each after two of warm-up, in AB BA order, each round's file checked; a sample is the median over rounds of the paired difference, one per process.`,
  );
  return [figure('monitor.watch-added', 'Sink scenario: file sink with watch() − file sink alone, per event (paired rounds in one process)', 'µs', added)];
}

/**
 * 2. `mlx-audit detect` over a real trail: whole process, events per second.
 * @param {ReturnType<typeof benchSettings>} settings
 * @param {string[]} notes
 */
function detectThroughput(settings, notes) {
  const directory = privateDirectory('detect');
  const { monitorDetectEvents: events, monitorClients: clients, monitorDetectReps } = settings;
  const label = `a trail of ${events} forward calls of ${clients} clients`;
  progress(label);
  /** @type {{ lines: number }} */
  const written = lastJsonLine(runNode({ label, env: { ...NO_AUDIT_VARIABLES, MLX_AUDIT_SINK: 'off' }, args: [TRAIL_WRITER, String(events), String(clients), join(directory, 'audit.jsonl')] }), label);
  if (written.lines < events) throw new MeasurementError(`${label}: the trail holds ${written.lines} lines`);
  /** @type {number[]} */
  const perSecond = [];
  /** @type {number[]} */
  const rss = [];
  for (let rep = 0; rep < monitorDetectReps; rep++) {
    const run = runNode({ label: `mlx-audit detect, run ${rep + 1}`, env: { ...NO_AUDIT_VARIABLES, MLX_AUDIT_SINK: 'off' }, args: [CLI, 'detect', '--json', directory], okCodes: [0, 1] });
    if (run.code === 2) throw new MeasurementError(`mlx-audit detect could not read the trail: ${run.stderr}`);
    perSecond.push(written.lines / (run.wallMs / 1000));
    rss.push(run.maxRssKb / 1024);
  }
  rmSync(directory, { recursive: true, force: true });
  notes.push(
    `\`monitor.detect-events-per-second\`: \`mlx-audit detect --json <directory>\` as a user runs it (the process from start to exit: every default rule over every line, and the chain verified alongside) over a trail the runtime's file sink wrote (lib/monitor-trail-writer.mjs: ${written.lines} lines, forward calls of ${clients} clients, one request each), ${monitorDetectReps} runs; lines per second of wall time.`,
  );
  return [figure('monitor.detect-events-per-second', '`mlx-audit detect`, whole process: lines per second', 'lines/s', perSecond), figure('monitor.detect-rss', '`mlx-audit detect`: peak RSS', 'MB', rss)];
}

/**
 * 3. The monitor's memory over 1,000,000 events of 100,000 clients.
 * @param {ReturnType<typeof benchSettings>} settings
 * @param {string[]} notes
 */
function memory(settings, notes) {
  const { monitorMemoryEvents: events, monitorMemoryClients: clients } = settings;
  /** @type {number[]} */
  const growth = [];
  /** @type {number[]} */
  const throughput = [];
  let maxKeys = 0;
  for (let rep = 0; rep < settings.monitorMemoryReps; rep++) {
    const label = `the monitor over ${events} events of ${clients} clients, run ${rep + 1}`;
    progress(label);
    /** @type {{ heapGrowth: number, maxKeys: number, evicted: number, eventsPerSecond: number }} */
    const result = lastJsonLine(runNode({ label, env: { ...NO_AUDIT_VARIABLES, MLX_AUDIT_SINK: 'off' }, args: ['--expose-gc', MEMORY_DRIVER, String(events), String(clients)] }), label);
    growth.push(result.heapGrowth / 1024 ** 2);
    throughput.push(result.eventsPerSecond);
    maxKeys = Math.max(maxKeys, result.maxKeys);
  }
  notes.push(
    `\`monitor.memory\` (the goal): every default rule fed ${events} forward-call events in memory (lib/monitor-memory-driver.mjs), the first ${clients} each of a new client, the rest drawn from them, five milliseconds apart; the heap after a full collection, minus before. The most keys any rule held: ${maxKeys} (each rule's limit holds: state beyond it is evicted, least recently seen first). \`monitor.in-memory-events-per-second\`: the same run's rate, the events made as they are fed.`,
  );
  return [
    figure('monitor.memory', `Monitor state after ${events / 1e6}M events of ${clients / 1000}k clients (heap growth)`, 'MB', growth),
    figure('monitor.in-memory-events-per-second', 'Monitor in memory, every default rule: events per second', 'events/s', throughput),
  ];
}

await runScenario('monitor', async ({ quick }, notes) => {
  const settings = benchSettings(quick);
  return [...watchCost(settings, notes), ...detectThroughput(settings, notes), ...memory(settings, notes)];
});
