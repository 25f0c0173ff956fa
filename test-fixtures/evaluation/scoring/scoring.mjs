// The pure part of the evaluation score: reading the marks and rule options out of the corpus's
// sources, and scoring a lint run's findings against them. No file system, no ESLint: score.mjs
// does the I/O, test-fixtures/tests/evaluation-score.test.ts tests this module (its types: scoring.d.mts).

/** The rules the corpus scores, without the `mlx-audit/` prefix. */
export const RULES = Object.freeze([
  'no-log-injection',
  'no-silent-mlx-catch',
  'no-tainted-log',
  'no-verbose-logger-config',
  'require-mlx-event-logging',
]);

/** The recall and precision every rule must reach. */
export const THRESHOLD = 0.97;

const PLUGIN_PREFIX = 'mlx-audit/';

// `// expect: rule-a, rule-b -- why; ok: rule-c -- why not`: one or more clauses separated by `;`,
// each a kind, a comma-separated list of rule names and an optional note after ` -- `.
const MARK = /\/\/\s*((?:expect|ok):.*)$/;
const CLAUSE_START = /;\s*(?=(?:expect|ok):)/;
const CLAUSE = /^(expect|ok):\s*([a-z-]+(?:\s*,\s*[a-z-]+)*)(?:\s+--\s+(.*))?$/;

// `// rule-options: mlx-audit/no-log-injection {"modelOutput": true}` in a file's header.
const RULE_OPTIONS = /^\/\/\s*rule-options:\s*(\S+)\s+(\{.*\})\s*$/;

/**
 * @typedef {{ expect: string[], ok: string[], notes: Record<string, string> }} Mark
 * @typedef {{ marks: Map<number, Mark>, errors: string[] }} ParsedMarks
 */

/**
 * The marks of one source file, by 1-based line number. A mark is a trailing line comment; a
 * comment that starts with `expect:` or `ok:` but is malformed, names an unknown rule or marks a
 * rule both ways is an error (returned, not thrown, so that every mistake is listed at once).
 * @param {string} text
 * @param {readonly string[]} [rules]
 * @returns {ParsedMarks}
 */
export function parseMarks(text, rules = RULES) {
  /** @type {Map<number, Mark>} */
  const marks = new Map();
  /** @type {string[]} */
  const errors = [];
  text.split('\n').forEach((lineText, index) => {
    const line = index + 1;
    const found = MARK.exec(lineText);
    if (found === null) return;
    /** @type {Mark} */
    const mark = { expect: [], ok: [], notes: {} };
    for (const clause of (found[1] ?? '').split(CLAUSE_START).map((part) => part.trim())) {
      const parsed = CLAUSE.exec(clause);
      if (parsed === null) {
        errors.push(`line ${String(line)}: malformed mark "${clause}" (expected "expect: <rule>[, <rule>] [-- note]" or "ok: <rule>[, <rule>] [-- note]")`);
        continue;
      }
      const kind = /** @type {'expect' | 'ok'} */ (parsed[1]);
      for (const rule of (parsed[2] ?? '').split(',').map((name) => name.trim())) {
        if (!rules.includes(rule)) errors.push(`line ${String(line)}: unknown rule "${rule}"`);
        else if (mark.expect.includes(rule) || mark.ok.includes(rule)) errors.push(`line ${String(line)}: "${rule}" is marked twice`);
        else {
          mark[kind].push(rule);
          if (parsed[3] !== undefined) mark.notes[rule] = parsed[3].trim();
        }
      }
    }
    if (mark.expect.length > 0 || mark.ok.length > 0) marks.set(line, mark);
  });
  return { marks, errors };
}

/**
 * The rule options a file's header asks for: `// rule-options: mlx-audit/<rule> {json}` lines in
 * the comments before its first statement. Returns rule id → options object.
 * @param {string} text
 * @returns {{ options: Record<string, Record<string, unknown>>, errors: string[] }}
 */
export function parseRuleOptions(text) {
  /** @type {Record<string, Record<string, unknown>>} */
  const options = {};
  /** @type {string[]} */
  const errors = [];
  for (const [index, raw] of text.split('\n').entries()) {
    const lineText = raw.trim();
    if (lineText === '') continue;
    if (!lineText.startsWith('//')) break;
    const found = RULE_OPTIONS.exec(lineText);
    if (found === null) continue;
    const [, ruleId = '', json = ''] = found;
    if (!ruleId.startsWith(PLUGIN_PREFIX) || !RULES.includes(ruleId.slice(PLUGIN_PREFIX.length))) {
      errors.push(`line ${index + 1}: unknown rule "${ruleId}"`);
      continue;
    }
    try {
      options[ruleId] = /** @type {Record<string, unknown>} */ (JSON.parse(json));
    } catch (error) {
      errors.push(`line ${index + 1}: options of ${ruleId} are not JSON: ${String(error)}`);
    }
  }
  return { options, errors };
}

/**
 * @typedef {{ file: string, line: number, rule: string, message: string }} Finding
 * @typedef {{ file: string, line: number, rule: string, message?: string, mark?: 'ok' | 'unmarked', note?: string }} Miss
 * @typedef {{ rule: string, expected: number, ok: number, tp: number, fn: number, fp: number, recall: number, precision: number, misses: Miss[] }} RuleScore
 */

/**
 * Scores findings against marks, per rule, with lines as the unit: an `expect` line is a true
 * positive when the rule reports on it at least once, a false negative otherwise; a report on an
 * `ok` line or on a line not marked for that rule is a false positive (one per line and rule,
 * however many times the rule reports there). Findings of other rules are ignored.
 * @param {ReadonlyMap<string, ReadonlyMap<number, Mark>>} marksByFile file → line → mark
 * @param {readonly Finding[]} findings rule names without the `mlx-audit/` prefix
 * @param {readonly string[]} [rules]
 * @returns {RuleScore[]}
 */
export function score(marksByFile, findings, rules = RULES) {
  /** @type {Map<string, Map<string, Finding>>} rule → "file:line" → first finding there */
  const reported = new Map(rules.map((rule) => [rule, new Map()]));
  for (const finding of findings) {
    const byLine = reported.get(finding.rule);
    const key = `${finding.file}:${String(finding.line)}`;
    if (byLine !== undefined && !byLine.has(key)) byLine.set(key, finding);
  }
  return rules.map((rule) => {
    const byLine = reported.get(rule) ?? new Map();
    let expected = 0;
    let ok = 0;
    let tp = 0;
    /** @type {Miss[]} */
    const misses = [];
    for (const [file, marks] of marksByFile) {
      for (const [line, mark] of marks) {
        const finding = byLine.get(`${file}:${String(line)}`);
        if (mark.expect.includes(rule)) {
          expected++;
          if (finding === undefined) misses.push({ file, line, rule, note: mark.notes[rule] });
          else tp++;
        } else if (mark.ok.includes(rule)) {
          ok++;
        }
      }
    }
    let fp = 0;
    for (const finding of byLine.values()) {
      const mark = marksByFile.get(finding.file)?.get(finding.line);
      if (mark?.expect.includes(rule)) continue;
      fp++;
      misses.push({ file: finding.file, line: finding.line, rule, message: finding.message, mark: mark?.ok.includes(rule) ? 'ok' : 'unmarked', note: mark?.notes[rule] });
    }
    misses.sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line);
    const fn = expected - tp;
    return {
      rule,
      expected,
      ok,
      tp,
      fn,
      fp,
      recall: expected === 0 ? 1 : tp / expected,
      // No finding at all: nothing reported wrongly (recall shows what was missed).
      precision: tp + fp === 0 ? 1 : tp / (tp + fp),
      misses,
    };
  });
}

/**
 * The rules below the threshold on recall or precision.
 * @param {readonly RuleScore[]} scores
 * @param {number} [threshold]
 * @returns {RuleScore[]}
 */
export function failing(scores, threshold = THRESHOLD) {
  return scores.filter((entry) => entry.recall < threshold || entry.precision < threshold);
}

/**
 * The table score.mjs prints: one row per rule and a total.
 * @param {readonly RuleScore[]} scores
 * @returns {string}
 */
export function formatTable(scores) {
  const header = ['rule', 'expect', 'ok', 'TP', 'FN', 'FP', 'recall', 'precision'];
  const total = scores.reduce(
    (sum, entry) => ({ expected: sum.expected + entry.expected, ok: sum.ok + entry.ok, tp: sum.tp + entry.tp, fn: sum.fn + entry.fn, fp: sum.fp + entry.fp }),
    { expected: 0, ok: 0, tp: 0, fn: 0, fp: 0 },
  );
  const rows = [
    ...scores.map((entry) => [entry.rule, entry.expected, entry.ok, entry.tp, entry.fn, entry.fp, entry.recall.toFixed(3), entry.precision.toFixed(3)]),
    ['all rules', total.expected, total.ok, total.tp, total.fn, total.fp, (total.expected === 0 ? 1 : total.tp / total.expected).toFixed(3), (total.tp + total.fp === 0 ? 1 : total.tp / (total.tp + total.fp)).toFixed(3)],
  ].map((row) => row.map(String));
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => (row[column] ?? '').length)));
  const render = (/** @type {string[]} */ row) => row.map((cell, column) => (column === 0 ? cell.padEnd(widths[column] ?? 0) : cell.padStart(widths[column] ?? 0))).join('  ');
  return [render(header), render(widths.map((width) => '-'.repeat(width))), ...rows.map(render)].join('\n');
}

/**
 * One line per miss: false negatives first, then false positives, with the marked source line.
 * @param {readonly RuleScore[]} scores
 * @param {(file: string, line: number) => string} sourceLine
 * @returns {string[]}
 */
export function formatMisses(scores, sourceLine) {
  return scores.flatMap((entry) => {
    const missed = entry.misses.filter((miss) => miss.message === undefined);
    const wrong = entry.misses.filter((miss) => miss.message !== undefined);
    return [
      ...missed.map((miss) => `FN ${entry.rule} ${miss.file}:${String(miss.line)}  ${sourceLine(miss.file, miss.line)}`),
      ...wrong.map((miss) => `FP ${entry.rule} ${miss.file}:${String(miss.line)} (${miss.mark ?? 'unmarked'})  ${sourceLine(miss.file, miss.line)}\n     ${miss.message ?? ''}`),
    ];
  });
}
