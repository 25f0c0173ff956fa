import { readFileSync } from 'node:fs';
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import formats from 'ajv-formats';

// Sigma's JSON schemas (detection rule V2, correlation rule V2.1; copies in ./sigma/, see its
// README), compiled once with Ajv for draft 2020-12: the check every exported document passes,
// here and in the CLI's tests (which import this file).

/** The schemas' folder, beside this file. */
export const SIGMA_REFERENCE = new URL('./sigma/', import.meta.url);

function schema(file: string): Record<string, unknown> {
  return JSON.parse(readFileSync(new URL(file, SIGMA_REFERENCE), 'utf8')) as Record<string, unknown>;
}

// Not strict: the published schemas use keywords that are no JSON Schema keywords (`gt`, `gte`...
// inside the correlation condition's `anyOf`, `items` on objects), which strict mode refuses to
// compile. Ajv ignores them, as every other validator does; the tests check those parts themselves.
const ajv = new Ajv2020({ strict: false, allErrors: true });
formats.default(ajv);

const detection = ajv.compile(schema('sigma-detection-rule-schema.json'));
const correlation = ajv.compile(schema('sigma-correlation-rules-schema.json'));

/** A document is a correlation rule when it has a `correlation` section, else a detection rule. */
export function isCorrelation(document: Readonly<Record<string, unknown>>): boolean {
  return Object.hasOwn(document, 'correlation');
}

/** The schema's complaints about one document, as lines (`/correlation must have required property 'group-by'`); none when it is valid. */
export function sigmaSchemaErrors(document: unknown): string[] {
  const validate: ValidateFunction = typeof document === 'object' && document !== null && isCorrelation(document as Record<string, unknown>) ? correlation : detection;
  if (validate(document)) return [];
  return (validate.errors ?? []).map((error: ErrorObject) => `${error.instancePath || '/'} ${error.message ?? 'is invalid'}`);
}
