import type { JsonSchema } from '@mlx-audit/catalogue';
import { functionSpecifierSchema, typeSinkSchema } from '../program/specifiers.js';
import type { SinkSpecifier } from './sinks.js';

/** The option every rule that asks "does this log" takes for log calls of its own. */
export interface SinkOptions {
  /** Extra log sinks: every argument of a call to one of these functions, or of these methods of a type, is logged. */
  readonly sinks?: readonly SinkSpecifier[];
}

export const sinksSchema: JsonSchema = {
  type: 'array',
  items: { anyOf: [functionSpecifierSchema, typeSinkSchema] },
  description: 'Extra log sinks (a function, or methods of a type): every argument is logged.',
};
