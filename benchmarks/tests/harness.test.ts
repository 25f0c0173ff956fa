// The benchmark harness's logic, without timing anything: the corpus, the checks that make a
// failed measurement fail loudly, the report and bench:check. Timing goals are never asserted here.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { checkCounters } from '../lib/call-checks.mjs';
import { checkGoals } from '../lib/check.mjs';
import { generateCorpus, planUnits, prepareCorpus, verifyCompiles } from '../lib/corpus.mjs';
import { ANCHOR, EDITS, applyEdit, checkBaseline, checkEdited } from '../lib/editor-edits.mjs';
import { GOALS, SCENARIOS, SECTIONS } from '../lib/goals.mjs';
import { LINT_CONFIGS, checkFindings, countFindings, writeLintConfig, type LintConfig } from '../lib/lint-findings.mjs';
import { MeasurementError, lastJsonLine, runNode } from '../lib/measure.mjs';
import { BENCHMARKS_DIR, WORK_DIR } from '../lib/paths.mjs';
import { formatValue, renderReport, type RunResults } from '../lib/render.mjs';
import { figure } from '../lib/results.mjs';
import { CORPUS_SEED } from '../lib/settings.mjs';
import { runSinkDriver } from '../lib/sink-runs.mjs';
import { medianDifferences, medians, summarize } from '../lib/stats.mjs';

mkdirSync(WORK_DIR, { recursive: true });
const scratch = mkdtempSync(join(WORK_DIR, 'test-'));
afterAll(() => {
  rmSync(scratch, { recursive: true, force: true });
});

/** Every file of a generated corpus, by path relative to it. */
function snapshot(directory: string): Map<string, string> {
  const files = new Map<string, string>();
  for (const entry of readdirSync(directory, { recursive: true, withFileTypes: true })) {
    if (entry.isFile()) files.set(relative(directory, join(entry.parentPath, entry.name)), readFileSync(join(entry.parentPath, entry.name), 'utf8'));
  }
  return files;
}

/** A median that meets the figure's goal, if it has one: its minimum for a throughput, else 0. */
function meeting(id: string): number {
  const goal = GOALS[id];
  return goal?.kind === 'min' ? goal.limit : 0;
}

/** Results holding every figure of the report, each with the given median. */
function syntheticResults(median: (id: string) => number): RunResults {
  return {
    quick: true,
    date: '2026-01-01',
    seconds: 1,
    machine: { cpu: 'test CPU', cores: 2, memoryGiB: 4, os: 'Linux', loadAverage: { start: [0.5], end: [0.6] } },
    node: 'v20.0.0',
    versions: { typescript: '6.0.3' },
    scenarios: SECTIONS.map((section) => ({
      scenario: section.scenario,
      quick: true,
      seconds: 1,
      notes: [`how ${section.scenario} measured`],
      figures: section.ids.map((id) => figure(id, `label of ${id}`, id.endsWith('.rss') ? 'MB' : id.includes('over') || id.includes('scaling') || id.endsWith('ratio') ? '×' : 's', [median(id) * 0.9, median(id), median(id) * 1.1])),
    })),
  };
}

describe('the corpus', () => {
  it('is the same for the same seed and differs for another', () => {
    generateCorpus(join(scratch, 'a'), { files: 30, seed: 5 });
    generateCorpus(join(scratch, 'b'), { files: 30, seed: 5 });
    generateCorpus(join(scratch, 'c'), { files: 30, seed: 6 });
    const a = snapshot(join(scratch, 'a'));
    expect(a.size).toBe(33); // 30 sources, package.json and two tsconfigs
    expect(snapshot(join(scratch, 'b'))).toEqual(a);
    expect(snapshot(join(scratch, 'c'))).not.toEqual(a);
  });

  it('mixes tainted and clean units', () => {
    const plans = planUnits(100, 20_260_522);
    for (const flag of ['leakTensor', 'leakPrompt', 'leakSecret', 'silentCatch'] as const) {
      const count = plans.filter((plan) => plan[flag]).length;
      expect(count, flag).toBeGreaterThan(0);
      expect(count, flag).toBeLessThan(plans.length);
    }
    expect(plans.every((plan) => plan.peer !== plan.index)).toBe(true);
  });

  it('compiles with zero diagnostics (prepareCorpus runs tsc and throws otherwise)', () => {
    const directory = prepareCorpus(10, 11, join(scratch, 'verified'));
    expect(readFileSync(join(directory, '.verified.json'), 'utf8')).toContain('"files":10');
    // A corpus that does not compile stops the harness.
    writeFileSync(join(directory, 'src', 'u0', 'broken.ts'), 'export const broken: number = "text";\n');
    expect(() => {
      verifyCompiles(directory);
    }).toThrow(/does not compile cleanly[\s\S]*broken\.ts/);
  });

  it('refuses a size that is not a whole number of units, and a folder outside benchmarks/', () => {
    expect(() => generateCorpus(join(scratch, 'd'), { files: 15, seed: 1 })).toThrow(/multiple of 10/);
    expect(() => generateCorpus('/tmp/elsewhere', { files: 10, seed: 1 })).toThrow(/not under/);
  });
});

describe('failed measurements fail loudly', () => {
  it('throws when a child process exits with an unexpected code', () => {
    expect(() => runNode({ label: 'failing child', args: ['-e', 'process.exit(3)'] })).toThrow(MeasurementError);
    expect(() => runNode({ label: 'failing child', args: ['-e', 'process.exit(3)'] })).toThrow(/exit code 3/);
    expect(runNode({ label: 'lint-like child', args: ['-e', 'process.exitCode = 1'], okCodes: [0, 1] }).code).toBe(1);
  });

  it('reports peak RSS from the child, and wall time', () => {
    const run = runNode({ label: 'allocating child', args: ['-e', 'globalThis.keep = Buffer.alloc(64 * 1024 * 1024, 1)'] });
    expect(run.maxRssKb).toBeGreaterThan(64 * 1024);
    expect(run.wallMs).toBeGreaterThan(0);
  });

  it('throws when a child prints no result', () => {
    const run = runNode({ label: 'silent child', args: ['-e', 'console.log("not json")'] });
    expect(() => {
      lastJsonLine(run, 'silent child');
    }).toThrow(/no JSON result/);
  });

  it('never summarises nothing, or something that is not a number', () => {
    expect(() => summarize([])).toThrow(/not taken/);
    expect(() => figure('x', 'x', 's', [1, Number.NaN])).toThrow(/not a measurement/);
    expect(summarize([3, 1, 2, 10])).toMatchObject({ n: 4, median: 2.5, min: 1, max: 10 });
  });

  it('takes the medians of named series and of their paired differences, never of series that differ in length', () => {
    const series = { plain: [1, 2, 30], audited: [2, 4, 31] };
    expect(medians(series)).toEqual({ plain: 2, audited: 4 });
    expect(medianDifferences(series, { added: ['audited', 'plain'] })).toEqual({ added: 1 });
    expect(() => medianDifferences({ a: [1], b: [1, 2] }, { d: ['a', 'b'] })).toThrow(/differ in length/);
  });

  it('throws when our preset found nothing, or the floor found something', () => {
    const report = join(scratch, 'report.json');
    writeFileSync(report, JSON.stringify([{ filePath: 'a.ts', messages: [{ ruleId: '@typescript-eslint/no-explicit-any', message: 'any' }] }]));
    expect(() => checkFindings('ours', countFindings(report, 'ours'), 'ours')).toThrow(/found nothing/);
    expect(() => checkFindings('floor', countFindings(report, 'floor'), 'floor')).toThrow(/reported 1 findings/);
    expect(checkFindings('typescript-eslint', countFindings(report, 'tse'), 'tse')).toEqual({ ours: 0, tse: 1 });
    writeFileSync(report, JSON.stringify([{ filePath: 'a.ts', messages: [{ ruleId: null, fatal: true, message: 'Parsing error' }] }]));
    expect(() => countFindings(report, 'parse')).toThrow(/Parsing error/);
  });

  it('checks every editor re-lint: the unedited findings moved below the edit, plus exactly the edit\'s own', () => {
    const original = `line 1\nline 2\n${ANCHOR}line 4\nline 5\n`;
    const [clean, prompt, template] = EDITS;
    if (clean === undefined || prompt === undefined || template === undefined) throw new Error('fewer edits than expected');
    const edited = applyEdit(original, prompt);
    expect(edited.line).toBe(4);
    expect(edited.text.split('\n')[3]).toBe(prompt.line);
    expect(() => applyEdit('no anchor here\n', prompt)).toThrow(/exactly once/);
    const finding = (line: number, ruleId: string) => ({ line, ruleId, message: 'm' });
    const baseline = [finding(2, 'mlx-audit/no-tainted-log'), finding(5, 'mlx-audit/no-tainted-log')];
    const moved = [finding(2, 'mlx-audit/no-tainted-log'), finding(6, 'mlx-audit/no-tainted-log')];
    expect(() => {
      checkEdited('ours', baseline, prompt, 4, [...moved, finding(4, 'mlx-audit/no-tainted-log')], 'right');
    }).not.toThrow();
    // The previous text's answer (here, the clean edit's), or the file as it was: both fail.
    expect(() => {
      checkEdited('ours', baseline, prompt, 4, moved, 'stale');
    }).toThrow(/expected the findings \[2 mlx-audit\/no-tainted-log, 4 mlx-audit\/no-tainted-log, 6 mlx-audit\/no-tainted-log\], got/);
    expect(() => {
      checkEdited('ours', baseline, clean, 4, baseline, 'unedited');
    }).toThrow(/expected the findings/);
    // Each configuration adds the findings of the rules it runs, and only those.
    const tse = template.tse.map((ruleId) => finding(4, ruleId));
    expect(() => {
      checkEdited('typescript-eslint', [], template, 4, tse, 'typescript-eslint');
    }).not.toThrow();
    expect(() => {
      checkEdited('both', baseline, template, 4, [...moved, finding(4, 'mlx-audit/no-tainted-log'), ...tse], 'both');
    }).not.toThrow();
    expect(() => {
      checkEdited('floor', [], template, 4, tse, 'floor');
    }).toThrow(/expected the findings \[\], got/);
    expect(() => {
      checkEdited('floor', [], clean, 4, [{ line: 1, ruleId: null, fatal: true, message: 'Parsing error' }], 'parse');
    }).toThrow(/Parsing error/);
    expect(() => {
      checkBaseline('floor', baseline, 'floor');
    }).toThrow(/reported 2 findings/);
    expect(() => {
      checkBaseline('ours', [], 'ours');
    }).toThrow(/found nothing/);
    expect(() => {
      checkBaseline('typescript-eslint', baseline, 'tse');
    }).toThrow(/without the plugin/);
  });

  it('runs the editor driver on a small corpus: every lint checked, the program kept and updated', () => {
    const corpus = prepareCorpus(20, CORPUS_SEED, join(scratch, 'editor'));
    for (const name of Object.keys(LINT_CONFIGS) as LintConfig[]) writeLintConfig(corpus, name);
    const driver = join(BENCHMARKS_DIR, 'lib', 'editor-driver.mjs');
    const run = runNode({ label: 'editor driver', args: [driver, corpus, '20', '4', '0', 'backward'] });
    const result = lastJsonLine(run, 'editor driver') as { firstMs: number, relintMs: Record<LintConfig, number[]>, lints: number, program: Record<string, unknown> };
    for (const name of Object.keys(LINT_CONFIGS) as LintConfig[]) expect(result.relintMs[name], name).toHaveLength(4);
    // The first lint, the probe before, four baselines, 16 re-lints, the probe after.
    expect(result.lints).toBe(1 + 1 + 4 + 16 + 1);
    expect(result.program).toMatchObject({ corpusFiles: 20, updated: true, otherFilesReused: true });
    expect(result.firstMs).toBeGreaterThan(0);
  });

  it('registers the editor scenario, and holds every goal to a figure of the report', () => {
    expect(SCENARIOS).toContain('lint-editor');
    const reported = new Set(SECTIONS.flatMap((section) => section.ids));
    for (const id of Object.keys(GOALS)) expect(reported.has(id), id).toBe(true);
    expect(GOALS['lint-editor.ours-relint']).toMatchObject({ kind: 'max', limit: 150 });
    expect(GOALS['lint-editor.ours-over-floor']).toMatchObject({ kind: 'max', limit: 1.3 });
  });

  it("holds the lint to what it adds over typescript-eslint's typed preset, and the sink to pino", () => {
    expect(GOALS['lint.large.both-over-typescript-eslint']).toMatchObject({ kind: 'max', limit: 1.08 });
    expect(GOALS['lint.large.ours-over-typescript-eslint']).toMatchObject({ kind: 'max', limit: 0.8 });
    expect(GOALS['lint.large.ours-over-floor']).toMatchObject({ kind: 'max', limit: 1.7 });
    expect(GOALS['runtime-sink.ours']).toMatchObject({ kind: 'max', limit: 5 });
    expect(GOALS['runtime-sink.ours-over-pino-sync']).toMatchObject({ kind: 'max', limit: 0.4 });
  });

  it('throws when the runtime did not record one event per measured call, or dropped some', () => {
    const counters = (recorded: number, dropped = 0) => ({ recorded, dropped, delivered: recorded, sinkFailures: {} });
    const sink = { label: 'sink', build: 'default', env: {}, mode: 'time', events: 'every-call' } as const;
    expect(() => {
      checkCounters(sink, { auditedCalls: 100, audit: { before: counters(1), after: counters(101) } }, 'ok');
    }).not.toThrow();
    expect(() => {
      checkCounters(sink, { auditedCalls: 100, audit: { before: counters(1), after: counters(51) } }, 'half');
    }).toThrow(/recorded 50/);
    expect(() => {
      checkCounters(sink, { auditedCalls: 100, audit: { before: counters(1), after: counters(101, 3) } }, 'dropped');
    }).toThrow(/dropped 3/);
    expect(() => {
      checkCounters({ ...sink, events: 'none' }, { audit: { before: counters(0), after: counters(5) } }, 'off');
    }).toThrow(/recorded 5/);
  });

  it('counts the events a sink run wrote apart from the runtime\'s own records, and throws when some are missing', () => {
    const directory = join(scratch, 'sink');
    mkdirSync(directory, { mode: 0o700 });
    const fields = join(directory, 'fields.json');
    writeFileSync(fields, '{}');
    const run = runSinkDriver({ variant: 'ours', events: 200, file: join(directory, 'ours.jsonl'), fields, label: 'sink run' });
    expect(run.lines).toBe(200);
    expect(run.records).toMatchObject({ 'mlx-audit.file-opened': 1 });
    expect(run.sample?.['event.action']).toBe('nn.Module#forward');
    expect(run.sample).toHaveProperty('event.hash');
    expect(() => runSinkDriver({ variant: 'ours-sealed', events: 200, file: join(directory, 'sealed.jsonl'), fields, label: 'no key' })).toThrow(/needs a seal state file/);
  });

  it('stops the runner when a scenario fails, without writing a report', () => {
    const run = spawnSync(process.execPath, [join(BENCHMARKS_DIR, 'run.mjs'), '--only', 'nonexistent'], { encoding: 'utf8' });
    expect(run.status).not.toBe(0);
    expect(run.stderr).toMatch(/unknown scenarios nonexistent/);
  });
});

describe('the report', () => {
  it('prints every figure, with its spread and its goal', () => {
    const report = renderReport(syntheticResults(() => 1));
    for (const section of SECTIONS) {
      expect(report).toContain(`## ${section.title}`);
      for (const id of section.ids) expect(report).toContain(`label of ${id}`);
    }
    expect(report).toContain('Quick mode, not the reference run');
    expect(report).toContain('test CPU, 2 cores');
    expect(report).toContain('| 1.00 s | 0.90 s – 1.10 s | 0.95 s – 1.05 s | 3 |');
    expect(report).toContain('≤ 1.08× typescript-eslint alone: met');
  });

  it('formats the units of the trail figures', () => {
    expect(formatValue(312_345.6, 'lines/s')).toBe('312346 lines/s');
    expect(formatValue(0.5701, 'ms')).toBe('0.570 ms');
    expect(() => formatValue(1, 'furlongs')).toThrow(/no format/);
  });

  it('refuses to render results with a figure missing', () => {
    const results = syntheticResults(() => 1);
    const [lint] = results.scenarios;
    lint?.figures.pop();
    expect(() => renderReport(results)).toThrow(/no figure/);
  });
});

describe('bench:check', () => {
  const missed = 'lint.large.both-over-typescript-eslint';
  const results = syntheticResults((id) => (id === missed ? 1.62 : meeting(id)));

  it('flags the goal a figure misses, and by how much', () => {
    const verdicts = checkGoals(results);
    expect(verdicts).toHaveLength(Object.keys(GOALS).length);
    expect(verdicts.filter((verdict) => !verdict.pass).map((verdict) => verdict.id)).toEqual([missed]);
    expect(verdicts.find((verdict) => verdict.id === missed)?.missedBy).toBeCloseTo(0.5);
  });

  it('holds a throughput to its minimum: met at it, missed below it, and by how much', () => {
    const throughput = 'trail.verify-lines-per-second';
    expect(GOALS[throughput]).toMatchObject({ kind: 'min', limit: 300_000 });
    const atMinimum = checkGoals(syntheticResults(meeting)).find((verdict) => verdict.id === throughput);
    expect(atMinimum).toMatchObject({ pass: true, missedBy: 0 });
    const slow = syntheticResults((id) => (id === throughput ? 150_000 : meeting(id)));
    const verdicts = checkGoals(slow);
    expect(verdicts.filter((verdict) => !verdict.pass).map((verdict) => verdict.id)).toEqual([throughput]);
    expect(verdicts.find((verdict) => verdict.id === throughput)?.missedBy).toBeCloseTo(0.5);
    expect(renderReport(slow)).toContain('≥ 300,000 lines per second: **missed**');
    const file = join(scratch, 'slow.json');
    writeFileSync(file, JSON.stringify(slow));
    const check = spawnSync(process.execPath, [join(BENCHMARKS_DIR, 'check.mjs'), file], { encoding: 'utf8' });
    expect(check.status).toBe(1);
    expect(check.stdout).toContain(`MISSED ${throughput}: 150000.00 s, goal ≥ 300,000 lines per second (under by 50%)`);
  });

  it('says when a met goal is below what the A/A control resolves', () => {
    const noisy = syntheticResults((id) => (id === 'runtime-call.forward.control' ? 1000 : 0));
    const verdict = checkGoals(noisy).find((candidate) => candidate.id === 'runtime-call.forward.no-subscriber');
    expect(verdict).toMatchObject({ pass: true, resolved: false, resolution: 1100 });
    expect(checkGoals(noisy).find((candidate) => candidate.id === 'runtime-call.cheap.no-subscriber')).toMatchObject({ pass: true, resolved: true });
    expect(renderReport(noisy)).toContain('≤ 25 ns: met, but not resolved (the A/A control reads up to 1100.00 s)');
  });

  it('exits 1 on a miss, 0 when every goal is met, 2 without complete results', () => {
    const file = join(scratch, 'results.json');
    const check = () => spawnSync(process.execPath, [join(BENCHMARKS_DIR, 'check.mjs'), file], { encoding: 'utf8' });
    writeFileSync(file, JSON.stringify(results));
    const miss = check();
    expect(miss.status).toBe(1);
    expect(miss.stdout).toContain(`MISSED ${missed}: 1.62 ×, goal ≤ 1.08× typescript-eslint alone (over by 50%)`);
    writeFileSync(file, JSON.stringify(syntheticResults(meeting)));
    expect(check().status).toBe(0);
    writeFileSync(file, JSON.stringify({ scenarios: [] }));
    const incomplete = check();
    expect(incomplete.status).toBe(2);
    expect(incomplete.stderr).toMatch(/incomplete/);
  });
});
