// Runs in a child process: loads the tsc build and a tspc build of programs/load.ts side by side,
// plus a second copy of the tsc build (the A/A control), and alternates timed loads of one weights
// file between them. Before every load the file is touched, so it is a new version to the runtime
// (its hash cache goes by device, inode, size and times) and the instrumented load hashes it again;
// after every load the driver waits until the runtime has hashed what is pending
// (`modelHashingIdle()`), so no background hash overlaps the next timed call. Each instrumented
// load is followed by a second one of the same version, whose hash the runtime has cached: the
// same call and event with nothing to hash. Usage:
//   MLX_AUDIT_SINK=file MLX_AUDIT_FILE=<file> node --expose-gc load-driver.mjs <plain dir> <audited dir> <weights file> <rounds>
// Prints one JSON line: the medians over rounds of the load call's milliseconds per build, of the
// paired differences and of the background hash's; the runtime's counters.
import { utimesSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setImmediate } from 'node:timers';
import { pathToFileURL } from 'node:url';
import { auditStats, flushAuditLog, modelHashingIdle } from '@mlx-audit/runtime';
import { median, medianDifferences, medians } from './stats.mjs';

const [plainDir, auditedDir, weightsFile, roundsText] = process.argv.slice(2);
if (plainDir === undefined || auditedDir === undefined || weightsFile === undefined) throw new Error('usage: load-driver.mjs <plain dir> <audited dir> <weights file> <rounds>');
const file = weightsFile;
const rounds = Number(roundsText);
const WARM_UP_ROUNDS = 2;

/** @typedef {{ timedLoad: (path: string) => number, keptValue: () => unknown }} LoadModule */
/** @type {LoadModule} */
const plain = await import(pathToFileURL(join(plainDir, 'load.js')).href);
/** @type {LoadModule} */
const audited = await import(pathToFileURL(join(auditedDir, 'load.js')).href);
// Another URL is another module instance: its own closures and JIT feedback.
/** @type {LoadModule} */
const control = await import(`${pathToFileURL(join(plainDir, 'load.js')).href}?control`);
const builds = /** @type {const} */ ([
  ['plain', plain],
  ['audited', audited],
  ['control', control],
]);

function nextTurn() {
  return new Promise((resolve) => setImmediate(resolve));
}

// Each touch sets another modification time (and the kernel a new change time).
const touchedFrom = Date.now() - 3_600_000;
let touches = 0;

/**
 * One timed load of a version of the file the runtime has not seen, then the wait for its hash.
 * @param {LoadModule} build
 */
async function freshLoad(build) {
  const time = new Date(touchedFrom + ++touches * 1000);
  utimesSync(file, time, time);
  return timedLoad(build);
}

/** @param {LoadModule} build */
async function timedLoad(build) {
  /** @type {{ gc?: () => void }} */ (globalThis).gc?.();
  await nextTurn();
  const ms = build.timedLoad(file);
  const started = performance.now();
  await modelHashingIdle();
  return { ms, hashMs: performance.now() - started };
}

/** @type {Record<'plain' | 'audited' | 'cached' | 'control', number[]>} */
const ms = { plain: [], audited: [], cached: [], control: [] };
/** @type {number[]} */
const hashMs = [];
let auditedLoads = 0;
for (let round = 0; round < WARM_UP_ROUNDS + rounds; round++) {
  // Forwards then backwards (ABBA), so a drift of the machine weighs on every build alike.
  for (const [name, build] of round % 2 === 0 ? builds : [...builds].reverse()) {
    const result = await freshLoad(build);
    if (build !== audited) {
      if (round >= WARM_UP_ROUNDS) ms[name].push(result.ms);
      continue;
    }
    // The same version again: its hash is cached, so the runtime has nothing to hash.
    const cached = await timedLoad(build);
    auditedLoads += 2;
    if (round < WARM_UP_ROUNDS) continue;
    ms.audited.push(result.ms);
    ms.cached.push(cached.ms);
    hashMs.push(result.hashMs);
  }
}
flushAuditLog();
if (plain.keptValue() === undefined || audited.keptValue() === undefined || control.keptValue() === undefined) throw new Error('a build made no load');

const { recorded, dropped, delivered, sinkFailures } = auditStats();
process.stdout.write(
  `${JSON.stringify({
    ms: medians(ms),
    ...medianDifferences(ms, { addedMs: ['audited', 'plain'], controlMs: ['control', 'plain'], uncachedMinusCachedMs: ['audited', 'cached'] }),
    hashMs: median(hashMs),
    auditedLoads,
    audit: { recorded, dropped, delivered, sinkFailures },
  })}\n`,
);
