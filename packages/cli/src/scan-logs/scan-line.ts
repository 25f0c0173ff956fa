import type { LogFindingKind } from './kinds.js';
import { promptValues } from './prompt-detector.js';
import { excerpt } from './redact.js';
import { apiKeys, bearerTokens } from './secret-detectors.js';
import { mergeSpans, type Detector, type Span } from './spans.js';
import { emailAddresses, ipAddresses } from './personal-detectors.js';
import { arrayRenderings, numberLists } from './tensor-detectors.js';

// One log line, or one record of several lines (a multi-line console.log, a stack trace): every
// detector over its text, then one finding per kind and line, each with its redacted excerpt.

export interface LineFinding {
  readonly kind: LogFindingKind;
  /** 1-based: the line of `text` the finding begins on (1 for a single line). */
  readonly line: number;
  /** The line, what was found in it replaced by `[REDACTED:<kind>]`, at most 160 characters, control characters written out. */
  readonly excerpt: string;
}

const DETECTORS: readonly Detector[] = [arrayRenderings, numberLists, promptValues, apiKeys, bearerTokens, emailAddresses, ipAddresses];

/**
 * What a log line holds that a log must not: a kind is reported once per line (two addresses on a
 * line are one `email` finding, both redacted), and a span inside a longer one is part of it (a
 * float run inside an array rendering is the rendering). `text` may hold several lines joined by
 * `\n`: each finding is on the line its span begins on.
 */
export function scanLine(text: string): LineFinding[] {
  const found: Span[] = [];
  for (const detect of DETECTORS) detect(text, found);
  if (found.length === 0) return [];
  const spans = mergeSpans(found);
  const lineStarts = [0];
  for (let newline = text.indexOf('\n'); newline !== -1; newline = text.indexOf('\n', newline + 1)) lineStarts.push(newline + 1);
  const findings: LineFinding[] = [];
  const reported = new Set<string>();
  for (const span of spans) {
    const line = lineOf(lineStarts, span.start);
    if (reported.has(`${line}:${span.kind}`)) continue;
    reported.add(`${line}:${span.kind}`);
    const start = lineStarts[line] ?? 0;
    const end = line + 1 < lineStarts.length ? (lineStarts[line + 1] ?? text.length) - 1 : text.length;
    findings.push({ kind: span.kind, line: line + 1, excerpt: excerpt(text, start, end, spans, span) });
  }
  return findings;
}

/** The 0-based line an offset is on: the last line start at or before it. */
function lineOf(lineStarts: readonly number[], offset: number): number {
  let low = 0;
  let high = lineStarts.length - 1;
  while (low < high) {
    const middle = (low + high + 1) >> 1;
    if ((lineStarts[middle] ?? 0) <= offset) low = middle;
    else high = middle - 1;
  }
  return low;
}
