import type { AuditEvent, JsonValue } from '@mlx-audit/runtime';

// A small Sigma detection evaluator, for the tests that show an exported rule matches the events
// the monitor's rule judges: the parts of Sigma the export writes (field maps, value lists, the
// modifiers startswith, endswith, contains, exists and re; conditions of identifiers with and, or,
// not and brackets), with Sigma's semantics: strings compared case-insensitively, a list field
// matching when one of its values does, a dotted name reaching into nested objects, and an empty
// list or null stored as no value, as the SIEMs store them. Anything else it is given throws, so a test cannot pass on what it skips.

type Detection = Readonly<Record<string, unknown>>;

/** Whether the event matches the detection section of a Sigma rule. */
export function sigmaMatches(detection: Detection, event: AuditEvent): boolean {
  const condition = detection.condition;
  if (typeof condition !== 'string') throw new Error('the condition must be a string');
  const tokens = condition.replace(/([()])/g, ' $1 ').split(/\s+/).filter((token) => token !== '');
  const parser = new ConditionParser(tokens, (name) => {
    if (!Object.hasOwn(detection, name) || name === 'condition') throw new Error(`no search identifier ${name}`);
    return searchMatches(detection[name], event);
  });
  return parser.parse();
}

class ConditionParser {
  #at = 0;
  readonly #tokens: readonly string[];
  readonly #identifier: (name: string) => boolean;

  constructor(tokens: readonly string[], identifier: (name: string) => boolean) {
    this.#tokens = tokens;
    this.#identifier = identifier;
  }

  parse(): boolean {
    const value = this.#or();
    if (this.#at !== this.#tokens.length) throw new Error(`unexpected ${this.#tokens[this.#at] ?? ''} in the condition`);
    return value;
  }

  #or(): boolean {
    let value = this.#and();
    while (this.#tokens[this.#at] === 'or') {
      this.#at++;
      value = this.#and() || value;
    }
    return value;
  }

  #and(): boolean {
    let value = this.#not();
    while (this.#tokens[this.#at] === 'and') {
      this.#at++;
      value = this.#not() && value;
    }
    return value;
  }

  #not(): boolean {
    const token = this.#tokens[this.#at++];
    if (token === 'not') return !this.#not();
    if (token === '(') {
      const value = this.#or();
      if (this.#tokens[this.#at++] !== ')') throw new Error('a bracket is not closed');
      return value;
    }
    if (token === undefined || ['and', 'or', ')', 'of', '1', 'all', 'them'].includes(token)) throw new Error(`unexpected ${token ?? 'end'} in the condition`);
    return this.#identifier(token);
  }
}

function searchMatches(search: unknown, event: AuditEvent): boolean {
  if (Array.isArray(search)) return search.some((item) => searchMatches(item, event));
  if (typeof search !== 'object' || search === null) throw new Error('a search identifier must be a map or a list of maps');
  return Object.entries(search).every(([key, expected]) => fieldMatches(key, expected, event));
}

function fieldMatches(key: string, expected: unknown, event: AuditEvent): boolean {
  const [field = '', ...modifiers] = key.split('|');
  const present = storedValues(fieldValue(event, field));
  if (modifiers.length === 1 && modifiers[0] === 'exists') {
    if (typeof expected !== 'boolean') throw new Error('exists takes true or false');
    return present.length > 0 === expected;
  }
  if (modifiers.length > 1) throw new Error(`modifiers ${modifiers.join('|')} are not supported here`);
  const wanted = Array.isArray(expected) ? (expected as unknown[]) : [expected];
  return wanted.some((value) => present.some((actual) => valueMatches(modifiers[0], value, actual)));
}

/** A dotted field as a SIEM reads it: the event's own key, else the path through its nested objects (`mlx.source.path`). */
function fieldValue(event: Readonly<Record<string, JsonValue>>, field: string): JsonValue | undefined {
  if (Object.hasOwn(event, field)) return event[field];
  const parts = field.split('.');
  for (let length = parts.length - 1; length > 0; length--) {
    const head = event[parts.slice(0, length).join('.')];
    if (typeof head === 'object' && head !== null && !Array.isArray(head)) return fieldValue(head as Readonly<Record<string, JsonValue>>, parts.slice(length).join('.'));
  }
  return undefined;
}

/** A field as a SIEM stores it: its values, none for absent, null or an empty list. */
function storedValues(value: JsonValue | undefined): JsonValue[] {
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? (value as readonly JsonValue[]).filter((item) => item !== null) : [value];
}

function valueMatches(modifier: string | undefined, expected: unknown, actual: JsonValue): boolean {
  if (typeof expected === 'number') return actual === expected;
  if (typeof expected !== 'string') throw new Error(`value ${JSON.stringify(expected)} is not a string or a number`);
  if (typeof actual !== 'string' && typeof actual !== 'number') return false;
  const text = String(actual);
  if (modifier === 're') return new RegExp(expected).test(text);
  if (/[*?\\]/.test(expected)) throw new Error(`wildcards and escapes (${expected}) are not supported here`);
  const [have, want] = [text.toLowerCase(), expected.toLowerCase()];
  switch (modifier) {
    case undefined:
      return have === want;
    case 'startswith':
      return have.startsWith(want);
    case 'endswith':
      return have.endsWith(want);
    case 'contains':
      return have.includes(want);
    default:
      throw new Error(`modifier ${modifier} is not supported here`);
  }
}
