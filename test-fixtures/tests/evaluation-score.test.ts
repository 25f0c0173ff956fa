// The evaluation score's logic (test-fixtures/evaluation/scoring.mjs), without ESLint: reading the
// marks and the per-file rule options, and recall and precision per rule. The corpus itself is
// scored by test-fixtures/evaluation/score.mjs, which CI runs directly.
import { describe, expect, it } from 'vitest';
import { failing, formatMisses, formatTable, parseMarks, parseRuleOptions, RULES, score, THRESHOLD, type Finding, type Mark } from '../evaluation/scoring/scoring.mjs';

const SOURCE = [
  "import pino from 'pino';", // 1
  "logger.info(`user ${req.query.q}`); // expect: no-log-injection, no-tainted-log -- remote text", // 2
  "logger.info({ q: req.query.q }, 'search'); // ok: no-log-injection -- a field; expect: no-tainted-log -- request data", // 3
  "console.log(`loss ${loss}`); // ok: no-tainted-log -- a metric", // 4
  "const url = 'http://example.com'; // a comment that is not a mark", // 5
  'mx.load(path); // expect: require-mlx-event-logging', // 6
].join('\n');

function marksOf(text: string): Map<number, Mark> {
  const { marks, errors } = parseMarks(text);
  expect(errors).toEqual([]);
  return marks;
}

function finding(line: number, rule: string): Finding {
  return { file: 'src/a.ts', line, rule, message: `${rule} on ${String(line)}` };
}

describe('parseMarks', () => {
  it('reads every clause of a trailing mark, its rules and notes', () => {
    const marks = marksOf(SOURCE);
    expect([...marks.keys()]).toEqual([2, 3, 4, 6]);
    expect(marks.get(2)).toEqual({ expect: ['no-log-injection', 'no-tainted-log'], ok: [], notes: { 'no-log-injection': 'remote text', 'no-tainted-log': 'remote text' } });
    expect(marks.get(3)).toEqual({ expect: ['no-tainted-log'], ok: ['no-log-injection'], notes: { 'no-log-injection': 'a field', 'no-tainted-log': 'request data' } });
    expect(marks.get(6)).toEqual({ expect: ['require-mlx-event-logging'], ok: [], notes: {} });
  });

  it('lists malformed marks, unknown rules and a rule marked twice, with their lines', () => {
    const { marks, errors } = parseMarks(['a(); // expect: no-such-rule', 'b(); // ok: no-tainted-log; expect: no-tainted-log', 'c(); // expect no-tainted-log', 'd(); // ok:'].join('\n'));
    expect(errors).toEqual([
      'line 1: unknown rule "no-such-rule"',
      'line 2: "no-tainted-log" is marked twice',
      expect.stringContaining('line 4: malformed mark "ok:"'),
    ]);
    // "expect no-tainted-log" (no colon) is not a mark at all: an ordinary comment.
    expect([...marks.keys()]).toEqual([2]);
  });

  it('knows the five rules', () => {
    expect([...RULES].sort()).toEqual(['no-log-injection', 'no-silent-mlx-catch', 'no-tainted-log', 'no-verbose-logger-config', 'require-mlx-event-logging']);
  });
});

describe('parseRuleOptions', () => {
  it('reads rule-options lines of the header only', () => {
    const text = [
      '// rule-options: mlx-audit/no-log-injection {"modelOutput": true}',
      '// A worker that treats model output as untrusted.',
      "import pino from 'pino';",
      '// rule-options: mlx-audit/no-tainted-log {"checkErrorMessages": true}',
    ].join('\n');
    expect(parseRuleOptions(text)).toEqual({ options: { 'mlx-audit/no-log-injection': { modelOutput: true } }, errors: [] });
  });

  it('refuses unknown rules and options that are not JSON', () => {
    const { errors } = parseRuleOptions(['// rule-options: no-log-injection {"modelOutput": true}', '// rule-options: mlx-audit/no-tainted-log {sinks: []}'].join('\n'));
    expect(errors).toHaveLength(2);
    expect(errors[0]).toContain('unknown rule "no-log-injection"');
    expect(errors[1]).toContain('not JSON');
  });
});

describe('score', () => {
  const marksByFile = new Map([['src/a.ts', marksOf(SOURCE)]]);

  it('counts lines: a true positive per reported expect line, however many reports it has', () => {
    const scores = score(marksByFile, [finding(2, 'no-log-injection'), finding(2, 'no-log-injection'), finding(2, 'no-tainted-log'), finding(3, 'no-tainted-log'), finding(6, 'require-mlx-event-logging')]);
    expect(scores.map(({ rule, expected, ok, tp, fn, fp, recall, precision }) => ({ rule, expected, ok, tp, fn, fp, recall, precision }))).toEqual([
      { rule: 'no-log-injection', expected: 1, ok: 1, tp: 1, fn: 0, fp: 0, recall: 1, precision: 1 },
      { rule: 'no-silent-mlx-catch', expected: 0, ok: 0, tp: 0, fn: 0, fp: 0, recall: 1, precision: 1 },
      { rule: 'no-tainted-log', expected: 2, ok: 1, tp: 2, fn: 0, fp: 0, recall: 1, precision: 1 },
      { rule: 'no-verbose-logger-config', expected: 0, ok: 0, tp: 0, fn: 0, fp: 0, recall: 1, precision: 1 },
      { rule: 'require-mlx-event-logging', expected: 1, ok: 0, tp: 1, fn: 0, fp: 0, recall: 1, precision: 1 },
    ]);
    expect(failing(scores)).toEqual([]);
  });

  it('counts a report on an ok line or an unmarked line as a false positive, and an unreported expect line as a false negative', () => {
    const scores = score(marksByFile, [finding(3, 'no-log-injection'), finding(4, 'no-tainted-log'), finding(5, 'no-tainted-log'), finding(3, 'no-tainted-log')]);
    const injection = scores.find((entry) => entry.rule === 'no-log-injection');
    const tainted = scores.find((entry) => entry.rule === 'no-tainted-log');
    expect(injection).toMatchObject({ tp: 0, fn: 1, fp: 1, recall: 0, precision: 0 });
    expect(tainted).toMatchObject({ tp: 1, fn: 1, fp: 2, recall: 0.5, precision: 1 / 3 });
    expect(tainted?.misses.map(({ line, mark, message }) => ({ line, mark, fp: message !== undefined }))).toEqual([
      { line: 2, mark: undefined, fp: false },
      { line: 4, mark: 'ok', fp: true },
      { line: 5, mark: 'unmarked', fp: true },
    ]);
    expect(failing(scores).map((entry) => entry.rule)).toEqual(['no-log-injection', 'no-tainted-log', 'require-mlx-event-logging']);
  });

  it('keeps files apart and ignores the findings of other rules', () => {
    const other = new Map([['src/b.ts', marksOf('x(); // expect: no-tainted-log')]]);
    const both = new Map([...marksByFile, ...other]);
    const scores = score(both, [{ file: 'src/b.ts', line: 2, rule: 'no-tainted-log', message: 'm' }, { file: 'src/a.ts', line: 1, rule: 'no-unused-vars', message: 'm' }]);
    expect(scores.find((entry) => entry.rule === 'no-tainted-log')).toMatchObject({ expected: 3, tp: 0, fn: 3, fp: 1 });
  });

  it('fails a rule just below the threshold and passes one at it', () => {
    const marks = new Map([['src/c.ts', new Map(Array.from({ length: 100 }, (_, i): [number, Mark] => [i + 1, { expect: ['no-tainted-log'], ok: [], notes: {} }]))]]);
    const reported = (count: number): Finding[] => Array.from({ length: count }, (_, i) => ({ file: 'src/c.ts', line: i + 1, rule: 'no-tainted-log', message: 'm' }));
    expect(THRESHOLD).toBe(0.97);
    expect(failing(score(marks, reported(97))).map((entry) => entry.rule)).toEqual([]);
    expect(failing(score(marks, reported(96))).map((entry) => entry.rule)).toEqual(['no-tainted-log']);
  });
});

describe('formatting', () => {
  it('prints a row per rule and a total, and one line per miss with its source line', () => {
    const marksByFile = new Map([['src/a.ts', marksOf(SOURCE)]]);
    const scores = score(marksByFile, [finding(4, 'no-tainted-log')]);
    const table = formatTable(scores).split('\n');
    expect(table[0]).toMatch(/^rule\s+expect\s+ok\s+TP\s+FN\s+FP\s+recall\s+precision$/);
    expect(table).toHaveLength(2 + RULES.length + 1);
    expect(table.at(-1)).toMatch(/^all rules\s+4\s+2\s+0\s+4\s+1\s+0\.000\s+0\.000$/);
    const lines = SOURCE.split('\n');
    const misses = formatMisses(scores, (_file, line) => lines[line - 1] ?? '');
    expect(misses.filter((miss) => miss.startsWith('FN'))).toHaveLength(4);
    expect(misses.find((miss) => miss.startsWith('FP'))).toContain('FP no-tainted-log src/a.ts:4 (ok)  console.log(`loss ${loss}`)');
  });
});
