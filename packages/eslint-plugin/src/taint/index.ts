import { remember } from '@mlx-audit/catalogue';
import type * as TS from 'typescript';
import { programServices } from '../program/services.js';
import { TaintEngine } from './engine.js';
import { resolveTaintOptions, type TaintOptions, type TaintPolicy } from './options.js';

export type { TaintEngine } from './engine.js';
export type { Finding } from './context.js';
export { SOURCE_KINDS, describeOrigin, shorten, type SourceKind, type SourceLabel } from './labels.js';
export {
  DEFAULT_SECRET_NAME_PATTERN,
  RUNTIME_SANITIZERS,
  enabledThreatModels,
  injectionPolicy,
  LEAK_POLICY,
  taintOptionsSchema,
  threatModelsSchema,
  type FunctionSpecifier,
  type TaintOptions,
  type TaintPolicy,
  type ThreatModel,
} from './options.js';

/** Engines per program and options: every rule and every file linted against a program share one. */
const engines = new WeakMap<TS.Program, Map<string, TaintEngine | null> | null>();

/**
 * The taint engine for a program, options and policy, created on first use, on the program's
 * shared services (`ts` is the TypeScript the program was made with).
 */
export function getTaintEngine(ts: typeof TS, program: TS.Program, options: TaintOptions, policy?: TaintPolicy): TaintEngine {
  // Asked once per rule and linted file: the options as given find the engine without resolving them again.
  const given = JSON.stringify([policy?.name, ...(policy?.kinds ?? []), options]);
  const byGiven = remember(enginesByGivenOptions, program, () => new Map<string, TaintEngine | null>());
  return remember(byGiven, given, () => {
    const resolved = resolveTaintOptions(options, policy);
    const byOptions = remember(engines, program, () => new Map<string, TaintEngine | null>());
    return remember(byOptions, resolved.key, () => new TaintEngine(programServices(program, options, ts), resolved));
  });
}

const enginesByGivenOptions = new WeakMap<TS.Program, Map<string, TaintEngine | null> | null>();
