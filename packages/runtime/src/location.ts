import { basename as posixBasename } from 'node:path/posix';
import { keyedDigest, type RedactionSettings } from './settings.js';
import type { Summary } from './summary.js';

// Where a model comes from, as an event may show it: a path under the `paths` policy, or a URL
// reduced to scheme, host and path. Credentials, query and fragment of a URL never appear, in any
// mode: they are where signed-URL signatures, tokens and passwords live.

/** The longest location an event shows; a longer one is cut (with `…`). */
export const MAX_LOCATION_LENGTH = 1024;

// Anything that starts with a scheme is URL-like, whatever follows (`https:/x`, `hf:user:pw@r`,
// `data:…`); a single letter before the colon is a Windows drive.
const SCHEME = /^([A-Za-z][A-Za-z0-9+.-]+):/;

export interface Location {
  /** What an event may show: the path as given, or `scheme://host/path` of a URL, or `scheme:`. */
  readonly shown: string;
  /** The host of a URL with one, for `url.domain`. */
  readonly domain: string | undefined;
  /** Whether it names a local file (a path, or a `file:` URL). */
  readonly local: boolean;
}

/** A path or URL reduced to what may be shown of it. */
export function locate(text: string): Location {
  const trimmed = text.trim();
  const scheme = SCHEME.exec(trimmed)?.[1]?.toLowerCase();
  if (scheme === undefined) return { shown: text, domain: undefined, local: true };
  const url = parseUrl(trimmed);
  if (scheme === 'file') return { shown: url === undefined ? 'file:' : decodedPath(url), domain: undefined, local: url !== undefined };
  // A URL with no host (`data:`, `hf:user:pw@repo`, `mailto:`) shows its scheme alone: the rest is an opaque string.
  if (url === undefined || url.host === '') return { shown: `${scheme}:`, domain: undefined, local: false };
  return { shown: `${url.protocol}//${url.host}${url.pathname}`, domain: url.hostname, local: false };
}

function parseUrl(text: string): URL | undefined {
  try {
    return new URL(text);
  } catch {
    return undefined;
  }
}

function decodedPath(url: URL): string {
  try {
    return decodeURIComponent(url.pathname);
  } catch {
    return url.pathname;
  }
}

/**
 * The summary of a path argument, made when the call is recorded: `{type: 'path', path}` as the
 * policy shows it, `{type: 'path', hmac}` under `hash`, or `{type: 'path', length}` under `hash`
 * without a key (an unkeyed hash of a path can be tested against guesses).
 */
export function pathSummary(text: string, settings: RedactionSettings): Summary {
  const { shown } = locate(text);
  const path = shownPath(shown, settings);
  if (path !== undefined) return { type: 'path', path };
  const { key } = settings;
  return key === null ? { type: 'path', length: shown.length } : { type: 'path', hmac: keyedDigest(key, shown) };
}

/** A located path as the policy lets it appear in clear (`file.path`), or undefined under `hash`. */
export function shownPath(shown: string, settings: RedactionSettings): string | undefined {
  switch (settings.paths) {
    case 'full':
      return capped(shown);
    case 'basename':
      return capped(basename(shown));
    case 'hash':
      return undefined;
  }
}

/** Last segment of a POSIX or Windows path or of a URL's path, ignoring trailing separators. */
export function basename(path: string): string {
  return posixBasename(path.replaceAll('\\', '/'));
}

export function capped(text: string, limit = MAX_LOCATION_LENGTH): string {
  return text.length <= limit ? text : `${text.slice(0, limit - 1)}…`;
}
