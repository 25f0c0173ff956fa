// Types of scoring.mjs (plain JavaScript, so that score.mjs runs on Node 20 without a loader), for
// test-fixtures/tests/evaluation-score.test.ts.

export declare const RULES: readonly string[];
export declare const THRESHOLD: number;

/** The marks of one line: the rules that must report it, those that must not, and why. */
export interface Mark {
  expect: string[];
  ok: string[];
  notes: Record<string, string>;
}

export interface ParsedMarks {
  marks: Map<number, Mark>;
  errors: string[];
}

export interface Finding {
  file: string;
  line: number;
  rule: string;
  message: string;
}

export interface Miss {
  file: string;
  line: number;
  rule: string;
  /** Set for a false positive: the finding's message. */
  message?: string;
  mark?: 'ok' | 'unmarked';
  note?: string | undefined;
}

export interface RuleScore {
  rule: string;
  expected: number;
  ok: number;
  tp: number;
  fn: number;
  fp: number;
  recall: number;
  precision: number;
  misses: Miss[];
}

export declare function parseMarks(text: string, rules?: readonly string[]): ParsedMarks;
export declare function parseRuleOptions(text: string): { options: Record<string, Record<string, unknown>>; errors: string[] };
export declare function score(marksByFile: ReadonlyMap<string, ReadonlyMap<number, Mark>>, findings: readonly Finding[], rules?: readonly string[]): RuleScore[];
export declare function failing(scores: readonly RuleScore[], threshold?: number): RuleScore[];
export declare function formatTable(scores: readonly RuleScore[]): string;
export declare function formatMisses(scores: readonly RuleScore[], sourceLine: (file: string, line: number) => string): string[];
