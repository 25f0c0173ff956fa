import { KIND_TRAITS } from '@mlx-audit/catalogue';
import type * as TS from 'typescript';
import type { AnalysisContext } from './context.js';

/** Numbers that describe a collection, not its contents. */
export const SIZE_PROPERTIES: ReadonlySet<string> = new Set(['length', 'size', 'byteLength']);

/**
 * Whether reading `name` of a value of `type` gives metadata rather than contents: a collection's
 * size, or a property the catalogue says is clean to read (an MLX array's `shape`, `dtype`,
 * `ndim`, `size`…, by the kind of the entry its declaration resolves to). For destructuring,
 * where there is no property access for the matcher to match: `const { shape, dtype } = out`.
 */
export function isMetadataProperty(context: AnalysisContext, type: TS.Type, name: string): boolean {
  if (SIZE_PROPERTIES.has(name)) return true;
  const property = context.checker.getPropertyOfType(type.getNonNullableType(), name);
  const declarations = property?.declarations ?? [];
  return (
    declarations.length > 0 &&
    declarations.every((declaration) => {
      const resolved = context.matcher.resolveDeclaration(declaration);
      return resolved !== undefined && KIND_TRAITS[resolved.entry.kind].result === 'clean';
    })
  );
}
