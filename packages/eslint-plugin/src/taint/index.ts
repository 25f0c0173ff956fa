import type * as TS from 'typescript';
import { createSharedFacts, TaintEngine, type SharedFacts } from './engine.js';
import { noteUnresolvedEntries } from '../util/unresolved-entries.js';
import { resolveTaintOptions, type TaintOptions, type TaintPolicy } from './options.js';

export type { Finding, TaintEngine } from './engine.js';
export { SOURCE_KINDS, describeOrigin, shorten, type SourceKind, type SourceLabel } from './labels.js';
export { DEFAULT_SECRET_NAME_PATTERN, RUNTIME_SANITIZERS, injectionPolicy, LEAK_POLICY, taintOptionsSchema, type FunctionSpecifier, type TaintOptions, type TaintPolicy } from './options.js';

/** Engines per program and options: every rule and every file linted against a program share one. */
const engines = new WeakMap<TS.Program, Map<string, TaintEngine>>();
/** Matchers and type facts per program, shared by engines of different policies. */
const sharedFacts = new WeakMap<TS.Program, Map<string, SharedFacts>>();

/** The taint engine for a program, options and policy, created on first use. */
export function getTaintEngine(ts: typeof TS, program: TS.Program, options: TaintOptions, policy?: TaintPolicy): TaintEngine {
  const resolved = resolveTaintOptions(options, policy);
  const byOptions = perProgram(engines, program);
  let engine = byOptions.get(resolved.key);
  if (engine === undefined) {
    const factsKey = JSON.stringify([resolved.entries, resolved.mlxPackages, resolved.secretName.source]);
    const byFactsKey = perProgram(sharedFacts, program);
    let facts = byFactsKey.get(factsKey);
    if (facts === undefined) {
      facts = createSharedFacts(ts, program, resolved);
      byFactsKey.set(factsKey, facts);
      noteUnresolvedEntries(facts.matcher, resolved.entries);
    }
    engine = new TaintEngine(ts, program, resolved, facts);
    byOptions.set(resolved.key, engine);
  }
  return engine;
}

function perProgram<Value>(cache: WeakMap<TS.Program, Map<string, Value>>, program: TS.Program): Map<string, Value> {
  let byKey = cache.get(program);
  if (byKey === undefined) {
    byKey = new Map();
    cache.set(program, byKey);
  }
  return byKey;
}

