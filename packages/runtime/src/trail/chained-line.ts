import { hashedEnd, lineNumberBefore } from './chain.js';
import { HASH_HEX_LENGTH, HASH_PREFIX, TRAIL_ACTIONS } from './format.js';
import type { Location } from './problem-log.js';

// A trail line as the verifier reads it, without parsing most lines: its hash is found at a fixed
// distance from its end and its number just before it, its action (the runtime's only) near its
// start. Only the runtime's own records (file opened, seal, stopped, closed, started) are parsed
// as JSON, since only their fields are checked.

/** A runtime record's fields, parsed. */
export type RuntimeRecord = Readonly<Record<string, unknown>>;

/**
 * A chained line: its number and stored hash, and where its hashed bytes are (`source[start, end)`:
 * the chunk being read, or a copy of the line's own when it is held back).
 */
export interface ChainedLine {
  readonly at: Location;
  readonly number: number;
  readonly stored: string;
  readonly source: Buffer;
  readonly start: number;
  readonly end: number;
  readonly action: string | undefined;
  readonly record: RuntimeRecord | undefined;
}

const RUNTIME_ACTION = Buffer.from('"event.action":"mlx-audit.');
// How far into a line its action is looked for (the runtime's records have it within 200 bytes).
const ACTION_WITHIN = 384;
const QUOTE = 0x22;
const PARSED_ACTIONS = new Set<string>([TRAIL_ACTIONS.fileOpened, TRAIL_ACTIONS.seal, TRAIL_ACTIONS.fileClosed, TRAIL_ACTIONS.started, TRAIL_ACTIONS.stopped]);

/**
 * The line `source[start, end)` (at `at`) as a chained line, or undefined when it carries no chain
 * (`isJsonObject` tells a JSON line without a chain from a line that is not JSON).
 */
export function readChainedLine(at: Location, source: Buffer, start: number, end: number): ChainedLine | undefined {
  const hashed = hashedEnd(source, start, end);
  const number = hashed === undefined ? undefined : lineNumberBefore(source, start, hashed)?.number;
  if (hashed === undefined || number === undefined) return undefined;
  const storedAt = hashed + HASH_PREFIX.length;
  const action = runtimeAction(source, start, hashed);
  return {
    at,
    number,
    stored: source.toString('latin1', storedAt, storedAt + HASH_HEX_LENGTH),
    source,
    start,
    end: hashed,
    action,
    record: action !== undefined && PARSED_ACTIONS.has(action) ? parseObject(source, start, end) : undefined,
  };
}

/** The line with its hashed bytes copied out of the chunk being read, to be held back past it. */
export function copied(line: ChainedLine): ChainedLine {
  return { ...line, source: Buffer.from(line.source.subarray(line.start, line.end)), start: 0, end: line.end - line.start };
}

/** A line a stream begins with: a file's opened record, or a process run's first record. */
export function isHead(line: ChainedLine): boolean {
  return line.action === TRAIL_ACTIONS.fileOpened || (line.action === TRAIL_ACTIONS.started && line.number === 1);
}

/** A record's field that counts something (a line, an index, an epoch). */
export function isCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

export function isJsonObject(source: Buffer, start: number, end: number): boolean {
  return source[start] === 0x7b && parseObject(source, start, end) !== undefined;
}

/**
 * The runtime action a line names (`mlx-audit.…`), read without parsing it; undefined for any
 * other. The runtime writes `event.action` among a record's first fields, so only the start of a
 * line is searched: a record made to hide its action further on is taken for an event (and then
 * neither stops nor seals anything).
 */
function runtimeAction(source: Buffer, start: number, hashed: number): string | undefined {
  const found = source.subarray(start, Math.min(hashed, start + ACTION_WITHIN)).indexOf(RUNTIME_ACTION);
  if (found === -1) return undefined;
  const nameStart = start + found + RUNTIME_ACTION.length - 'mlx-audit.'.length;
  const nameEnd = source.indexOf(QUOTE, nameStart);
  return nameEnd === -1 || nameEnd > hashed ? undefined : source.toString('latin1', nameStart, nameEnd);
}

function parseObject(source: Buffer, start: number, end: number): RuntimeRecord | undefined {
  try {
    const value: unknown = JSON.parse(source.toString('utf8', start, end));
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
