import type * as TS from 'typescript';
import { TaintEngine } from './engine.js';
import { resolveTaintOptions, type TaintOptions, type TaintPolicy } from './options.js';

export type { Finding, TaintEngine } from './engine.js';
export { SOURCE_KINDS, describeOrigin, shorten, type SourceKind, type SourceLabel } from './labels.js';
export { DEFAULT_SECRET_NAME_PATTERN, RUNTIME_SANITIZERS, injectionPolicy, LEAK_POLICY, taintOptionsSchema, type FunctionSpecifier, type TaintOptions, type TaintPolicy } from './options.js';

/** Engines per program and options: every rule and every file linted against a program share one. */
const engines = new WeakMap<TS.Program, Map<string, TaintEngine>>();

/** The taint engine for a program, options and policy, created on first use. */
export function getTaintEngine(ts: typeof TS, program: TS.Program, options: TaintOptions, policy?: TaintPolicy): TaintEngine {
  const resolved = resolveTaintOptions(options, policy);
  let byOptions = engines.get(program);
  if (byOptions === undefined) {
    byOptions = new Map();
    engines.set(program, byOptions);
  }
  let engine = byOptions.get(resolved.key);
  if (engine === undefined) {
    engine = new TaintEngine(ts, program, resolved);
    byOptions.set(resolved.key, engine);
  }
  return engine;
}

