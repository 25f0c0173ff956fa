import './support/quiet.js';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { configure } from '../src/configure.js';
import { settingsFromEnvironment } from '../src/environment.js';
import { RESOURCES_ACTION } from '../src/resource-gauges/sampler.js';
import { functionSink } from '../src/sinks/function.js';
import type { AuditEvent } from '../src/sinks/sink.js';
import { INDEX_URL, requireBuild } from './support/child-script.js';
import { mx } from './support/mlx.js';
import { eventsIn } from './support/trail.js';

// The runtime's periodic resource gauges, on the real runtime: records every interval while sinks
// are configured, from a timer that never holds the process open; none when off; a mistake in the
// option throws, a mistake in the variable is reported and the default interval kept.

interface MlxMemoryCounters {
  readonly getActiveMemory: () => number;
  readonly getPeakMemory: () => number;
  readonly getCacheMemory: () => number;
}
const metal = (createRequire(import.meta.url)('@frost-beta/mlx') as { core: { metal: MlxMemoryCounters } }).core.metal;

const directory = mkdtempSync(join(tmpdir(), 'mlx-audit-resources-'));
let scriptCount = 0;

beforeAll(requireBuild);

afterEach(() => {
  configure({ sinks: [], exitHooks: false });
});

afterAll(() => {
  rmSync(directory, { recursive: true, force: true });
});

/** A sink that keeps the gauge records it is given. */
function gaugeSink(): { sink: ReturnType<typeof functionSink>; gauges: AuditEvent[] } {
  const gauges: AuditEvent[] = [];
  const sink = functionSink((event) => {
    if (event['event.action'] === RESOURCES_ACTION) gauges.push(event);
  }, 'gauges');
  return { sink, gauges };
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Waits until `count` gauges have arrived (each interval's record is drained on the next turn). */
async function gaugesArrive(gauges: readonly AuditEvent[], count: number): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (gauges.length < count) {
    if (Date.now() > deadline) throw new Error(`${gauges.length} of ${count} gauge records arrived`);
    await sleep(20);
  }
}

/** Keeps one core busy for `ms`: the next sample's CPU figure must show it. */
function spin(ms: number): void {
  for (const end = performance.now() + ms; performance.now() < end; );
}

describe('resource gauge records', () => {
  it('come every interval with the ECS envelope, the process gauges and only the MLX counters that read non-zero', async () => {
    // MLX is loaded and has computed something: its counters are asked (on Metal they read non-zero).
    mx.add(mx.full([64], 1), 1).sum();
    const { sink, gauges } = gaugeSink();
    configure({ sinks: [sink], exitHooks: false, serviceName: 'gauged', resources: { intervalMs: 100 } });
    await gaugesArrive(gauges, 1);
    spin(300);
    await gaugesArrive(gauges, 3);

    for (const gauge of gauges) {
      expect(gauge).toMatchObject({
        'ecs.version': '8.11.0',
        'log.level': 'info',
        'event.kind': 'metric',
        'event.category': ['process'],
        'event.type': ['info'],
        'event.action': 'mlx-audit.resources',
        'process.pid': process.pid,
        'service.name': 'gauged',
      });
      expect(Date.parse(gauge['@timestamp'] as string)).toBeGreaterThan(Date.now() - 60_000);
      expect(gauge['mlx_audit.run']).toMatch(/^[0-9a-f]{32}$/);
      expect(gauge).not.toHaveProperty('event.outcome');
      for (const field of ['process.memory.rss', 'process.memory.heap_used']) {
        expect(Number.isSafeInteger(gauge[field]) && (gauge[field] as number) > 0, field).toBe(true);
      }
      expect(typeof gauge['process.cpu.pct']).toBe('number');
      expect(gauge['process.cpu.pct']).toBeGreaterThanOrEqual(0);
    }
    const sequences = gauges.map((gauge) => gauge['event.sequence'] as number);
    expect(sequences.every(Number.isSafeInteger)).toBe(true);
    expect([...sequences].sort((a, b) => a - b)).toEqual(sequences);
    // The sample after 300 ms of spinning covers them: at least a tenth of a core, on a busy machine too.
    expect(Math.max(...gauges.slice(1).map((gauge) => gauge['process.cpu.pct'] as number))).toBeGreaterThan(0.1);

    const last = gauges[gauges.length - 1];
    for (const [field, read] of [
      ['mlx.memory.active', metal.getActiveMemory],
      ['mlx.memory.peak', metal.getPeakMemory],
      ['mlx.memory.cache', metal.getCacheMemory],
    ] as const) {
      // Without Metal (this Linux CPU build) every counter reads 0, and the field is left out.
      if (read() > 0) expect(last?.[field], field).toBeGreaterThan(0);
      else expect(last, field).not.toHaveProperty(field);
    }
  });

  it('stop when the sinks are turned off, and the first comes one interval after configure()', async () => {
    const { sink, gauges } = gaugeSink();
    configure({ sinks: [sink], exitHooks: false, resources: { intervalMs: 200 } });
    await sleep(120);
    expect(gauges).toEqual([]);
    await gaugesArrive(gauges, 1);
    configure({ sinks: [], exitHooks: false });
    const seen = gauges.length;
    await sleep(500);
    expect(gauges).toHaveLength(seen);
  });

  it('are off with resources: null and with MLX_AUDIT_RESOURCES_INTERVAL_MS=off', async () => {
    const { sink, gauges } = gaugeSink();
    configure({ sinks: [sink], exitHooks: false, resources: null, env: { MLX_AUDIT_RESOURCES_INTERVAL_MS: '100' } });
    await sleep(350);
    configure({ sinks: [sink], exitHooks: false, env: { MLX_AUDIT_RESOURCES_INTERVAL_MS: 'off' } });
    await sleep(350);
    expect(gauges).toEqual([]);
    // The variable's interval applies when the option leaves it out.
    configure({ sinks: [sink], exitHooks: false, resources: {}, env: { MLX_AUDIT_RESOURCES_INTERVAL_MS: '100' } });
    await gaugesArrive(gauges, 1);
  });
});

describe('mistakes', () => {
  it('in the option throw a TypeError naming it, and leave the configuration as it was', async () => {
    const { sink, gauges } = gaugeSink();
    configure({ sinks: [sink], exitHooks: false, resources: { intervalMs: 100 } });
    expect(() => {
      configure({ sinks: [], resources: { intervalMs: 50 } });
    }).toThrow(/resources\.intervalMs must be an integer of at least 100/);
    expect(() => {
      configure({ sinks: [], resources: { interval: 1000 } as never });
    }).toThrow(/unknown resources option 'interval'; the resources options are intervalMs/);
    expect(() => {
      configure({ sinks: [], resources: false as never });
    }).toThrow(/resources must be an object \(\{ intervalMs\? \}\) or null/);
    expect(() => {
      configure({ sinks: [], resource: {} } as never);
    }).toThrow(/unknown option 'resource'/);
    // Still sampling into the sink of the configuration in force.
    await gaugesArrive(gauges, 1);
  });

  it('in the variable are reported, and the default interval (60 s) is kept', () => {
    expect(settingsFromEnvironment({}).resourcesIntervalMs).toBe(60_000);
    expect(settingsFromEnvironment({ MLX_AUDIT_RESOURCES_INTERVAL_MS: ' 2500 ' }).resourcesIntervalMs).toBe(2500);
    expect(settingsFromEnvironment({ MLX_AUDIT_RESOURCES_INTERVAL_MS: 'OFF' }).resourcesIntervalMs).toBeNull();
    for (const wrong of ['5s', '99', '-1', '0', 'false']) {
      expect(settingsFromEnvironment({ MLX_AUDIT_RESOURCES_INTERVAL_MS: wrong }).resourcesIntervalMs, wrong).toBe(60_000);
    }
    const child = runScript(`runtime.configure({ sinks: [] });`, { MLX_AUDIT_RESOURCES_INTERVAL_MS: '5s', MLX_AUDIT_RESOURCE_INTERVAL_MS: '100' });
    expect(child.status, child.stderr).toBe(0);
    expect(child.stderr).toContain('mlx-audit: MLX_AUDIT_RESOURCES_INTERVAL_MS=5s is not an integer of at least 100 (milliseconds) or off; using 60000');
    expect(child.stderr).toMatch(/MLX_AUDIT_RESOURCE_INTERVAL_MS is not a variable mlx-audit reads \(a typo\?\)/);
  });
});

describe('a whole program', () => {
  it('ends when its own work does: the sampling timer holds no process open, and the run ends with its stopped record', () => {
    const file = join(directory, 'held', 'audit.jsonl');
    const started = Date.now();
    const child = runScript(`runtime.configure({ sinks: [runtime.fileSink({ path: ${JSON.stringify(file)} })], resources: { intervalMs: 100 } });
setTimeout(() => {}, 450);`);
    expect(child.status, child.stderr).toBe(0);
    expect(Date.now() - started).toBeLessThan(15_000);
    const lines = readFileSync(file, 'utf8').trim().split('\n');
    const gauges = eventsIn(lines.join('\n')).filter((event) => event['event.action'] === RESOURCES_ACTION);
    expect(gauges.length).toBeGreaterThanOrEqual(1);
    expect(JSON.parse(lines[lines.length - 1] ?? '{}')).toMatchObject({ 'event.action': 'mlx-audit.stopped' });
  });

  it('that is short records no gauge at the default interval', () => {
    const file = join(directory, 'short', 'audit.jsonl');
    const child = runScript(`runtime.configure({ sinks: [runtime.fileSink({ path: ${JSON.stringify(file)} })] });
setTimeout(() => {}, 200);`);
    expect(child.status, child.stderr).toBe(0);
    expect(readFileSync(file, 'utf8')).not.toContain(RESOURCES_ACTION);
  });
});

/** Runs a module importing the built package as `runtime`, with `env` added to a clean environment. */
function runScript(body: string, env: Readonly<Record<string, string>> = {}) {
  const path = join(directory, `script-${++scriptCount}.mjs`);
  writeFileSync(path, `import * as runtime from ${JSON.stringify(INDEX_URL)};\n${body}\n`);
  return spawnSync(process.execPath, [path], { env: { PATH: process.env.PATH, ...env }, encoding: 'utf8', timeout: 20_000 });
}
