// Runs in a child process: loads the tsc build and a tspc build of programs/calls.ts side by side
// and alternates timed rounds between them, so their difference is measured in one process, one
// JIT and one machine state. Usage:
//   node --expose-gc [--min-semi-space-size=16 --max-semi-space-size=16] call-driver.mjs \
//     <plain dir> <audited dir> <cheap|forward> <iterations> <time|alloc|solo> [control]
// `solo` mode loads only the first build (the second argument is ignored, `-` by convention) and
// times it alone: for bindings whose cost depends on what else the process allocates (see
// runtime-call.mjs), builds are compared across processes instead.
// With `control`, time mode also runs a second, separately loaded copy of the uninstrumented
// build in the same rounds: the copy's difference from the first is what the method reads when
// nothing differs (its resolution), reported next to what instrumentation adds.
// Prints one JSON line. The runtime reads its configuration (MLX_AUDIT_*) when the audited build loads.
import { join } from 'node:path';
import { PerformanceObserver, performance } from 'node:perf_hooks';
import { setImmediate, setTimeout } from 'node:timers';
import { pathToFileURL } from 'node:url';

const [plainDir, auditedDir, bindingArgument, iterationsText, mode, controlArgument] = process.argv.slice(2);
const withControl = controlArgument === 'control';
if (plainDir === undefined || auditedDir === undefined || (bindingArgument !== 'cheap' && bindingArgument !== 'forward')) {
  throw new Error('usage: call-driver.mjs <plain dir> <audited dir> <cheap|forward> <iterations> <time|alloc>');
}
/** @type {'cheap' | 'forward'} */
const binding = bindingArgument;
const iterations = Number(iterationsText);
const ROUNDS = 7;
// Calls between event-loop turns: no more than the runtime drains per turn (1024), so a sink
// keeps up and nothing is dropped.
const BATCH = 1000;
const ALLOCATION_CALLS = 2000;

/** @typedef {{ cheap: () => void, forward: () => void, keptValue: () => unknown }} CallsModule */
/** @type {CallsModule} */
const plain = await import(pathToFileURL(join(plainDir, 'calls.js')).href);
const solo = mode === 'solo';
/** @type {CallsModule} */
const audited = solo ? plain : await import(pathToFileURL(join(auditedDir, 'calls.js')).href);
// Another URL is another module instance: its own model, closures and JIT feedback.
/** @type {CallsModule | undefined} */
const copy = withControl ? await import(`${pathToFileURL(join(plainDir, 'calls.js')).href}?control`) : undefined;
const runtime = await import('@mlx-audit/runtime');

function nextTurn() {
  return new Promise((resolve) => setImmediate(resolve));
}

/** @param {number[]} values */
function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? /** @type {number} */ (sorted[middle]) : (/** @type {number} */ (sorted[middle - 1]) + /** @type {number} */ (sorted[middle])) / 2;
}

/**
 * Nanoseconds per call over `calls` calls, event-loop turns (and so the runtime's drains:
 * serialisation and writes) included.
 * @param {() => void} target
 * @param {number} calls
 */
async function timed(target, calls) {
  // Every round starts from a collected heap: MLX arrays are native memory freed by finalizers,
  // and garbage left by the previous round would otherwise be collected during this one.
  /** @type {{ gc?: () => void }} */ (globalThis).gc?.();
  const started = process.hrtime.bigint();
  for (let done = 0; done < calls; done += BATCH) {
    const end = Math.min(calls, done + BATCH);
    for (let i = done; i < end; i++) target();
    await nextTurn();
  }
  return Number(process.hrtime.bigint() - started) / calls;
}

/** @param {() => void} target */
function heapWindow(target) {
  const from = performance.now();
  const before = process.memoryUsage().heapUsed;
  for (let i = 0; i < ALLOCATION_CALLS; i++) target();
  const after = process.memoryUsage().heapUsed;
  return { from, to: performance.now(), bytes: (after - before) / ALLOCATION_CALLS };
}

/**
 * Heap bytes per call: `heapUsed` before and after 2,000 calls, right after a full collection,
 * over windows in which no collection ran (checked with a `gc` PerformanceObserver). With 16 MB
 * semi-spaces the young generation holds a window's garbage, so what was allocated stays counted.
 */
async function allocation() {
  const gc = /** @type {{ gc?: () => void }} */ (globalThis).gc;
  if (gc === undefined) throw new Error('allocation mode needs --expose-gc');
  /** @type {number[]} */
  const collections = [];
  const observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) collections.push(entry.startTime);
  });
  observer.observe({ entryTypes: ['gc'] });
  /** @type {Record<'plain' | 'audited' | 'control', { from: number, to: number, bytes: number }[]>} */
  const windows = { plain: [], audited: [], control: [] };
  /** @type {unknown} */
  let control;
  const targets = /** @type {const} */ ([
    ['plain', plain[binding]],
    ['audited', audited[binding]],
    ['control', () => void (control = { binding })],
  ]);
  for (let round = 0; round < 15; round++) {
    for (const [name, target] of targets) {
      await nextTurn();
      gc();
      windows[name].push(heapWindow(target));
    }
  }
  if (control === undefined) throw new Error('the control did not run');
  // gc entries are delivered after the fact: let them arrive.
  await new Promise((resolve) => setTimeout(resolve, 100));
  observer.disconnect();
  /** @param {{ from: number, to: number, bytes: number }[]} list */
  const clean = (list) => list.filter((w) => !collections.some((time) => time >= w.from && time <= w.to)).map((w) => w.bytes);
  const plainBytes = clean(windows.plain);
  const auditedBytes = clean(windows.audited);
  const controlBytes = clean(windows.control);
  if (plainBytes.length < 5 || auditedBytes.length < 5 || controlBytes.length < 5) throw new Error(`too few windows without a garbage collection (${plainBytes.length}, ${auditedBytes.length}, ${controlBytes.length} of 15)`);
  // The control allocates one small object per call: the method must see it, or it sees nothing.
  if (median(controlBytes) < 8) throw new Error(`the allocation method missed the control's allocation (${median(controlBytes)} bytes per call)`);
  return { plainBytesPerCall: median(plainBytes), auditedBytesPerCall: median(auditedBytes), controlBytesPerCall: median(controlBytes) };
}

function counters() {
  runtime.flushAuditLog();
  const { recorded, dropped, delivered, sinkFailures } = runtime.auditStats();
  return { recorded, dropped, delivered, sinkFailures: { ...sinkFailures } };
}

// Warm-up: both builds' hot paths are compiled before anything is measured.
for (let round = 0; round < 2; round++) {
  await timed(plain[binding], Math.max(BATCH, Math.floor(iterations / 5)));
  await timed(audited[binding], Math.max(BATCH, Math.floor(iterations / 5)));
  if (copy !== undefined) await timed(copy[binding], Math.max(BATCH, Math.floor(iterations / 5)));
}
const before = counters();
/** @type {Record<string, unknown>} */
let result;
if (mode === 'alloc') {
  result = await allocation();
} else if (solo) {
  /** @type {number[]} */
  const soloNs = [];
  for (let round = 0; round < ROUNDS; round++) soloNs.push(await timed(plain[binding], iterations));
  result = { soloNs: median(soloNs), auditedCalls: ROUNDS * iterations };
} else {
  /** @type {number[]} */
  const plainNs = [];
  /** @type {number[]} */
  const auditedNs = [];
  /** @type {number[]} */
  const copyNs = [];
  /** @type {[number[], CallsModule][]} */
  const order = [[plainNs, plain], [auditedNs, audited], ...(copy === undefined ? [] : /** @type {[number[], CallsModule][]} */ ([[copyNs, copy]]))];
  for (let round = 0; round < ROUNDS; round++) {
    // Forwards then backwards (ABBA), so a drift of the machine weighs on every build alike.
    for (const [samples, build] of round % 2 === 0 ? order : [...order].reverse()) samples.push(await timed(build[binding], iterations));
  }
  const addedNs = auditedNs.map((ns, i) => ns - /** @type {number} */ (plainNs[i]));
  const controlNs = copyNs.map((ns, i) => ns - /** @type {number} */ (plainNs[i]));
  result = { plainNs: median(plainNs), auditedNs: median(auditedNs), addedNs: median(addedNs), auditedCalls: ROUNDS * iterations, ...(copy === undefined ? {} : { controlNs: median(controlNs) }) };
}
const after = counters();
if (plain.keptValue() === undefined || audited.keptValue() === undefined || (copy !== undefined && copy.keptValue() === undefined)) throw new Error('a build made no call');
process.stdout.write(`${JSON.stringify({ binding, mode, ...result, audit: { before, after } })}\n`);
