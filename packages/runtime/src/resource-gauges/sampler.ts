import { describeThrown } from '../describe-thrown.js';
import { ECS_VERSION, isoTime, type EventDraft } from '../event.js';
import { reportOnce } from '../internal-report.js';
import { admit, enqueue, hasSinks, nextSequence, recordBytes } from '../pipeline.js';
import { redactionSettings } from '../settings.js';
import { RUN_ID } from '../trail/process-chain.js';
import { mlxMemory } from './mlx-memory.js';

// The runtime's periodic resource gauges: every interval while sinks are configured, one
// `mlx-audit.resources` record (`event.kind: metric`) with the process's memory and CPU and MLX's
// memory counters, for the monitor's resource rules. Sampled from an unref'd timer, so it never
// keeps the process alive and never runs on a call's path; the first sample comes one interval
// after configure(), so a short program records none. A routine record: a full buffer drops it
// (and counts it), as it drops any routine event.

export const RESOURCES_ACTION = 'mlx-audit.resources';

const PID = process.pid;
// A gauge record holds no summary of the application's values.
const GAUGE_BYTES = recordBytes(0);

interface Reading {
  readonly cpu: NodeJS.CpuUsage;
  /** `performance.now()` when `cpu` was read. */
  readonly time: number;
}

let timer: NodeJS.Timeout | undefined;
let previous: Reading | undefined;

/**
 * Samples every `intervalMs` from now on, or stops (null). Each configure() calls it, which
 * restarts the interval: the first sample of a configuration comes one interval after it.
 */
export function setResourceSampling(intervalMs: number | null): void {
  stopResourceSampling();
  if (intervalMs === null) return;
  previous = { cpu: process.cpuUsage(), time: performance.now() };
  timer = setInterval(sample, intervalMs);
  timer.unref();
}

/** Stops sampling: sinks turned off, or the run's end (the `stopped` record is the run's last). */
export function stopResourceSampling(): void {
  if (timer !== undefined) clearInterval(timer);
  timer = undefined;
  previous = undefined;
}

function sample(): void {
  try {
    if (previous === undefined || !hasSinks()) return;
    const time = performance.now();
    const cpu = process.cpuUsage();
    const cpuFraction = cpuSince(previous, cpu, time);
    previous = { cpu, time };
    if (!admit(false, GAUGE_BYTES)) return;
    enqueue({ event: gaugeEvent(time, cpuFraction), bytes: GAUGE_BYTES });
  } catch (error) {
    reportOnce('resources', `sampling resources failed: ${describeThrown(error)}`);
  }
}

/** CPU time (user and system, every thread) since `from`, over the wall time since: 1 is one core busy throughout. */
function cpuSince(from: Reading, cpu: NodeJS.CpuUsage, time: number): number {
  const elapsedMicroseconds = (time - from.time) * 1000;
  if (!(elapsedMicroseconds > 0)) return 0;
  const used = cpu.user - from.cpu.user + (cpu.system - from.cpu.system);
  return Math.round((Math.max(0, used) / elapsedMicroseconds) * 10_000) / 10_000;
}

function gaugeEvent(time: number, cpuFraction: number): EventDraft {
  const memory = process.memoryUsage();
  const mlx = mlxMemory();
  return {
    '@timestamp': isoTime(time),
    'ecs.version': ECS_VERSION,
    'log.level': 'info',
    'event.kind': 'metric',
    'event.category': ['process'],
    'event.type': ['info'],
    'event.action': RESOURCES_ACTION,
    'event.sequence': nextSequence(),
    'process.pid': PID,
    'service.name': redactionSettings().serviceName,
    'mlx_audit.run': RUN_ID,
    'process.memory.rss': memory.rss,
    'process.memory.heap_used': memory.heapUsed,
    'process.cpu.pct': cpuFraction,
    'mlx.memory.active': mlx.active,
    'mlx.memory.peak': mlx.peak,
    'mlx.memory.cache': mlx.cache,
  };
}
