import { remember, targetSymbol } from '@mlx-audit/catalogue';
import type * as TS from 'typescript';

const byChecker = new WeakMap<TS.TypeChecker, WeakMap<TS.Node, TS.SignatureDeclaration | null> | null>();

/**
 * The declaration a call or `new` resolves to (what `getResolvedSignature(call).declaration`
 * says, JSDoc signatures left out), found through the callee's symbol where that is unambiguous:
 * one declaration, a value with one call signature, or a class's only constructor. Resolving the signature makes the checker
 * check every argument against every overload; the symbol costs a name lookup (and the
 * receiver's type), and the analyses ask this of every call in the program. Overloads and
 * callees that are no name still go through signature resolution.
 */
export function calledDeclaration(ts: typeof TS, checker: TS.TypeChecker, call: TS.CallExpression | TS.NewExpression): TS.SignatureDeclaration | undefined {
  const cache = remember(byChecker, checker, () => new WeakMap<TS.Node, TS.SignatureDeclaration | null>());
  return remember(cache, call, () => bySymbol(ts, checker, call) ?? bySignature(ts, checker, call));
}

function bySignature(ts: typeof TS, checker: TS.TypeChecker, call: TS.CallExpression | TS.NewExpression): TS.SignatureDeclaration | undefined {
  const declaration = checker.getResolvedSignature(call)?.declaration;
  return declaration === undefined || ts.isJSDocSignature(declaration) ? undefined : declaration;
}

function bySymbol(ts: typeof TS, checker: TS.TypeChecker, call: TS.CallExpression | TS.NewExpression): TS.SignatureDeclaration | undefined {
  if (ts.isNewExpression(call)) return constructorOf(ts, checker, call);
  const symbol = calleeSymbol(ts, checker, call.expression);
  if (symbol === undefined) return undefined;
  const declarations = symbol.declarations ?? [];
  if (declarations.length !== 1) return undefined;
  const [declaration] = declarations;
  if (declaration === undefined) return undefined;
  if (isSignatureDeclaration(ts, declaration)) return declaration;
  // `const log = console.log`, `info: LogFn`: the value's one call signature.
  if (!(symbol.flags & (ts.SymbolFlags.Variable | ts.SymbolFlags.Property))) return undefined;
  const signatures = checker.getTypeOfSymbol(symbol).getCallSignatures();
  if (signatures.length !== 1) return undefined;
  const signature = signatures[0]?.declaration;
  // A generic or contextually typed callee is resolved per call.
  if (signature === undefined || ts.isJSDocSignature(signature) || (signatures[0]?.typeParameters?.length ?? 0) > 0) return undefined;
  return signature;
}

/** The constructor a `new` of a class with exactly one, implemented, calls; else undefined. */
function constructorOf(ts: typeof TS, checker: TS.TypeChecker, call: TS.NewExpression): TS.SignatureDeclaration | undefined {
  const symbol = calleeSymbol(ts, checker, call.expression);
  const declaration = symbol?.valueDeclaration;
  if (declaration === undefined || !ts.isClassDeclaration(declaration) || symbol?.declarations?.length !== 1) return undefined;
  // No constructor of its own means a base class's (or none): signature resolution knows which.
  const constructors = declaration.members.filter(ts.isConstructorDeclaration);
  const [only] = constructors;
  return constructors.length === 1 && only?.body !== undefined ? only : undefined;
}

/** What a callee that is a name (`f`, `obj.m`, `(f)`, `f!`) refers to. */
function calleeSymbol(ts: typeof TS, checker: TS.TypeChecker, expression: TS.Expression): TS.Symbol | undefined {
  let callee = expression;
  while (ts.isParenthesizedExpression(callee) || ts.isNonNullExpression(callee)) callee = callee.expression;
  const name = ts.isIdentifier(callee) ? callee : ts.isPropertyAccessExpression(callee) && ts.isIdentifier(callee.name) ? callee.name : undefined;
  return name === undefined ? undefined : targetSymbol(ts, checker, name);
}

function isSignatureDeclaration(ts: typeof TS, node: TS.Node): node is TS.SignatureDeclaration {
  return (
    ts.isFunctionDeclaration(node) ||
    ts.isMethodDeclaration(node) ||
    ts.isMethodSignature(node) ||
    ts.isFunctionExpression(node) ||
    ts.isArrowFunction(node) ||
    ts.isCallSignatureDeclaration(node)
  );
}
