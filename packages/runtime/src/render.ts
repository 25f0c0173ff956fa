import { basename as posixBasename } from 'node:path/posix';
import { keyedDigest, type RedactionSettings } from './settings.js';
import { PendingPath, PendingText, type JsonValue, type Summary } from './summary.js';

/** Turns a hot-path summary into JSON, applying the redaction settings to strings. */
export function renderSummary(summary: Summary, settings: RedactionSettings): JsonValue {
  if (summary instanceof PendingText) return renderText(summary.text, settings);
  if (summary instanceof PendingPath) return renderPath(summary.path, settings);
  if (Array.isArray(summary)) return (summary as readonly Summary[]).map((item) => renderSummary(item, settings));
  if (typeof summary === 'object' && summary !== null) {
    const rendered: Record<string, JsonValue> = {};
    for (const [key, value] of Object.entries(summary as Readonly<Record<string, Summary>>)) rendered[key] = renderSummary(value, settings);
    return rendered;
  }
  return summary;
}

function renderText(text: string, settings: RedactionSettings): JsonValue {
  const { key } = settings;
  return key === null ? { type: 'string', length: text.length } : { type: 'string', length: text.length, hmac: keyedDigest(key, text) };
}

function renderPath(path: string, settings: RedactionSettings): JsonValue {
  const shown = pathAsShown(path, settings);
  if (shown !== undefined) return { type: 'path', path: shown };
  const { key } = settings;
  // `hash` without a key: an unkeyed hash of a path can be tested against guesses, so only the length.
  return key === null ? { type: 'path', length: path.length } : { type: 'path', hmac: keyedDigest(key, path) };
}

/** The path as the policy lets it appear in clear (`file.path`), or undefined under `hash`. */
export function pathAsShown(path: string, settings: RedactionSettings): string | undefined {
  switch (settings.paths) {
    case 'full':
      return path;
    case 'basename':
      return basename(path);
    case 'hash':
      return undefined;
  }
}

/** Last segment of a POSIX or Windows path, ignoring trailing separators. */
export function basename(path: string): string {
  return posixBasename(path.replaceAll('\\', '/'));
}
