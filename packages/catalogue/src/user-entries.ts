import type { Ajv } from 'ajv';
import { createRequire } from 'node:module';
import { ARGUMENT_ROLES, ENTRY_KINDS, type ArgumentRole, type EntryKind } from './kinds.js';

/**
 * A user's own entry point that the catalogue should treat as an MLX binding: their
 * `generate()` counts as inference, their `loadCheckpoint()` as a model load.
 */
export interface UserEntry {
  /**
   * Where the function or class is declared: a package name (`@acme/llm`, any file of it), or a
   * path relative to the project root: `./src/generate.ts`, `./src/generate` or `src/generate.ts`
   * (a path starts with `.` or `/`, or ends with a source extension).
   */
  readonly module: string;
  /** `generate` (a function, variable or class), `Model#generate` (a method), `Model.load` (static). */
  readonly name: string;
  readonly kind: EntryKind;
  /** Stable id used in reports and events; defaults to `<module>:<name>`. */
  readonly id?: string;
  /** Argument roles by parameter name; the others are inferred from the declared types. */
  readonly roles?: Readonly<Record<string, ArgumentRole>>;
}

const NAME_PATTERN = '^[A-Za-z_$][\\w$]*([#.][A-Za-z_$][\\w$]*)?$';

/** The part of JSON schema the option schemas use; assignable to ESLint's `JSONSchema4`. */
export interface JsonSchema {
  type?: 'array' | 'object' | 'string' | 'integer' | 'number' | 'boolean';
  description?: string;
  items?: JsonSchema;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  enum?: string[];
  minLength?: number;
  minimum?: number;
  maximum?: number;
  pattern?: string;
  anyOf?: JsonSchema[];
}

/**
 * JSON schema (draft-07, also valid for ESLint's rule option validator) of the list of user
 * entries. The lint rules embed it in their option schemas; the transformer validates its
 * plugin configuration with it.
 */
export const userEntriesSchema: JsonSchema = {
  type: 'array',
  description: 'Your own functions, methods or classes that count as MLX bindings of a kind.',
  items: {
    type: 'object',
    additionalProperties: false,
    required: ['module', 'name', 'kind'],
    properties: {
      module: {
        type: 'string',
        minLength: 1,
        description:
          'A package name, or a path relative to the project root (./src/generate.ts, src/generate.ts) where the binding is declared.',
      },
      name: {
        type: 'string',
        pattern: NAME_PATTERN,
        description: 'The declared name: fn, Class (construction), Class#method or Class.staticMethod.',
      },
      kind: { enum: [...ENTRY_KINDS], description: 'What the binding does.' },
      id: { type: 'string', minLength: 1, description: 'A stable id for reports and events.' },
      roles: {
        type: 'object',
        description: 'Argument roles by parameter name.',
        additionalProperties: { enum: Object.keys(ARGUMENT_ROLES) },
      },
    },
  },
};

/** Thrown for a configuration that does not fit {@link userEntriesSchema}. */
export class CatalogueConfigError extends Error {
  override readonly name = 'CatalogueConfigError';
  constructor(readonly problems: readonly string[]) {
    super(`Invalid MLX catalogue entries:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

let validator: ReturnType<Ajv['compile']> | undefined;

/**
 * Checks a value against {@link userEntriesSchema} and that ids are unique.
 * @throws CatalogueConfigError naming every problem, with its JSON path.
 */
export function parseUserEntries(value: unknown): readonly UserEntry[] {
  // No entries (the default) is valid: loading and compiling Ajv for it costs every build ~0.1 s.
  if (Array.isArray(value) && value.length === 0) return value as readonly UserEntry[];
  validator ??= compileValidator();
  if (!validator(value)) {
    const problems = (validator.errors ?? []).map((error) => {
      const where = error.instancePath === '' ? 'entries' : `entries${error.instancePath}`;
      const params = error.params as { allowedValues?: unknown; additionalProperty?: unknown };
      const allowed = Array.isArray(params.allowedValues) ? ` (${params.allowedValues.join(', ')})` : '';
      const extra = typeof params.additionalProperty === 'string' ? ` '${params.additionalProperty}'` : '';
      return `${where} ${error.message ?? 'is invalid'}${extra}${allowed}`;
    });
    throw new CatalogueConfigError(problems);
  }
  const entries = value as readonly UserEntry[];
  const seen = new Set<string>();
  const duplicates = entries.map(userEntryId).filter((id) => seen.size === seen.add(id).size);
  if (duplicates.length > 0) {
    throw new CatalogueConfigError(duplicates.map((id) => `entry id '${id}' is used more than once`));
  }
  return entries;
}

/** Source extensions, declaration files included: `.ts`, `.d.ts`, `.tsx`, `.mts`, `.js`... */
export const SOURCE_EXTENSION = /(\.d)?\.(ts|tsx|mts|cts|js|jsx|mjs|cjs)$/;

/** Whether an entry's `module` is a path (it starts with `.` or `/`, or ends with a source extension) rather than a package. */
export function isPathModule(module: string): boolean {
  return module.startsWith('.') || module.startsWith('/') || SOURCE_EXTENSION.test(module);
}

/** The id a user entry is reported under. */
export function userEntryId(entry: UserEntry): string {
  return entry.id ?? `${entry.module}:${entry.name}`;
}

/** Ajv is loaded on first use only (see {@link parseUserEntries}); it is a CommonJS package. */
function compileValidator(): ReturnType<Ajv['compile']> {
  const load = createRequire(import.meta.url);
  const { Ajv: AjvClass } = load('ajv') as typeof import('ajv');
  return new AjvClass({ allErrors: true }).compile(userEntriesSchema);
}
