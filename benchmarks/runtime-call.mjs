// Runtime cost per call, on real MLX: the tsc build and a tspc build of programs/calls.ts run in
// one process (lib/call-driver.mjs), alternating rounds; the figure is what instrumentation adds.
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { URL, fileURLToPath } from 'node:url';
import { checkCounters } from './lib/call-checks.mjs';
import { MeasurementError, lastJsonLine, runNode } from './lib/measure.mjs';
import { WORK_DIR } from './lib/paths.mjs';
import { buildPrograms } from './lib/programs.mjs';
import { figure, progress, runScenario } from './lib/results.mjs';
import { benchSettings } from './lib/settings.mjs';

const DRIVER = fileURLToPath(new URL('lib/call-driver.mjs', import.meta.url));
const AUDIT_FILE = join(WORK_DIR, 'audit', 'calls.jsonl');

/** The catalogue id each measured call site publishes under. */
export const BINDINGS = {
  cheap: { action: 'core.array#item', label: '`item()` on a scalar' },
  forward: { action: 'nn.Module#forward', label: '`forward` of a 2-layer MLP' },
};

/** @typedef {import('./lib/call-checks.mjs').CallConfig} CallConfig */

/** @type {Record<string, CallConfig>} */
const CONFIGS = {
  'no-subscriber': { label: 'instrumented, no subscriber (MLX_AUDIT_SINK=off)', build: 'default', env: { MLX_AUDIT_SINK: 'off' }, mode: 'time', events: 'none' },
  'file-sink': { label: 'instrumented, JSONL file sink, an event per call', build: 'default', env: { MLX_AUDIT_SINK: 'file', MLX_AUDIT_FILE: AUDIT_FILE }, mode: 'time', events: 'every-call' },
  'errors-only': { label: 'instrumented, JSONL file sink, kind in errors-only mode', build: 'errors', env: { MLX_AUDIT_SINK: 'file', MLX_AUDIT_FILE: AUDIT_FILE }, mode: 'time', events: 'none' },
  allocation: { label: 'instrumented, no subscriber: heap bytes', build: 'default', env: { MLX_AUDIT_SINK: 'off' }, mode: 'alloc', events: 'none' },
};

await runScenario('runtime-call', async ({ quick }, notes) => {
  const settings = benchSettings(quick);
  const builds = {
    plain: buildPrograms('plain', null),
    default: buildPrograms('default', {}),
    // The same sites with their kinds turned to errors-only.
    errors: buildPrograms('errors', { kinds: { 'data-extraction': 'errors', inference: 'errors' } }),
  };
  /** @type {Record<string, number[]>} */
  const samples = {};
  const push = (/** @type {string} */ key, /** @type {number} */ value) => (samples[key] ??= []).push(value);
  for (let rep = 0; rep < settings.callReps; rep++) {
    for (const binding of /** @type {const} */ (['cheap', 'forward'])) {
      for (const [name, config] of Object.entries(CONFIGS)) {
        const label = `${binding} call, ${name}, run ${rep + 1}`;
        progress(label);
        rmSync(AUDIT_FILE, { force: true });
        // The forward pass costs ~100 times the scalar read: fewer iterations keep its rounds comparable in length.
        const iterations = binding === 'forward' ? Math.max(1000, Math.floor(settings.callIterations / 50)) : settings.callIterations;
        const gcFlags = config.mode === 'alloc' ? ['--expose-gc', '--min-semi-space-size=16', '--max-semi-space-size=16'] : ['--expose-gc'];
        // The no-subscriber runs also time a second uninstrumented copy: the A/A control.
        const control = name === 'no-subscriber' ? ['control'] : [];
        const run = runNode({ label, env: config.env, args: [...gcFlags, DRIVER, builds.plain, builds[config.build], binding, String(iterations), config.mode, ...control] });
        const result = lastJsonLine(run, label);
        checkCounters(config, result, label);
        if (config.events === 'every-call') {
          if (!existsSync(AUDIT_FILE)) throw new MeasurementError(`${label}: no audit file was written`);
          const first = JSON.parse(readFileSync(AUDIT_FILE, 'utf8').split('\n', 1)[0] ?? '');
          if (!readFileSync(AUDIT_FILE, 'utf8').includes(`"event.action":"${BINDINGS[binding].action}"`)) throw new MeasurementError(`${label}: the audit file has no ${BINDINGS[binding].action} event (first: ${JSON.stringify(first)})`);
        }
        if (config.mode === 'alloc') {
          push(`${binding}.added-bytes`, result.auditedBytesPerCall - result.plainBytesPerCall);
        } else {
          if (name === 'no-subscriber') {
            push(`${binding}.plain-ns`, result.plainNs);
            if (typeof result.controlNs !== 'number') throw new MeasurementError(`${label}: the driver took no control measurement`);
            push(`${binding}.control`, result.controlNs);
          }
          push(`${binding}.${name}`, result.addedNs);
        }
      }
    }
  }
  rmSync(AUDIT_FILE, { force: true });
  /** @type {import('./lib/results.mjs').Figure[]} */
  const figures = [];
  const get = (/** @type {string} */ key) => samples[key] ?? [];
  for (const binding of /** @type {const} */ (['cheap', 'forward'])) {
    const what = BINDINGS[binding].label;
    figures.push(figure(`runtime-call.${binding}.uninstrumented`, `${what}: uninstrumented call`, 'ns', get(`${binding}.plain-ns`)));
    figures.push(figure(`runtime-call.${binding}.no-subscriber`, `${what}: added by instrumentation, no subscriber`, 'ns', get(`${binding}.no-subscriber`)));
    figures.push(figure(`runtime-call.${binding}.control`, `${what}: A/A control, a second uninstrumented copy minus the first (the method's resolution)`, 'ns', get(`${binding}.control`)));
    figures.push(figure(`runtime-call.${binding}.no-subscriber-bytes`, `${what}: heap bytes added per call, no subscriber`, 'B', get(`${binding}.added-bytes`)));
    figures.push(figure(`runtime-call.${binding}.file-sink`, `${what}: added per call with an event to the JSONL file (amortised)`, 'µs', get(`${binding}.file-sink`).map((ns) => ns / 1000)));
    figures.push(figure(`runtime-call.${binding}.errors-only`, `${what}: added per call, sink on, kind in errors-only mode`, 'ns', get(`${binding}.errors-only`)));
  }
  notes.push(
    'Per call: the tsc and tspc builds of programs/calls.ts run in one process, alternating 7 timed rounds (ABBA order) after a warm-up; a sample is the median over rounds of (instrumented − uninstrumented) ns per call, one sample per process. Event-loop turns every 1,000 calls let the runtime drain, so serialisation and the file writes are inside the timed rounds.',
    '`forward`: the model (programs/shared.ts) is compiled by the same build, so one call of `model.forward` also passes through its three inner sites (two `Linear` forwards and `relu`, layer composition and tensor operations: errors-only by default, no event); the inference event is one per call.',
    'Every run checks the runtime counters: one event recorded and delivered per measured call with the file sink, none without a subscriber or in errors-only mode, nothing dropped, no sink failure; and the file holds events of the measured binding.',
    'A/A control: in the no-subscriber runs a second copy of the uninstrumented build, loaded as its own module instance (its own model), is timed in the same rounds; its difference from the first copy is what the method reports when nothing differs. An added cost within that spread is not resolved from noise.',
    'Allocation: heap bytes per call from `process.memoryUsage().heapUsed` before and after 2,000 calls, right after `gc()`, in windows where a `gc` PerformanceObserver saw no collection (16 MB semi-spaces); the figure is the instrumented build minus the uninstrumented one. A control that allocates one object per call must show ≥ 8 bytes, or the run fails. Timed rounds also start right after `gc()`.',
  );
  return figures;
});
