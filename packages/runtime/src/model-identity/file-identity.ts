import { shownPath } from '../location.js';
import type { RedactionSettings } from '../settings.js';
import type { JsonValue } from '../summary.js';
import type { FileIdentity } from './fields.js';
import { cachedHash } from './file-version.js';
import { isHashed, type HashOutcome } from './hash-file.js';
import type { NamedFile, NamedFiles } from './model-files.js';

/** A file's outcome without reading it: its cached hash, or why it cannot be hashed; undefined when it must be read. */
export function knownOutcome(file: NamedFile): HashOutcome | undefined {
  if (file.version === undefined) return { problem: file.problem ?? 'unreadable' };
  const sha256 = cachedHash(file.version);
  return sha256 === undefined ? undefined : { sha256, size: file.version.size, version: file.version };
}

/**
 * What an event says of a call's files: `file.hash.sha256` and `file.size` for one file, else
 * `mlx.files` with each file's path as the policy shows it (none under `hash`). `include` picks
 * the files to list (an alert lists those it is about).
 */
export function fileIdentity(named: NamedFiles, outcomes: readonly HashOutcome[], settings: RedactionSettings, include: (index: number) => boolean = () => true): FileIdentity {
  const [first] = outcomes;
  if (named.single && first !== undefined) {
    return isHashed(first) ? { sha256: first.sha256, size: first.size, files: undefined } : { sha256: undefined, size: undefined, files: undefined };
  }
  const files: JsonValue[] = [];
  named.files.forEach((file, index) => {
    const outcome = outcomes[index];
    if (outcome === undefined || !include(index)) return;
    const path = shownPath(file.path, settings);
    const shown = path === undefined ? {} : { path };
    files.push(isHashed(outcome) ? { ...shown, sha256: outcome.sha256, size: outcome.size } : { ...shown, error: outcome.problem });
  });
  if (named.omitted > 0) files.push({ type: 'omitted', count: named.omitted });
  return { sha256: undefined, size: undefined, files };
}
