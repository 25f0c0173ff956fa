import type * as TS from 'typescript';

/**
 * The identifiers the transformer creates: generated names (`_mlxa_f`, `__mlxa_site_0`) and
 * property names (`channel`, `id`). TypeScript's own transforms never substitute either (they skip
 * generated names, and rewrite only names read as expressions), yet the printer still asks them,
 * once per printed identifier, through a per-file module-format lookup. NoSubstitution skips that
 * call; the output is the same.
 */
export function uniqueName(ts: typeof TS, factory: TS.NodeFactory, base: string): TS.Identifier {
  return ts.setEmitFlags(factory.createUniqueName(base), ts.EmitFlags.NoSubstitution);
}

/** A property name (`x.channel`, `{ id: … }`): see {@link uniqueName}. */
export function propertyName(ts: typeof TS, factory: TS.NodeFactory, text: string): TS.Identifier {
  return ts.setEmitFlags(factory.createIdentifier(text), ts.EmitFlags.NoSubstitution);
}
