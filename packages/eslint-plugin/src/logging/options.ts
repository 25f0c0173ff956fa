import type { JsonSchema } from '@mlx-audit/catalogue';
import { functionSpecifierSchema, typeSinkSchema } from '../program/specifiers.js';
import type { SinkSpecifier } from './sinks.js';

/** The option every rule takes for log calls of its own: one name, `sinks`, in every rule. */
export interface SinkOptions {
  /** Extra log sinks: every argument of a call to one of these functions, or of these methods of a type, is logged. */
  readonly sinks?: readonly SinkSpecifier[];
}

/** `sinks` under the name require-mlx-event-logging once gave it, still accepted. */
export interface DeprecatedSinkOptions extends SinkOptions {
  /** Deprecated: the old name of `sinks` in require-mlx-event-logging (its rule page says so). */
  readonly eventCalls?: readonly SinkSpecifier[];
}

/** The configured log calls, under the option's name and its deprecated one. */
export function configuredSinks(options: DeprecatedSinkOptions): readonly SinkSpecifier[] {
  return [...(options.sinks ?? []), ...(options.eventCalls ?? [])];
}

/** The schema of the deprecated name: what `sinks` accepts. */
export const deprecatedSinksSchema = (replacement: string): JsonSchema => ({
  ...sinksSchema,
  description: `Deprecated: the old name of \`${replacement}\`, still accepted (both are read).`,
});

export const sinksSchema: JsonSchema = {
  type: 'array',
  items: { anyOf: [functionSpecifierSchema, typeSinkSchema] },
  description: 'Extra log sinks (a function, or methods of a type): every argument is logged.',
};
