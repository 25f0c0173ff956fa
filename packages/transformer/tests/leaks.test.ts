import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import * as ts from 'typescript';
import { afterAll, describe, expect, it } from 'vitest';
import { compile } from './compile.js';

// Issue #11, end to end: a program built with the transformer, its user entries' roles inferred
// by the catalogue, run on real MLX with the default stderr sink. Finding 1 as it was observed
// (token ids, an applicant's age, income and decision logged as they are), then a seeded
// property: markers in every parameter and result of user entries and in the MLX calls that
// take text as keys or URLs never reach the trail.

const PROGRAM = `import { core as mx } from '@frost-beta/mlx';
export function generateIds(ids: number[], maxTokens: number): number[] { return ids.slice(0, maxTokens); }
export function scoreApplicant(age: number, income: number, approved: boolean): number { return approved ? income / age : 0; }
export function fetchWeights(url: string): string { return url.length > 0 ? 'ok' : 'empty'; }
export class Classifier {
  predict(prompt: string, weights: Map<string, number>): string { return 'label ' + prompt + String(weights.size); }
}

interface Markers { text: string; user: string; token: string; directory: string; number: number; integer: number }

export function run(all: Markers[]): void {
  const classifier = new Classifier();
  for (const m of all) {
    generateIds([m.integer, m.integer + 1, 1996], 2);
    scoreApplicant(m.number, m.number + 1, true);
    fetchWeights('https://' + m.user + ':' + m.token + '@models.example/w/m.safetensors?X-Amz-Signature=' + m.token);
    classifier.predict('my SSN is ' + m.text, new Map([[m.text, m.number]]));
    mx.eval({ [m.text]: mx.full([1], 1) });
    mx.eval([[m.text, mx.full([1], 2)]] as any);
    try { mx.load('https://' + m.user + ':' + m.token + '@models.example/m.safetensors?sig=' + m.token); } catch { /* MLX refuses URLs */ }
    try { mx.load('/srv/' + m.directory + '/m.safetensors'); } catch { /* absent */ }
  }
}
`;

const ENTRIES = [
  { module: './main.ts', name: 'generateIds', kind: 'inference', roles: { maxTokens: 'option' } },
  { module: './main.ts', name: 'scoreApplicant', kind: 'inference' },
  { module: './main.ts', name: 'fetchWeights', kind: 'model-load' },
  { module: './main.ts', name: 'Classifier#predict', kind: 'inference' },
];

const directory = join(fileURLToPath(new URL('.', import.meta.url)), '.leaks');

interface Markers {
  readonly text: string;
  readonly user: string;
  readonly token: string;
  /** A directory of a path: shown by design under \`paths: 'full'\`, never otherwise. */
  readonly directory: string;
  readonly number: number;
  readonly integer: number;
}

function runBuilt(markers: readonly Markers[], env: Record<string, string> = {}): { status: number | null; stderr: string; events: Record<string, unknown>[] } {
  const driver = join(directory, 'driver.mjs');
  writeFileSync(driver, `import { run } from './main.js';\nrun(JSON.parse(process.argv[2]));\n`);
  const child = spawnSync(process.execPath, [driver, JSON.stringify(markers)], { encoding: 'utf8', env: { ...process.env, MLX_AUDIT_SINK: 'stderr', ...env }, timeout: 120_000 });
  const events = child.stderr
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
  return { status: child.status, stderr: child.stderr, events };
}

describe('what a program built with the transformer writes of its user entries', () => {
  mkdirSync(directory, { recursive: true });
  writeFileSync(join(directory, 'package.json'), JSON.stringify({ type: 'module' }));
  const built = compile({ 'main.ts': PROGRAM }, { config: { entries: ENTRIES } });
  writeFileSync(join(directory, 'main.js'), built.js['main.js'] ?? '');
  afterAll(() => {
    rmSync(directory, { recursive: true, force: true });
  });

  it('builds with no diagnostics', () => {
    expect(built.diagnostics.map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'))).toEqual([]);
  });

  it('1: shows no token id, age, income or decision, only the option the entry declares', () => {
    const { status, events } = runBuilt([{ text: 'MKfirst000000', user: 'MKuser', token: 'MKtoken', directory: 'MKdirectory', number: 47, integer: 101 }]);
    expect(status).toBe(0);
    const byAction = new Map(events.map((event) => [event['event.action'], event]));
    expect(byAction.get('./main.ts:generateIds')?.['mlx.args']).toEqual([{ type: 'array', length: 3 }, 2]);
    expect(byAction.get('./main.ts:generateIds')?.['mlx.result']).toEqual({ type: 'array', length: 2 });
    expect(byAction.get('./main.ts:scoreApplicant')?.['mlx.args']).toEqual([{ type: 'number' }, { type: 'number' }, { type: 'boolean' }]);
    expect(byAction.get('./main.ts:scoreApplicant')?.['mlx.result']).toEqual({ type: 'number' });
  });

  it('never writes a marker planted in a user entry or in MLX calls taking text keys and URLs (seeded)', () => {
    const markers = fc.sample(
      fc.record({
        text: fc.stringMatching(/^MK[A-Za-z0-9]{12}$/),
        user: fc.stringMatching(/^MU[A-Za-z0-9]{12}$/),
        token: fc.stringMatching(/^MT[A-Za-z0-9]{12}$/),
        directory: fc.stringMatching(/^MD[A-Za-z0-9]{12}$/),
        number: fc.integer({ min: 100_000, max: 999_999 }).map((integer) => integer + 0.375),
        integer: fc.integer({ min: 100_000_000, max: 999_999_999 }),
      }),
      { seed: 0x11_2026, numRuns: 40 },
    );
    for (const paths of ['full', 'basename', 'hash']) {
      for (const key of [undefined, 'leak-test-key-0123456789abcdef0123']) {
        const { status, stderr, events } = runBuilt(markers, { MLX_AUDIT_PATHS: paths, ...(key === undefined ? {} : { MLX_AUDIT_HMAC_KEY: key }) });
        expect(status).toBe(0);
        expect(events.length).toBeGreaterThanOrEqual(markers.length * 8);
        for (const m of markers) {
          const directories = paths === 'full' ? [] : [m.directory];
          for (const planted of [m.text, m.user, m.token, String(m.number), String(m.integer), String(m.integer + 1), ...directories]) {
            expect(stderr.includes(planted), `${planted} in the trail (paths ${paths}, key ${String(key !== undefined)})`).toBe(false);
          }
        }
      }
    }
  });
});
