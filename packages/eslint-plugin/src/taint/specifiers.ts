import type { CatalogueMatcher } from '@mlx-audit/catalogue';
import type * as TS from 'typescript';
import type { FunctionSpecifier, TypeSinkSpecifier } from './options.js';

/** Whether a declaration is the function a specifier names (by declared name and module). */
export function matchesSpecifier(ts: typeof TS, matcher: CatalogueMatcher, declaration: TS.Declaration, specifier: FunctionSpecifier): boolean {
  if (matcher.declarationLabel(declaration) !== specifier.name) return false;
  if (specifier.module === undefined) return true;
  return moduleKeyOf(ts, matcher, declaration) === matcher.moduleKeyOfSpecifier(specifier.module);
}

/** The module a declaration belongs to; inside an ambient `declare module 'x' { … }`, that is `x`. */
function moduleKeyOf(ts: typeof TS, matcher: CatalogueMatcher, declaration: TS.Node): string {
  const ambient = ts.findAncestor(declaration.parent, (node) => ts.isModuleDeclaration(node) && ts.isStringLiteral(node.name));
  if (ambient !== undefined && ts.isModuleDeclaration(ambient)) return ambient.name.text;
  return matcher.moduleKeyOfFile(declaration.getSourceFile().fileName);
}

/** Whether a call's receiver is of a type a specifier names, and the method is one it lists. */
export function matchesTypeSink(ts: typeof TS, matcher: CatalogueMatcher, receiverType: TS.Type, method: string, specifier: TypeSinkSpecifier): boolean {
  if (specifier.methods !== undefined && !specifier.methods.includes(method)) return false;
  const parts = receiverType.isUnion() ? receiverType.types : [receiverType];
  return parts.some((part) =>
    [part.aliasSymbol, part.getSymbol()].some((symbol) => {
      const declaration = symbol?.declarations?.[0];
      if (symbol === undefined || declaration === undefined || symbol.name !== specifier.type) return false;
      return specifier.module === undefined || moduleKeyOf(ts, matcher, declaration) === matcher.moduleKeyOfSpecifier(specifier.module);
    }),
  );
}
