import type { LogFindingKind } from './kinds.js';

// A detector's result: where in a record's text something of a kind was found. Redaction replaces
// spans; findings are their kinds and lines.

export interface Span {
  readonly kind: LogFindingKind;
  /** UTF-16 offsets into the record's text, `end` exclusive. */
  readonly start: number;
  readonly end: number;
}

/** Looks for one family of kinds in a record's text and adds what it finds to `found`. */
export type Detector = (text: string, found: Span[]) => void;

/**
 * The spans to report, by start: a span inside a longer one is part of it (a float run inside an
 * array rendering, a key inside its Bearer header, an address inside a prompt), and spans of one
 * kind that overlap are one.
 */
export function mergeSpans(spans: readonly Span[]): Span[] {
  const sorted = [...spans].sort((a, b) => a.start - b.start || b.end - a.end);
  const merged: Span[] = [];
  let furthest = -1;
  for (const span of sorted) {
    if (span.end <= furthest) continue;
    const last = merged.at(-1);
    if (last?.kind === span.kind && span.start < last.end) merged[merged.length - 1] = { ...last, end: span.end };
    else merged.push(span);
    furthest = span.end;
  }
  return merged;
}

/** Every match of a global `pattern` as a span of `kind`. */
export function addMatches(pattern: RegExp, text: string, found: Span[], kind: LogFindingKind): void {
  pattern.lastIndex = 0;
  for (let match = pattern.exec(text); match !== null; match = pattern.exec(text)) found.push({ kind, start: match.index, end: match.index + match[0].length });
}

/**
 * Every block from a match of `opening` to the end of the next match of `closing`, or to the end
 * of the text when the block is cut, as a span of `kind` (both patterns global).
 */
export function addBlocks(opening: RegExp, closing: RegExp, text: string, found: Span[], kind: LogFindingKind): void {
  opening.lastIndex = 0;
  for (let block = opening.exec(text); block !== null; block = opening.exec(text)) {
    closing.lastIndex = block.index;
    const end = closing.exec(text);
    const blockEnd = end === null ? text.length : end.index + end[0].length;
    found.push({ kind, start: block.index, end: blockEnd });
    opening.lastIndex = blockEnd;
  }
}
