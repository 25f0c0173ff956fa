// End to end: a realistic inference loop (programs/inference-loop.ts: batching, forward, eval,
// decoding) built with tsc, and with tspc + the transformer run with the runtime's default
// settings (every event to stderr, here redirected to a file), alternating run by run.
import { closeSync, openSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { MeasurementError, lastJsonLine, runNode } from './lib/measure.mjs';
import { WORK_DIR } from './lib/paths.mjs';
import { buildPrograms } from './lib/programs.mjs';
import { figure, progress, runScenario } from './lib/results.mjs';
import { benchSettings } from './lib/settings.mjs';
import { paired } from './lib/stats.mjs';

const STDERR_FILE = join(WORK_DIR, 'end-to-end.stderr.jsonl');
// Every MLX_AUDIT_* variable removed: the runtime's defaults.
const DEFAULTS = { MLX_AUDIT_SINK: undefined, MLX_AUDIT_FILE: undefined, MLX_AUDIT_HMAC_KEY: undefined, MLX_AUDIT_PATHS: undefined, MLX_AUDIT_BUFFER_SIZE: undefined };
const EVENTS_PER_STEP = 3; // forward, eval and tolist publish an event per call by default
const STEPS_PER_BATCH = 8;

/**
 * @param {string} build
 * @param {number} batches
 * @param {string} label
 * @returns {{ ms: number, events: number }}
 */
function runLoop(build, batches, label) {
  const fd = openSync(STDERR_FILE, 'w');
  let run;
  try {
    run = runNode({ label, env: DEFAULTS, stderrFd: fd, args: [join(build, 'inference-loop.js'), String(batches)] });
  } finally {
    closeSync(fd);
  }
  /** @type {{ ms: number, tokens: number }} */
  const result = lastJsonLine(run, label);
  const stderr = readFileSync(STDERR_FILE, 'utf8');
  rmSync(STDERR_FILE);
  const events = stderr.split('\n').filter((line) => line.includes('"event.action"'));
  if (stderr.includes('mlx-audit.dropped')) throw new MeasurementError(`${label}: the runtime dropped events`);
  return { ms: result.ms, events: events.length };
}

await runScenario('end-to-end', async ({ quick }, notes) => {
  const settings = benchSettings(quick);
  const builds = { plain: buildPrograms('plain', null), audited: buildPrograms('default', {}) };
  /** @type {number[]} */
  const plainMs = [];
  /** @type {number[]} */
  const auditedMs = [];
  const batches = settings.endToEndBatches;
  let events = 0;
  for (let rep = 0; rep < settings.endToEndReps; rep++) {
    // Alternating which goes first, so a drift of the machine weighs on both alike.
    const order = rep % 2 === 0 ? /** @type {const} */ (['plain', 'audited']) : /** @type {const} */ (['audited', 'plain']);
    for (const name of order) {
      const label = `inference loop, ${name}, run ${rep + 1}`;
      progress(label);
      const result = runLoop(builds[name], batches, label);
      if (name === 'plain') {
        if (result.events !== 0) throw new MeasurementError(`${label}: the uninstrumented build wrote ${result.events} events`);
        plainMs.push(result.ms);
      } else {
        // The warm-up batch and the measured ones: at least this many events, or the runtime was not on.
        const expected = (batches + 1) * STEPS_PER_BATCH * EVENTS_PER_STEP;
        if (result.events < expected) throw new MeasurementError(`${label}: ${result.events} events on stderr, expected at least ${expected}`);
        events = result.events;
        auditedMs.push(result.ms);
      }
    }
  }
  notes.push(
    `The loop: ${batches} batches of 8 prompts, 8 greedy decoding steps each (tokenize, \`forward\`, \`argmax\`, \`eval\`, \`tolist\`, decode), after one warm-up batch; time measured inside the process around the loop. Instrumented with the transformer's defaults and no MLX_AUDIT_* variable: ${events} events per run to stderr (redirected to a file).`,
  );
  return [
    figure('end-to-end.uninstrumented', `Inference loop, ${batches} batches: uninstrumented`, 's', plainMs.map((ms) => ms / 1000)),
    figure('end-to-end.instrumented', `Inference loop, ${batches} batches: instrumented, default settings`, 's', auditedMs.map((ms) => ms / 1000)),
    figure('end-to-end.ratio', 'Inference loop: instrumented ÷ uninstrumented', '×', paired(auditedMs, plainMs, (a, b) => a / b)),
  ];
});
