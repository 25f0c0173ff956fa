import { core as mx, nn } from '@frost-beta/mlx';

/** A case: calls MLX in one form and returns (or resolves to) what it observed. */
export type Case = () => unknown;
export type Cases = readonly (readonly [string, Case])[];

/** Names a group of cases: `member/mx.add`. */
export function group(prefix: string, cases: Record<string, Case>): Cases {
  return Object.entries(cases).map(([name, fn]) => [`${prefix}/${name}`, fn] as const);
}

/** A side-effect log for one case: `tap` records a label and passes the value through. */
export function trail(): { log: string[]; tap: <T>(label: string, value: T) => T } {
  const log: string[] = [];
  return { log, tap: (label, value) => { log.push(label); return value; } };
}

/** A value the type checker cannot narrow: `none<nn.Linear>()` is typed as a model but is undefined. */
export function none<T>(): T {
  return undefined;
}
export function some<T>(value: T): T {
  return value;
}

/**
 * JSON for a result: numbers rounded to 4 decimals (the document compares behaviour, not the last
 * bits of a float), MLX arrays as their rounded contents (never their identity), modules and
 * functions by name, and what JSON cannot say (undefined, NaN) as strings.
 */
export function normalise(value: unknown, depth = 0): unknown {
  if (depth > 20) return '(too deep)';
  if (value === undefined) return '(undefined)';
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) return String(value);
    const rounded = Math.round(value * 1e4) / 1e4;
    return Object.is(rounded, -0) ? 0 : rounded;
  }
  if (typeof value === 'bigint' || typeof value === 'symbol') return String(value);
  if (typeof value === 'function') return ['function', value.name, value.length];
  if (value === null || typeof value !== 'object') return value;
  if (value instanceof mx.array) return normalise(value.tolist(), depth + 1);
  if (value instanceof nn.Module) return ['module', value.constructor.name];
  if (value instanceof Error) return ['error', value.constructor.name, value.message];
  if (Array.isArray(value)) return Array.from(value, (item) => normalise(item, depth + 1));
  return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, normalise(item, depth + 1)]));
}

/** What a throw looks like in the document: the class and the message. */
export function describeThrown(error: unknown): [string, string] {
  if (error instanceof Error) return [error.constructor.name, error.message];
  return ['(not an Error)', JSON.stringify(normalise(error))];
}

/**
 * Runs every case in order, one JSON line each, then `{"total": n}`: the test compares the lines
 * case by case and checks that all of them were printed.
 */
export async function runCases(cases: Cases): Promise<void> {
  for (const [name, fn] of cases) {
    let line: object;
    try {
      line = { case: name, value: normalise(await fn()) };
    } catch (error) {
      line = { case: name, threw: describeThrown(error) };
    }
    process.stdout.write(`${JSON.stringify(line)}\n`);
  }
  process.stdout.write(`${JSON.stringify({ total: cases.length })}\n`);
}
