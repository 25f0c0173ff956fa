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

/** The uninstrumented build timed alone (forward): no runtime configured, no event expected. */
/** @type {CallConfig} */
const PLAIN = { label: 'uninstrumented', build: 'default', env: {}, mode: 'time', events: 'none' };

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
  /**
   * One driver process, its counters and audit file checked.
   * @param {string} label
   * @param {CallConfig} config
   * @param {string[]} args the driver's arguments
   */
  const drive = (label, config, args) => {
    progress(label);
    rmSync(AUDIT_FILE, { force: true });
    const gcFlags = config.mode === 'alloc' ? ['--expose-gc', '--min-semi-space-size=16', '--max-semi-space-size=16'] : ['--expose-gc'];
    const result = lastJsonLine(runNode({ label, env: config.env, args: [...gcFlags, DRIVER, ...args] }), label);
    checkCounters(config, result, label);
    if (config.events === 'every-call') {
      if (!existsSync(AUDIT_FILE)) throw new MeasurementError(`${label}: no audit file was written`);
      const action = BINDINGS[/** @type {'cheap' | 'forward'} */ (args[2])].action;
      const first = JSON.parse(readFileSync(AUDIT_FILE, 'utf8').split('\n', 1)[0] ?? '');
      if (!readFileSync(AUDIT_FILE, 'utf8').includes(`"event.action":"${action}"`)) throw new MeasurementError(`${label}: the audit file has no ${action} event (first: ${JSON.stringify(first)})`);
    }
    return result;
  };
  for (let rep = 0; rep < settings.callReps; rep++) {
    for (const binding of /** @type {const} */ (['cheap', 'forward'])) {
      // The forward pass costs ~100 times the scalar read: fewer iterations keep its rounds comparable in length.
      const iterations = binding === 'forward' ? Math.max(1000, Math.floor(settings.callIterations / 50)) : settings.callIterations;
      if (binding === 'forward') {
        // Each build alone in its own process (see the notes): plain, the three configurations,
        // and a second plain process as the A/A control; reversed every other repetition.
        /** @type {[string, string, CallConfig][]} */
        const solos = [
          ['plain', builds.plain, PLAIN],
          ...['no-subscriber', 'file-sink', 'errors-only'].map((name) => /** @type {[string, string, CallConfig]} */ ([name, builds[/** @type {CallConfig} */ (CONFIGS[name]).build], /** @type {CallConfig} */ (CONFIGS[name])])),
          ['control', builds.plain, PLAIN],
        ];
        /** @type {Record<string, number>} */
        const ns = {};
        for (const [name, dir, config] of rep % 2 === 0 ? solos : [...solos].reverse()) {
          ns[name] = drive(`${binding} call, ${name}, alone in a process, run ${rep + 1}`, config, [dir, '-', binding, String(iterations), 'solo']).soloNs;
        }
        const plainNs = /** @type {number} */ (ns.plain);
        push(`${binding}.plain-ns`, plainNs);
        for (const name of ['no-subscriber', 'file-sink', 'errors-only', 'control']) push(`${binding}.${name}`, /** @type {number} */ (ns[name]) - plainNs);
        const allocation = /** @type {CallConfig} */ (CONFIGS.allocation);
        const result = drive(`${binding} call, allocation, run ${rep + 1}`, allocation, [builds.plain, builds[allocation.build], binding, String(iterations), 'alloc']);
        push(`${binding}.added-bytes`, result.auditedBytesPerCall - result.plainBytesPerCall);
        continue;
      }
      for (const [name, config] of Object.entries(CONFIGS)) {
        // The no-subscriber runs also time a second uninstrumented copy: the A/A control.
        const control = name === 'no-subscriber' ? ['control'] : [];
        const label = `${binding} call, ${name}, run ${rep + 1}`;
        const result = drive(label, config, [builds.plain, builds[config.build], binding, String(iterations), config.mode, ...control]);
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
    '`item()`: the tsc and tspc builds of programs/calls.ts run in one process, alternating 7 timed rounds (ABBA order) after a warm-up; a sample is the median over rounds of (instrumented − uninstrumented) ns per call, one sample per process. Event-loop turns every 1,000 calls let the runtime drain, so serialisation and the file writes are inside the timed rounds.',
    '`forward`: each build runs alone in its own process (7 rounds after a warm-up, median per process), in the order plain, the three configurations, plain again (reversed every other repetition); a sample is a configuration minus the plain process of its repetition. In one process the two builds bias each other: a forward pass leaves MLX arrays whose native memory is freed by finalizers when the garbage collector runs, and the build that allocates more JavaScript (the instrumented one) triggers the collections that free the other build\'s arrays too (measured here: the uninstrumented build ran at ~20 µs per call beside the instrumented one and ~50 µs alone).',
    '`forward`: the model (programs/shared.ts) is compiled by the same build, so one call of `model.forward` also passes through its three inner sites (two `Linear` forwards and `relu`, layer composition and tensor operations: errors-only by default, no event); the inference event is one per call.',
    'Every run checks the runtime counters: one event recorded and delivered per measured call with the file sink, none without a subscriber or in errors-only mode, nothing dropped, no sink failure; and the file holds events of the measured binding.',
    'A/A control: for `item()`, the no-subscriber runs also time a second copy of the uninstrumented build, loaded as its own module instance, in the same rounds; for `forward`, a second plain process. Its difference from the first copy is what the method reports when nothing differs: an added cost within that spread is not resolved from noise.',
    'Allocation: heap bytes per call from `process.memoryUsage().heapUsed` before and after 2,000 calls, right after `gc()`, in windows where a `gc` PerformanceObserver saw no collection (16 MB semi-spaces); the figure is the instrumented build minus the uninstrumented one. A control that allocates one object per call must show ≥ 8 bytes, or the run fails. Timed rounds also start right after `gc()`.',
  );
  return figures;
});
