import { isCorrelation, sigmaSchemaErrors } from './sigma-schemas.js';

// What the schemas leave unchecked in a Sigma file and sigma-cli needs: a correlation refers to
// rules of its file by name, with a timespan and an integer threshold; a detection's condition
// names only its own search identifiers; ids are unique. With the schemas: every problem of a file.

type Document = Readonly<Record<string, unknown>>;

const TIMESPAN = /^\d+[smhd]$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const CONDITION_WORDS = new Set(['and', 'or', 'not', 'of', 'them', 'all', '1']);

/** Every problem of the documents of one file: the schema's, then the structure's; none when it is sound. */
export function sigmaFileErrors(documents: readonly Document[]): string[] {
  const errors = documents.flatMap((document, index) => sigmaSchemaErrors(document).map((error) => `document ${index}: ${error}`));
  const names = new Set(documents.filter((document) => !isCorrelation(document)).map((document) => document.name));
  const ids = documents.map((document) => document.id);
  if (new Set(ids).size !== ids.length) errors.push('two documents share an id');
  for (const [index, document] of documents.entries()) {
    const where = `document ${index}`;
    if (typeof document.id !== 'string' || !UUID.test(document.id)) errors.push(`${where}: id is not a lower-case UUID`);
    if (isCorrelation(document)) errors.push(...correlationErrors(where, document.correlation as Document, names));
    else errors.push(...conditionErrors(where, document.detection as Document));
  }
  const outermost = documents.filter((document) => document.level !== undefined);
  if (outermost.length !== 1 || outermost[0] !== documents[0]) errors.push('the first document, and only it, must carry the meta data (level)');
  return errors;
}

function correlationErrors(where: string, correlation: Document, names: ReadonlySet<unknown>): string[] {
  const errors: string[] = [];
  const rules = correlation.rules as readonly unknown[];
  for (const rule of rules) if (!names.has(rule)) errors.push(`${where}: the correlation refers to ${String(rule)}, which no detection rule of the file is named`);
  if (typeof correlation.timespan !== 'string' || !TIMESPAN.test(correlation.timespan)) errors.push(`${where}: timespan ${String(correlation.timespan)} is not a number and s, m, h or d`);
  const condition = correlation.condition as Document;
  if (!Number.isSafeInteger(condition.gte) || (condition.gte as number) < 1) errors.push(`${where}: condition.gte must be a positive integer`);
  if (correlation.type === 'value_count' && typeof condition.field !== 'string') errors.push(`${where}: a value_count condition needs its field`);
  if (correlation.type === 'event_count' && condition.field !== undefined) errors.push(`${where}: an event_count condition has no field`);
  return errors;
}

function conditionErrors(where: string, detection: Document): string[] {
  const condition = detection.condition;
  if (typeof condition !== 'string') return [`${where}: the condition is not a string`];
  const words = condition.replace(/[()]/g, ' ').split(/\s+/).filter((word) => word !== '');
  return words.filter((word) => !CONDITION_WORDS.has(word) && !Object.hasOwn(detection, word)).map((word) => `${where}: the condition names ${word}, which is no search identifier`);
}
