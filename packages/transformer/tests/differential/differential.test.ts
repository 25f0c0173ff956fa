import { spawn } from 'node:child_process';
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CORPUS_PROJECTS, CORPUS_ROOT, type CorpusBuild, type CorpusProject } from './projects.js';

// The differential corpus: hundreds of small programs, one per call form, run on real MLX (CPU)
// built with plain tsc and with tspc + the transformer, with the audit sink on and off. Every case
// must print the same value or throw the same error in every build: instrumentation must not
// change behaviour. Each project is built once per variant and each build run once.

const require = createRequire(import.meta.url);
const TSC = require.resolve('typescript/bin/tsc');
// ts-patch exports no subpaths: its `tspc` bin sits beside its package.json.
const TSPC = join(dirname(require.resolve('ts-patch/package.json')), 'bin', 'tspc.js');

// Builds go to a folder of this test run (under each project, so that its package.json and
// node_modules apply): two runs of this file at once do not overwrite each other's output.
const RUN_FOLDER = join('dist', `run-${process.pid}-${Date.now()}`);

interface Result {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

function execute(args: string[], options: { cwd: string; env?: Record<string, string> }): Promise<Result> {
  return new Promise((resolve, reject) => {
    // Only our settings of the runtime apply, whatever the environment of the test run says.
    const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('MLX_AUDIT_')));
    // A hung build or run is killed (status null) well before the hook's timeout, so the tests report what it printed.
    const child = spawn(process.execPath, args, { cwd: options.cwd, env: { ...env, ...options.env }, timeout: 90_000 });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (status) => {
      resolve({ status, stdout, stderr });
    });
  });
}

/** Runs the tasks two at a time: the machine has two cores. */
async function inPairs<T>(tasks: (() => Promise<T>)[]): Promise<T[]> {
  const results: T[] = new Array<T>(tasks.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < tasks.length) {
      const index = next++;
      const task = tasks[index];
      if (task !== undefined) results[index] = await task();
    }
  };
  await Promise.all([worker(), worker()]);
  return results;
}

/** How each build is run: the plain one, the instrumented ones with the stderr sink, one with the sink off. */
const RUNS = [
  { run: 'plain', build: 'plain', env: {} },
  { run: 'audited, MLX_AUDIT_SINK=stderr', build: 'audited', env: { MLX_AUDIT_SINK: 'stderr' } },
  { run: 'audited, MLX_AUDIT_SINK=off', build: 'audited', env: { MLX_AUDIT_SINK: 'off' } },
  { run: 'defaults, MLX_AUDIT_SINK=stderr', build: 'defaults', env: { MLX_AUDIT_SINK: 'stderr' } },
] as const satisfies readonly { run: string; build: CorpusBuild; env: Record<string, string> }[];
type RunName = (typeof RUNS)[number]['run'];

interface CaseLine {
  readonly case: string;
  readonly value?: unknown;
  readonly threw?: unknown;
}

interface Document {
  readonly cases: CaseLine[];
  readonly total: number | undefined;
  /** Lines that are neither a case nor the total: a crash or stray output. */
  readonly other: string[];
}

function parseDocument(stdout: string): Document {
  const cases: CaseLine[] = [];
  const other: string[] = [];
  let total: number | undefined;
  for (const line of stdout.split('\n')) {
    if (line === '') continue;
    let parsed: unknown;
    try {
      parsed = JSON.parse(line);
    } catch {
      other.push(line);
      continue;
    }
    if (typeof parsed === 'object' && parsed !== null && 'case' in parsed) cases.push(parsed as CaseLine);
    else if (typeof parsed === 'object' && parsed !== null && 'total' in parsed && typeof parsed.total === 'number') total = parsed.total;
    else other.push(line);
  }
  return { cases, total, other };
}

const auditEvents = (stderr: string): Record<string, unknown>[] =>
  stderr
    .split('\n')
    .filter((line) => line.includes('"event.action"'))
    .map((line) => JSON.parse(line) as Record<string, unknown>);

/** A case's outcome as one string, for a readable failure message. */
const outcome = (line: CaseLine | undefined): string =>
  line === undefined ? '(not printed)' : 'threw' in line ? `threw ${JSON.stringify(line.threw)}` : `value ${JSON.stringify(line.value)}`;

interface ProjectOutcome {
  readonly builds: Record<CorpusBuild, Result & { readonly emitted: boolean }>;
  readonly runs: Record<RunName, Result & { readonly document: Document }>;
}

const outcomes = new Map<string, ProjectOutcome>();

async function buildAndRun(project: CorpusProject): Promise<void> {
  const outDir = (build: CorpusBuild): string => join(project.directory, RUN_FOLDER, build);
  const compiler = (build: CorpusBuild): string => (build === 'plain' ? TSC : TSPC);
  const builds = await inPairs(
    (['plain', 'audited', 'defaults'] as const).map((build) => async () => {
      const result = await execute([compiler(build), '-p', project.tsconfig[build], '--outDir', outDir(build)], { cwd: project.directory });
      return [build, { ...result, emitted: existsSync(join(outDir(build), project.entry)) }] as const;
    }),
  );
  const runs = await inPairs(
    RUNS.map(({ run, build, env }) => async () => {
      const result = await execute([join(outDir(build), project.entry)], { cwd: project.directory, env });
      return [run, { ...result, document: parseDocument(result.stdout) }] as const;
    }),
  );
  outcomes.set(project.name, {
    builds: Object.fromEntries(builds) as ProjectOutcome['builds'],
    runs: Object.fromEntries(runs) as ProjectOutcome['runs'],
  });
}

function outcomeOf(project: CorpusProject): ProjectOutcome {
  const found = outcomes.get(project.name);
  if (found === undefined) throw new Error(`${project.name} was not built`);
  return found;
}

beforeAll(async () => {
  for (const project of CORPUS_PROJECTS) await buildAndRun(project);
});

afterAll(() => {
  for (const project of CORPUS_PROJECTS) rmSync(join(project.directory, RUN_FOLDER), { recursive: true, force: true });
});

describe.each(CORPUS_PROJECTS)('the $name corpus', (project) => {
  it('builds with tsc, and with tspc + the transformer (all kinds "event", and defaults)', () => {
    const { builds } = outcomeOf(project);
    expect({ status: builds.plain.status, output: builds.plain.stdout + builds.plain.stderr }).toEqual({ status: 0, output: '' });
    for (const build of ['audited', 'defaults'] as const) {
      // tspc's exit status is not asserted here (it is 2 when the transformer reports a warning);
      // the exit status of instrumented builds is the subject of another test. What this test
      // needs is the emitted output, instrumented: no error diagnostic (an MLXA003 file is emitted
      // as written, which would make the comparison vacuous).
      const output = builds[build].stdout + builds[build].stderr;
      expect(builds[build].emitted, `${build}: ${output}`).toBe(true);
      expect(output.split('\n').filter((line) => / error (TS|MLXA)\d+/.test(line))).toEqual([]);
    }
  });

  it('every run prints every case, once, in the same order, and exits 0', () => {
    const { runs } = outcomeOf(project);
    const plain = runs.plain.document;
    expect(plain.total).toBeGreaterThan(0);
    const names = plain.cases.map((line) => line.case);
    expect(names.filter((name, index) => names.indexOf(name) !== index)).toEqual([]);
    for (const { run } of RUNS) {
      const { status, stderr, document } = runs[run];
      expect({ run, status, other: document.other, total: document.total, printed: document.cases.length }).toEqual({
        run,
        status: 0,
        other: [],
        total: plain.total,
        printed: plain.total,
      });
      expect(document.cases.map((line) => line.case)).toEqual(names);
      // Uninstrumented runs and the quiet one write nothing to stderr: a case that did would be noise.
      if (run === 'plain' || run === 'audited, MLX_AUDIT_SINK=off') expect(stderr).toBe('');
    }
  });

  it('prints the same value or error for every case, instrumented or not, subscribed or not', () => {
    const { runs } = outcomeOf(project);
    const printed = (run: RunName): Map<string, CaseLine> => new Map(runs[run].document.cases.map((line) => [line.case, line]));
    const plain = printed('plain');
    const instrumented = RUNS.filter(({ build }) => build !== 'plain').map(({ run }) => ({ run, lines: printed(run) }));
    // One entry per case that differs anywhere: the plain outcome, then each run that differs from it.
    const mismatches: Record<string, string>[] = [];
    const names = new Set([...plain.keys(), ...instrumented.flatMap(({ lines }) => [...lines.keys()])]);
    for (const name of names) {
      const expected = outcome(plain.get(name));
      const differing = instrumented.map(({ run, lines }) => [run, outcome(lines.get(name))] as const).filter(([, actual]) => actual !== expected);
      if (differing.length > 0) mismatches.push({ case: name, plain: expected, ...Object.fromEntries(differing) });
    }
    expect(mismatches).toEqual([]);
  });

  it('publishes audit events from every file of cases when subscribed, none when off', () => {
    const { runs } = outcomeOf(project);
    const events = auditEvents(runs['audited, MLX_AUDIT_SINK=stderr'].stderr);
    expect(events.length).toBeGreaterThan(runs.plain.document.cases.length);
    // Every file of cases was instrumented (none emitted as written): each published something.
    const files = new Set(events.map((event) => String(event['code.filepath'])));
    const caseFiles = [
      ...readdirSync(join(CORPUS_ROOT, 'shared', 'cases')).map((file) => `shared/cases/${file}`),
      ...readdirSync(join(project.directory, 'src')).map((file) => `src/${file}`),
    ].filter((file) => file.endsWith('.ts') && !file.endsWith('/main.ts'));
    const silent = caseFiles.filter((file) => ![...files].some((path) => path.replaceAll('\\', '/').endsWith(file)));
    expect(silent).toEqual([]);
    expect(auditEvents(runs['defaults, MLX_AUDIT_SINK=stderr'].stderr).length).toBeGreaterThan(0);
    expect(auditEvents(runs['audited, MLX_AUDIT_SINK=off'].stderr)).toEqual([]);
    expect(auditEvents(runs.plain.stderr)).toEqual([]);
  });
});

it('the corpus has at least 250 cases over both projects', () => {
  const totals = CORPUS_PROJECTS.map((project) => outcomeOf(project).runs.plain.document.cases.length);
  expect(totals.reduce((sum, total) => sum + total, 0)).toBeGreaterThanOrEqual(250);
});
