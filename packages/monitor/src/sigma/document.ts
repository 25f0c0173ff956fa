import { createHash } from 'node:crypto';
import type { AtlasTechnique } from '../alert.js';

// The parts of a Sigma rule that do not depend on what a rule detects: stable ids, timespans, file
// names, tags. Sigma's rule and correlation specifications (V2) are the reference.

/** A value of a Sigma document as YAML writes it: the export writes no dates or other types. */
export type SigmaValue = string | number | boolean | readonly SigmaValue[] | { readonly [key: string]: SigmaValue };

/** One YAML document of a Sigma rule file: a detection rule or a correlation rule. */
export type SigmaDocument = Readonly<Record<string, SigmaValue>>;

/**
 * The namespace of the export's UUIDs (a random v4, fixed once): each rule's id is the v5 UUID of
 * its name in it, so exporting again, or with other options, gives the same ids.
 */
const EXPORT_NAMESPACE = '71ba19e4-7d03-4422-a6af-4db317841871';

/** A version-5 UUID (RFC 9562: SHA-1 of the namespace's bytes and the name's UTF-8). */
export function uuidV5(namespace: string, name: string): string {
  const digest = createHash('sha1').update(Buffer.from(namespace.replaceAll('-', ''), 'hex')).update(name, 'utf8').digest();
  const bytes = digest.subarray(0, 16);
  bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x50;
  bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** The Sigma id of a document named `name` (a rule id, or a rule id and the part it is). */
export function sigmaId(name: string): string {
  return uuidV5(EXPORT_NAMESPACE, name);
}

const UNITS = [
  ['d', 86_400_000],
  ['h', 3_600_000],
  ['m', 60_000],
  ['s', 1000],
] as const;

/** Sigma's longest timespan: the correlation schema's `maxLength`. */
const MAX_TIMESPAN_LENGTH = 10;

/**
 * A window as Sigma writes a timespan (`5m`, `90s`, `1h`): a whole number of one unit, the largest
 * that fits. Undefined when none does: Sigma has no unit below the second.
 */
export function timespan(ms: number): string | undefined {
  if (!Number.isSafeInteger(ms) || ms <= 0) return undefined;
  for (const [unit, size] of UNITS) {
    if (ms % size !== 0) continue;
    const written = `${ms / size}${unit}`;
    return written.length <= MAX_TIMESPAN_LENGTH ? written : undefined;
  }
  return undefined;
}

/**
 * The file a rule's documents go to. Sigma's file names: lower case letters, digits and `_`, 10 to
 * 70 characters before `.yml`; a file that holds a correlation ("meta rule") starts with `mr_`.
 */
export function sigmaFileName(ruleId: string, correlated: boolean): string {
  return `${correlated ? 'mr_' : ''}mlx_audit_${ruleId.toLowerCase().replace(/[^a-z0-9]+/g, '_')}.yml`;
}

/** What every exported document file name starts with: how `--force` knows an earlier export's files. */
export const SIGMA_FILE_PATTERN = /^(?:mr_)?mlx_audit_[a-z0-9_]+\.yml$/;

/**
 * Sigma tags are `namespace.name`, lower case. ATLAS has no namespace of Sigma's own (attack, car,
 * cve, d3fend, detection, stp, tlp): its techniques are tagged as ATT&CK's are, `atlas.t0024` for
 * `AML.T0024`. pySigma's namespace check reports them; the SIEM keeps them as they are.
 */
export function atlasTag(technique: AtlasTechnique): string {
  return `atlas.${technique.id.toLowerCase().replace(/^aml\./, '')}`;
}
