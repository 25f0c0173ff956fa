import type { RuleIdentity } from '../../alert.js';
import { ATLAS } from '../../atlas.js';
import { positiveInteger } from '../../fields.js';

// What the extraction rules share: their family and techniques, and the checks of their options
// (a TypeError naming the option, as every rule family's).

export const CATEGORY = 'extraction';
export const MINUTE = 60_000;
/** Clients of every service together whose state a rule keeps by default. */
export const DEFAULT_MAX_CLIENTS = 10_000;

/** Querying the model over its API to copy it (AML.T0024), through inference API access (AML.T0040). */
export function extractionRule(id: string, name: string, description: string): RuleIdentity {
  return { id, name, description, category: CATEGORY, threat: [ATLAS.exfiltrationViaInferenceApi, ATLAS.inferenceApiAccess] };
}

export function positiveNumber(name: string, value: number): number {
  if (!(typeof value === 'number' && Number.isFinite(value) && value > 0)) throw new TypeError(`${name} must be a positive number, got ${String(value)}`);
  return value;
}

/** A fraction in (0, 1]. */
export function fraction(name: string, value: number): number {
  if (!(typeof value === 'number' && value > 0 && value <= 1)) throw new TypeError(`${name} must be a number in (0, 1], got ${String(value)}`);
  return value;
}

/** How many `bucketMs` make `windowMs`, which must be a whole number of them. */
export function bucketsIn(name: string, windowMs: number, bucketMs: number): number {
  positiveInteger(name, windowMs);
  if (windowMs % bucketMs !== 0) throw new TypeError(`${name} (${windowMs}) must be a whole number of bucketMs (${bucketMs})`);
  return windowMs / bucketMs;
}
