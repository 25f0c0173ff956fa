import type { LogFindingKind } from './kinds.js';
import type { Span } from './spans.js';

// The excerpt a finding is shown with: its line, every span found in it replaced by a placeholder
// (the scanner must not copy what it found into another log, a CI job's output), cut to a window
// around the finding, with characters that could drive a terminal or forge a line written out
// (CWE-117): the excerpt is printed, and a log line may hold ANSI escapes or a carriage return.

export const MAX_EXCERPT_CHARS = 160;
/** How much of the line before the finding the window keeps, when the line is too long to show whole. */
const CONTEXT_BEFORE = 48;

/** What an excerpt shows in place of a span of `kind`. */
export function placeholder(kind: LogFindingKind): string {
  return `[REDACTED:${kind}]`;
}

/**
 * The line `text[lineStart, lineEnd)` with every span of `spans` (sorted by start, not
 * overlapping) that reaches into it replaced, cut to MAX_EXCERPT_CHARS around `focus`, neutralised.
 */
export function excerpt(text: string, lineStart: number, lineEnd: number, spans: readonly Span[], focus: Span): string {
  let redacted = '';
  let focusAt = 0;
  let position = lineStart;
  for (const span of spans) {
    if (span.end <= lineStart || span.start >= lineEnd) continue;
    redacted += text.slice(position, Math.max(position, span.start));
    if (span === focus) focusAt = redacted.length;
    redacted += placeholder(span.kind);
    position = Math.max(position, Math.min(span.end, lineEnd));
  }
  redacted += text.slice(position, lineEnd);
  return neutralize(window(redacted, focusAt));
}

/** At most MAX_EXCERPT_CHARS of `line`, around `focusAt`, an ellipsis where it is cut. */
function window(line: string, focusAt: number): string {
  const trimmed = line.trimStart();
  const at = Math.max(0, focusAt - (line.length - trimmed.length));
  const text = trimmed.trimEnd();
  if (text.length <= MAX_EXCERPT_CHARS) return text;
  const start = Math.max(0, Math.min(at - CONTEXT_BEFORE, text.length - MAX_EXCERPT_CHARS));
  const end = start + MAX_EXCERPT_CHARS;
  return `${start > 0 ? '…' : ''}${text.slice(start, end)}${end < text.length ? '…' : ''}`;
}

/**
 * Controls (C0 with CR and ESC, DEL, C1), format characters (bidirectional overrides, zero-width
 * characters), line and paragraph separators and lone surrogates (a cut may leave one) written out
 * as `\uXXXX`; a tab as a space.
 */
const UNSAFE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]|\p{Cs}/gu;

export function neutralize(text: string): string {
  return text.replace(UNSAFE, (character) => (character === '\t' ? ' ' : unicodeEscapes(character)));
}

/** `\uXXXX` for each UTF-16 unit (a tag character is two). */
function unicodeEscapes(character: string): string {
  let escaped = '';
  for (let index = 0; index < character.length; index++) escaped += `\\u${character.charCodeAt(index).toString(16).padStart(4, '0')}`;
  return escaped;
}
