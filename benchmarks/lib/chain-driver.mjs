// Runs in a child process: what the file sink's chain and seals cost per line, measured directly.
// Three writers take the same batches of real event lines (1,024 lines, a drain's worth) in
// alternating rounds, in one process:
//   plain    the file sink's write as it was before the trail: the lines joined a group at a
//            time into one buffer (the runtime's own LineBuffer and forEachJoin), written once
//            per batch, with the fstat and lstat the sink makes per batch;
//   chained  the runtime's file sink on this thread (`fileSinkOnThisThread`: the class the
//            writer thread runs), which chains every line, no seal key;
//   sealed   another one, sealed (`configure({ seal })`, a seal every 1,000 lines).
// This is the chain's and the seals' CPU cost, wherever it is paid: in the runtime as configured,
// on the file sink's writer thread (the sink scenario measures what the application's thread pays).
// Usage:
//   node --expose-gc chain-driver.mjs <lines.jsonl> <lines per round> <rounds> <work dir> <seal state file>
// Prints one JSON line: the medians over rounds of each writer's ns per line (`ns`) and of the
// paired differences, and what the files hold.
import { readFileSync, truncateSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { configure } from '@mlx-audit/runtime';
import { PlainFile, RUNTIME_DIST } from './plain-file.mjs';
import { medianDifferences, medians } from './stats.mjs';

const [linesFile, linesText, roundsText, workDir, sealKeyFile] = process.argv.slice(2);
if (linesFile === undefined || workDir === undefined || sealKeyFile === undefined) {
  throw new Error('usage: chain-driver.mjs <lines.jsonl> <lines per round> <rounds> <work dir> <seal state file>');
}
const linesPerRound = Number(linesText);
const rounds = Number(roundsText);
const BATCH = 1024; // the lines the runtime drains into one batch (pipeline.ts, DRAIN_STEP)
const WARM_UP_ROUNDS = 2;

/** @type {{ fileSinkOnThisThread(options: { path: string, maxBytes?: number }): import('@mlx-audit/runtime').AuditSink }} */
const { fileSinkOnThisThread } = await import(pathToFileURL(join(RUNTIME_DIST, 'sinks', 'file.js')).href);

/** @typedef {{ write(batch: { readonly lines: readonly string[] }): void }} Writer */

const source = readFileSync(linesFile, 'utf8').split('\n').filter((line) => line !== '').map((line) => `${line}\n`);
if (source.length === 0) throw new Error(`${linesFile} holds no lines`);
/** @type {string[][]} */
const batches = [];
for (let done = 0; done < linesPerRound; done += BATCH) {
  batches.push(Array.from({ length: Math.min(BATCH, linesPerRound - done) }, (_, i) => /** @type {string} */ (source[(done + i) % source.length])));
}

const files = { plain: join(workDir, 'plain.jsonl'), chained: join(workDir, 'chained.jsonl'), sealed: join(workDir, 'sealed.jsonl') };
// On this thread: the chain's and the seals' own cost, which the writer thread pays in the
// runtime as configured (the sink scenario measures what is left on the application's thread).
const sealed = fileSinkOnThisThread({ path: files.sealed, maxBytes: 2 ** 40 });
// The configuration seals its one file sink; nothing records events, so only these writes reach it.
configure({ sinks: [sealed], exitHooks: false, seal: { keyFile: sealKeyFile } });
/** @type {Record<keyof typeof files, Writer>} */
const writers = { plain: new PlainFile(files.plain), chained: fileSinkOnThisThread({ path: files.chained, maxBytes: 2 ** 40 }), sealed };
const NAMES = /** @type {const} */ (['plain', 'chained', 'sealed']);
// The sinks open their files on their first batch (and write the record that opens the stream).
for (const name of NAMES) writers[name].write({ lines: [] });

/**
 * Nanoseconds per line for one round of one writer, from an empty file (truncated in place:
 * the sink finds the same file at its path and carries on from its size).
 * @param {keyof typeof files} name
 */
function round(name) {
  truncateSync(files[name], 0);
  /** @type {{ gc?: () => void }} */ (globalThis).gc?.();
  const writer = writers[name];
  const started = process.hrtime.bigint();
  for (const lines of batches) writer.write({ lines });
  return Number(process.hrtime.bigint() - started) / linesPerRound;
}

/** @type {Record<keyof typeof files, number[]>} */
const ns = { plain: [], chained: [], sealed: [] };
for (let index = 0; index < WARM_UP_ROUNDS + rounds; index++) {
  // Forwards then backwards (ABBA), so a drift of the machine weighs on every writer alike.
  for (const name of index % 2 === 0 ? NAMES : [...NAMES].reverse()) {
    const value = round(name);
    if (index >= WARM_UP_ROUNDS) ns[name].push(value);
  }
}

/** What each file holds after the last round: every line chained, and seals in the sealed one. */
function contents(/** @type {string} */ file) {
  const lines = readFileSync(file, 'utf8').split('\n').filter((line) => line !== '');
  return {
    lines: lines.length,
    bytes: lines.reduce((sum, line) => sum + line.length + 1, 0),
    chained: lines.filter((line) => /,"trail\.line":\d+,"event\.hash":"[0-9a-f]{64}"\}$/.test(line)).length,
    seals: lines.filter((line) => line.includes('"event.action":"mlx-audit.seal"')).length,
  };
}

process.stdout.write(
  `${JSON.stringify({
    ns: medians(ns),
    ...medianDifferences(ns, { chainNs: ['chained', 'plain'], chainAndSealsNs: ['sealed', 'plain'], sealsNs: ['sealed', 'chained'] }),
    files: { plain: contents(files.plain), chained: contents(files.chained), sealed: contents(files.sealed) },
  })}\n`,
);
