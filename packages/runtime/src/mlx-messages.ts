import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { sep } from 'node:path';

// An error message reaches an event only as text MLX itself wrote: the longest prefix of the
// message that is a fixed string of the MLX code the process has loaded (its native library and
// its JavaScript), followed by `…` when the message goes on. MLX builds its messages as a fixed
// string followed by what it was given (`[load] Failed to open ` + the path, `[safetensor]
// unsupported dtype ` + a header value), so the prefix keeps what went wrong and drops what it
// echoed. A message that does not begin with such a string (the application's own errors) shows
// nothing but its length: whatever an event shows of a message is, by construction, MLX's text.

const { cache } = createRequire(import.meta.url);
const MLX_DIRECTORY = `${sep}@frost-beta${sep}mlx${sep}`;
// Strings shorter than this are too common to say a message is MLX's.
const MIN_PREFIX = 6;
// Printable ASCII runs of a native library: its string constants (and much else, all MLX's own).
const PRINTABLE_RUN = /[\x20-\x7e]{6,}/g;
// `new Error('…'` / `Error(\`…${` in MLX's JavaScript: the fixed text before the first substitution.
const THROWN_LITERAL = /Error\(\s*(?:'((?:[^'\\\n]|\\.)*)'|"((?:[^"\\\n]|\\.)*)"|`((?:[^`\\$]|\\.|\$(?!\{))*))/g;

/** Fixed strings by their first MIN_PREFIX characters. */
const byStart = new Map<string, string[]>();
const scannedFiles = new Set<string>();

/**
 * The part of a message that is MLX's fixed text: the whole message if it is one, the longest
 * fixed prefix and `…` if it goes on, or undefined when it does not begin with MLX's text.
 */
export function mlxFixedText(message: string): string | undefined {
  if (message.length < MIN_PREFIX) return undefined;
  scanNewlyLoadedMlx();
  let longest = '';
  for (const candidate of byStart.get(message.slice(0, MIN_PREFIX)) ?? []) {
    if (candidate.length > longest.length && message.startsWith(candidate)) longest = candidate;
  }
  if (longest === '') return undefined;
  return longest.length === message.length ? longest : `${longest}…`;
}

/** Reads the MLX files loaded since the last look (once each): the first failure pays for it. */
function scanNewlyLoadedMlx(): void {
  for (const file of Object.keys(cache)) {
    if (!file.includes(MLX_DIRECTORY) || scannedFiles.has(file)) continue;
    scannedFiles.add(file);
    try {
      if (file.endsWith('.node')) addNativeStrings(readFileSync(file));
      else if (file.endsWith('.js')) addThrownLiterals(readFileSync(file, 'utf8'));
    } catch {
      // An unreadable file adds nothing: its messages then show their length only.
    }
  }
}

function addNativeStrings(library: Buffer): void {
  for (const [run] of library.toString('latin1').matchAll(PRINTABLE_RUN)) {
    // A message has words; format strings stop at their first placeholder (`{}`, `%d`).
    if (run.includes(' ')) add(run.split(/[{%]/, 1)[0] ?? '');
  }
}

function addThrownLiterals(source: string): void {
  for (const match of source.matchAll(THROWN_LITERAL)) {
    const literal = match[1] ?? match[2] ?? match[3] ?? '';
    // Escapes are kept as written: a literal with one then matches no message, which is safe.
    add(literal);
  }
}

function add(text: string): void {
  if (text.length < MIN_PREFIX) return;
  const start = text.slice(0, MIN_PREFIX);
  const list = byStart.get(start);
  if (list === undefined) byStart.set(start, [text]);
  else list.push(text);
}
