import { spawn, type ChildProcess } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { evolveKey, sealMac, sha256Hex, streamSeed, TRAIL_ACTIONS } from '../../src/trail/format.js';
import { INSTRUMENT_URL, PACKAGE_ROOT } from '../support/child-script.js';

// Trails written by an instrumented program on real MLX, and what an attacker does to them.

/** A scratch directory only its owner can enter (the file sink refuses one others can write). */
export function privateDirectory(prefix: string): string {
  const directory = mkdtempSync(join(tmpdir(), prefix));
  return directory;
}

export function subdirectory(parent: string, name: string): string {
  const path = join(parent, name);
  mkdirSync(path, { mode: 0o700 });
  return path;
}

/**
 * An application as the transformer emits it (tests/__snapshots__/emit of the transformer): a
 * site per call site, each MLX call behind `site.channel.hasSubscribers`, on the real
 * `@frost-beta/mlx`. It makes `steps` rounds of tensor creation, a matmul, an evaluation, and
 * every tenth round a save and a load of safetensors; it yields to the event loop every few
 * rounds, so events reach the file in many batches. With `ready`, it prints `ready` after that
 * many rounds and goes on until it is killed.
 */
export function instrumentedProgram(options: { readonly steps: number; readonly weights: string; readonly ready?: number }): string {
  const mlxRequire = JSON.stringify(pathToFileURL(join(PACKAGE_ROOT, 'package.json')).href);
  return `import * as __mlxa_1 from ${JSON.stringify(INSTRUMENT_URL)};
import { createRequire } from 'node:module';
const mx = createRequire(${mlxRequire})('@frost-beta/mlx').core;
const descriptor = { mode: 'event', file: 'src/serve.ts', column: 5, fn: 'serve', receiver: 'other' };
const ones = __mlxa_1.site({ ...descriptor, id: 'core.ones', kind: 'tensor-creation', line: 3, callee: 'mx.ones', args: ['shape'] });
const normal = __mlxa_1.site({ ...descriptor, id: 'core.random.normal', kind: 'tensor-creation', line: 4, callee: 'mx.random.normal', args: ['shape'] });
const matmul = __mlxa_1.site({ ...descriptor, id: 'core.matmul', kind: 'tensor-operation', line: 5, callee: 'mx.matmul', args: ['tensor', 'tensor'] });
const evaluate = __mlxa_1.site({ ...descriptor, id: 'core.eval', kind: 'evaluation', line: 6, callee: 'mx.eval', args: ['spread'] });
const save = __mlxa_1.site({ ...descriptor, id: 'core.saveSafetensors', kind: 'model-save', line: 7, callee: 'mx.saveSafetensors', args: ['path', 'weights'] });
const load = __mlxa_1.site({ ...descriptor, id: 'core.load', kind: 'model-load', line: 8, callee: 'mx.load', args: ['path'] });
// What the transformer writes around each call, as a function.
const emitted = (site, receiver, fn, args) =>
  site.channel.hasSubscribers || typeof fn !== 'function' ? __mlxa_1.call(site, receiver, fn, args) : __mlxa_1.invoke(fn, receiver, ...args);
const weights = ${JSON.stringify(options.weights)};
for (let step = 0; ${options.ready === undefined ? `step < ${options.steps}` : 'true'}; step++) {
  const x = emitted(ones, mx, mx.ones, [[2, 8]]);
  const w = emitted(normal, mx.random, mx.random.normal, [[8, 4]]);
  const y = emitted(matmul, mx, mx.matmul, [x, w]);
  emitted(evaluate, mx, mx.eval, [y]);
  if (step % 10 === 0) {
    emitted(save, mx, mx.saveSafetensors, [weights, { w }]);
    emitted(load, mx, mx.load, [weights]);
  }
  if (step % 3 === 2) await new Promise((resolve) => setImmediate(resolve));
  if (step === ${String(options.ready ?? -1)}) process.stdout.write('ready\\n');
}
`;
}

export interface Run {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs a script with the variables given (and nothing of the test's own MLX_AUDIT_*); `kill` is sent once it prints `ready`. */
export function runScript(path: string, env: Readonly<Record<string, string>>, kill?: NodeJS.Signals): Promise<Run> {
  const child: ChildProcess = spawn(process.execPath, [path], { env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
    if (kill !== undefined && stdout.includes('ready\n')) child.kill(kill);
  });
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
  return new Promise((resolve) => {
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

/** The files of a trail directory, oldest first (`audit.jsonl.N` … `audit.jsonl`). */
export function trailFilesIn(directory: string, base = 'audit.jsonl'): string[] {
  const rotated = readdirSync(directory)
    .map((name) => /^audit\.jsonl\.(\d+)$/.exec(name)?.[1])
    .filter((index): index is string => index !== undefined)
    .map(Number)
    .sort((a, b) => b - a);
  return [...rotated.map((index) => join(directory, `${base}.${String(index)}`)), join(directory, base)];
}

/** A copy of a trail directory to tamper with. */
export function copyTrail(from: string, to: string): string {
  cpSync(from, to, { recursive: true });
  return to;
}

/** A file's lines, without their newlines (the last, empty piece after the final newline left out). */
export function linesOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return (text.endsWith('\n') ? text.slice(0, -1) : text).split('\n');
}

export function writeLines(file: string, lines: readonly string[]): void {
  writeFileSync(file, lines.map((line) => `${line}\n`).join(''));
}

export function fieldsOf(line: string): Record<string, unknown> {
  return JSON.parse(line) as Record<string, unknown>;
}

export function actionOf(line: string): unknown {
  return fieldsOf(line)['event.action'];
}

/** 1-based line numbers, in a file, of the lines an predicate picks. */
export function linesWhere(file: string, pick: (fields: Record<string, unknown>) => boolean): number[] {
  return linesOf(file).flatMap((line, index) => (pick(fieldsOf(line)) ? [index + 1] : []));
}

const SUFFIX = /,"event\.hash":"[0-9a-f]{64}"\}$/;

/** What an attacker gives a seal when recomputing it: the epoch it claims and the key it uses. */
export interface Reseal {
  readonly epoch: (original: number) => number;
  readonly key: (epoch: number) => Buffer;
}

/**
 * Recomputes the chain of a trail after an edit, as anyone without the key can: every line's
 * number and hash, every opened record's previous line and hash, every seal's range. A seal whose
 * chain value changed is given the new value, and a new MAC when `reseal` says how (the
 * attacker's key); without it, its MAC stays. An untouched trail comes out byte for byte.
 */
export function rechain(files: readonly string[], options: { readonly reseal?: Reseal } = {}): void {
  let head = '';
  let number = 0;
  let sealedThrough = 0;
  let nextEpoch: number | undefined;
  for (const file of files) {
    const out: string[] = [];
    for (const line of linesOf(file)) {
      const fields = fieldsOf(line);
      let body = line.replace(SUFFIX, '').replace(/"trail\.line":\d+$/, `"trail.line":${String(number + 1)}`);
      if (fields['event.action'] === TRAIL_ACTIONS.fileOpened) {
        if (fields['trail.file.index'] === 0) {
          head = streamSeed(String(fields['trail.stream']));
          number = 0;
          sealedThrough = 0;
          body = body.replace(/"trail\.line":\d+$/, '"trail.line":1');
        } else {
          body = body.replace(/"trail\.previous\.hash":"[0-9a-f]{64}"/, `"trail.previous.hash":"${head}"`).replace(/"trail\.previous\.line":\d+/, `"trail.previous.line":${String(number)}`);
        }
        if (nextEpoch !== undefined) body = body.replace(/"trail\.seal\.epoch":\d+/, `"trail.seal.epoch":${String(nextEpoch)}`);
      }
      if (fields['event.action'] === TRAIL_ACTIONS.seal) {
        const [from, to] = [sealedThrough + 1, number];
        sealedThrough = to;
        if (fields['trail.seal.head'] !== head || fields['trail.seal.from'] !== from || fields['trail.seal.to'] !== to) {
          body = body
            .replace(/"trail\.seal\.head":"[0-9a-f]{64}"/, `"trail.seal.head":"${head}"`)
            .replace(/"trail\.seal\.from":\d+/, `"trail.seal.from":${String(from)}`)
            .replace(/"trail\.seal\.to":\d+/, `"trail.seal.to":${String(to)}`);
          const reseal = options.reseal;
          if (reseal !== undefined) {
            const epoch = nextEpoch ?? reseal.epoch(Number(fields['trail.seal.epoch']));
            const mac = sealMac(reseal.key(epoch), { stream: String(fields['trail.stream']), epoch, from, to, head });
            body = body.replace(/"trail\.seal\.epoch":\d+/, `"trail.seal.epoch":${String(epoch)}`).replace(/"trail\.seal\.mac":"[0-9a-f]{64}"/, `"trail.seal.mac":"${mac}"`);
            nextEpoch = epoch + 1;
          }
        }
      }
      number++;
      head = sha256Hex(head + body);
      out.push(`${body},"event.hash":"${head}"}`);
    }
    writeLines(file, out);
  }
}

/** The key of an epoch, from the initial key: what whoever holds the state file at that epoch has. */
export function keyOfEpoch(initial: Buffer, epoch: number): Buffer {
  let key = initial;
  for (let index = 0; index < epoch; index++) key = evolveKey(key);
  return key;
}

export function remove(path: string): void {
  rmSync(path, { recursive: true, force: true });
}
