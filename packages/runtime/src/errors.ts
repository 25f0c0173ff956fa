import { types } from 'node:util';
import { constructorName, inheritedData, inheritsFrom, isObjectLike, ownData } from './describe.js';
import { locate } from './location.js';
import { mlxFixedText } from './mlx-messages.js';
import type { RedactionSettings } from './settings.js';

/** What an event keeps of a thrown value, made when the failure is recorded. */
export interface ErrorSummary {
  /** `error.type`: the class name (`TypeError`), or the type of a thrown non-object (`string`). */
  readonly type: string;
  /** `error.code`: a Node-style code (`ENOENT`, `ERR_INVALID_ARG_TYPE`), when the error has one. */
  readonly code: string | undefined;
  /** `error.message`: MLX's fixed text, or under `errorMessages: 'trusted'` the reduced message. */
  readonly message: string | undefined;
  /** `mlx.error.message_length`: the length of the message as thrown (of a thrown string, too). */
  readonly length: number | undefined;
}

const MAX_MESSAGE_LENGTH = 256;
// Messages are cut to this before any scan, so a huge message costs a bounded regex run.
const MAX_SCANNED_LENGTH = 4096;
const ERROR_CODE = /^[A-Z][A-Z0-9_]{1,63}$/;

/**
 * Summarises what a call threw. The thrown value itself is not kept (holding it until the buffer
 * drains would keep whatever it references alive), and its message is reduced now: by default
 * to MLX's own fixed text (see mlx-messages.ts), so an application's message, which may quote
 * its input, never appears; with `errorMessages: 'trusted'` to the message with paths reduced to
 * basenames and URLs to scheme, host and path. Reads data properties only: no getter runs.
 */
export function summarizeError(error: unknown, settings: RedactionSettings): ErrorSummary {
  const { type, code, message } = readError(error);
  if (message === undefined) return { type, code, message: undefined, length: typeof error === 'string' ? error.length : undefined };
  const scanned = message.slice(0, MAX_SCANNED_LENGTH);
  const shown = settings.errorMessages === 'trusted' ? sanitizeErrorMessage(scanned) : mlxFixedText(scanned);
  return { type, code, message: shown === undefined ? undefined : capped(shown), length: message.length };
}

/** What the runtime's own reports keep of a thrown value: its class, and its message if it is an Error. */
export interface CapturedError {
  readonly type: string;
  readonly message: string | undefined;
}

/**
 * For the operator's stderr (a sink's own failure), not for events: the class name and the raw
 * message of an Error (cut), which the caller passes through `sanitizeErrorMessage`.
 */
export function captureError(error: unknown): CapturedError {
  const { type, message } = readError(error);
  return { type, message: message?.slice(0, MAX_SCANNED_LENGTH) };
}

/**
 * Class, code and message of a thrown value, read as data properties: no getter runs. Only an
 * Error has a message or a code; anything else (a thrown string, an object) has its type alone.
 */
function readError(error: unknown): { type: string; code: string | undefined; message: string | undefined } {
  if (!isObjectLike(error)) return { type: error === null ? 'null' : typeof error, code: undefined, message: undefined };
  const type = constructorName(error);
  if (types.isProxy(error) || !(types.isNativeError(error) || inheritsFrom(error, Error.prototype))) return { type, code: undefined, message: undefined };
  const code = inheritedData(error, 'code');
  const message = ownData(error, 'message') ?? inheritedData(error, 'message');
  return { type, code: typeof code === 'string' && ERROR_CODE.test(code) ? code : undefined, message: typeof message === 'string' ? message : undefined };
}

// Characters that end a path in prose: whitespace, quotes, brackets and list punctuation.
const STOP = String.raw`\s'"\x60<>|;,()\[\]{}`;
const URL_SEGMENT = `[^${STOP}/]+`;
const POSIX_SEGMENT = `[^${STOP}/:]+`;
const WINDOWS_SEGMENT = String.raw`[^${STOP}\\/:]+`;
const UNC_SEGMENT = String.raw`[^${STOP}\\]+`;
// One capture group per form, holding the last segment: file:///a/b/c; /a/b/c and ~/a/b/c, not
// after a word character (`3/4` is a ratio, `a/b` is relative); C:\a\b; \\server\share\c.
const ABSOLUTE_PATH = new RegExp(
  [
    `file:\\/\\/(?:${URL_SEGMENT}\\/|\\/)*(${URL_SEGMENT})`,
    String.raw`(?<![\w.~/\\-])~?\/(?:${POSIX_SEGMENT}\/)*(${POSIX_SEGMENT})`,
    String.raw`(?<!\w)[A-Za-z]:[\\/](?:${WINDOWS_SEGMENT}[\\/])*(${WINDOWS_SEGMENT})`,
    String.raw`\\\\(?:${UNC_SEGMENT}\\)+(${UNC_SEGMENT})`,
  ].join('|'),
  'g',
);
// A URL in prose, other than `file:` (a path, above): scheme, optional slashes, then anything up
// to a stop character. Reduced by `locate`, which drops credentials, query and fragment.
const URL_IN_TEXT = new RegExp(String.raw`(?<![\w.+-])(?!file:)[A-Za-z][A-Za-z0-9+.-]+:\/{1,2}[^${STOP}]+`, 'g');

/**
 * A message fit for a log, best effort (for trusted environments and the operator's stderr):
 * URLs reduced to scheme, host and path, absolute and home-relative paths to their last
 * segment (a path names a user, a tenant or a customer), then cut to 256 characters.
 */
export function sanitizeErrorMessage(message: string): string {
  const reduced = message
    .slice(0, MAX_SCANNED_LENGTH)
    .replace(URL_IN_TEXT, (url) => locate(url).shown)
    .replace(ABSOLUTE_PATH, (match, ...groups: unknown[]) => {
      // A reduced URL's path (`https://host/w`) is not a path of this machine.
      const basename = groups.slice(0, 4).find((group) => typeof group === 'string');
      return typeof basename === 'string' ? basename : match;
    });
  return capped(reduced);
}

function capped(text: string): string {
  return text.length <= MAX_MESSAGE_LENGTH ? text : `${text.slice(0, MAX_MESSAGE_LENGTH - 1)}…`;
}
