import { types } from 'node:util';
import { constructorName, readProperty } from './describe.js';

/** What the hot path keeps of a thrown value: its class, and its message if it is an Error. */
export interface CapturedError {
  readonly type: string;
  readonly message: string | undefined;
}

const MAX_MESSAGE_LENGTH = 256;
// Messages are cut to this before the path search, so a huge message costs a bounded regex run.
const MAX_SCANNED_LENGTH = 4096;

/**
 * Keeps the class name and message of a thrown value, not the value itself: holding the error
 * until the buffer drains would keep whatever it references alive. A thrown non-Error (a string,
 * an object) gets its type only, since it may be application data.
 */
export function captureError(error: unknown): CapturedError {
  if (typeof error !== 'object' || error === null) {
    return { type: error === null ? 'null' : typeof error, message: undefined };
  }
  if (!(error instanceof Error) && !types.isNativeError(error)) return { type: constructorName(error), message: undefined };
  const message = readProperty(error, 'message');
  return { type: constructorName(error), message: typeof message === 'string' ? message.slice(0, MAX_SCANNED_LENGTH) : undefined };
}

// Characters that end a path in prose: whitespace, quotes, brackets and list punctuation.
const STOP = String.raw`\s'"\x60<>|;,()\[\]{}`;
const URL_SEGMENT = `[^${STOP}/]+`;
const POSIX_SEGMENT = `[^${STOP}/:]+`;
const WINDOWS_SEGMENT = String.raw`[^${STOP}\\/:]+`;
const UNC_SEGMENT = String.raw`[^${STOP}\\]+`;
// One capture group per form, holding the last segment: file:///a/b/c; /a/b/c, not after a word
// character (`3/4` is a ratio, `a/b` is relative); C:\a\b; \\server\share\c.
const ABSOLUTE_PATH = new RegExp(
  [
    `file:\\/\\/(?:${URL_SEGMENT}\\/|\\/)*(${URL_SEGMENT})`,
    String.raw`(?<![\w.~/\\-])\/(?:${POSIX_SEGMENT}\/)*(${POSIX_SEGMENT})`,
    String.raw`(?<!\w)[A-Za-z]:[\\/](?:${WINDOWS_SEGMENT}[\\/])*(${WINDOWS_SEGMENT})`,
    String.raw`\\\\(?:${UNC_SEGMENT}\\)+(${UNC_SEGMENT})`,
  ].join('|'),
  'g',
);

/**
 * An error message fit for a log: absolute paths reduced to their last segment (a path names a
 * user, a tenant or a customer), then cut to 256 characters. Reducing first keeps the cut from
 * leaving half a path behind.
 */
export function sanitizeErrorMessage(message: string): string {
  const reduced = message.replace(ABSOLUTE_PATH, (_match, ...groups: unknown[]) => {
    const basename = groups.slice(0, 4).find((group) => typeof group === 'string');
    return typeof basename === 'string' ? basename : '';
  });
  return reduced.length <= MAX_MESSAGE_LENGTH ? reduced : `${reduced.slice(0, MAX_MESSAGE_LENGTH - 1)}…`;
}
