import type * as TS from 'typescript';
import { MLX_CATALOGUE } from './entries/index.js';
import { KIND_TRAITS, type BindingKind } from './kinds.js';
import type { BindingMatch, CatalogueMatcher } from './matcher.js';
import { remember } from './memo.js';
import { targetSymbol } from './symbols.js';

/**
 * The bindings that differentiate the function they are given (entries marked `differentiates`):
 * `core.grad`, `core.valueAndGrad`, `core.vjp`, `core.jvp`, `nn.valueAndGrad`.
 */
export const GRADIENT_TRANSFORMS: ReadonlySet<string> = new Set(
  Object.entries(MLX_CATALOGUE)
    .filter(([, entry]) => entry.differentiates === true)
    .map(([id]) => id),
);


/** How many callers up a function is followed to find that it runs under a gradient transform. */
const MAX_CALLER_DEPTH = 4;

/** What the code of one program's files runs under gradient transforms, decided lexically. */
export interface Differentiation {
  /**
   * `training` for a forward pass (an `inference` or `layer-composition` site, by `kind`) written
   * in a differentiated function; undefined otherwise, inference included.
   */
  phaseOf(node: TS.Node, kind: BindingKind): 'training' | undefined;
  /** Whether the innermost function around `node` is differentiated (see `differentiated`). */
  inDifferentiated(node: TS.Node): boolean;
  /**
   * Whether a function only ever runs under a gradient transform, as far as its own file shows:
   * it is given to one (`nn.valueAndGrad(model, (x) => …)`, or by a name or a `const` of the
   * file: `mx.grad(loss)`), or it is not exported and every reference to it is such an argument
   * or a call from a function that is differentiated in turn (a loss function's helpers),
   * followed up to four callers. A function also called from anywhere else is not.
   */
  differentiated(fn: TS.SignatureDeclaration): boolean;
  /**
   * Whether a call runs a function that a gradient transform returned, so a differentiated
   * computation runs while it runs: the callee is a gradient transform's call itself
   * (`mx.grad(f)(x)`), or a `const` (or a `readonly` property) initialised with one
   * (`const lossAndGrad = nn.valueAndGrad(model, fn); lossAndGrad(x, y)`), of this file or
   * imported. Whatever the callee's function calls, from any file, runs under the transform: the
   * transformer marks such a call a training scope, which lexical analysis cannot see through.
   */
  callsTransformed(call: TS.CallExpression): boolean;
  /**
   * The gradient transform's call whose returned function `call` runs (the cases of
   * `callsTransformed`), as the matcher matched it: its entry says what the function gives
   * (`valueAndGrad`: the value, a metric, and the gradients).
   */
  transformOf(call: TS.CallExpression): BindingMatch | undefined;
}

/**
 * The lexical analysis of training code that the transformer (a forward pass in training is
 * labelled so) and the lint rules (a training step needs no inference log) share. `matcher`
 * recognises the gradient transforms through the type checker; `checker` is the one it asks.
 */
export function createDifferentiation(ts: typeof TS, checker: TS.TypeChecker, matcher: Pick<CatalogueMatcher, 'match'>): Differentiation {
  const answers = new WeakMap<TS.Node, boolean>();
  const transformedCalls = new WeakMap<TS.Node, BindingMatch | null>();
  const identifiersByFile = new WeakMap<TS.SourceFile, ReadonlyMap<string, readonly TS.Identifier[]>>();

  const gradientTransformCall = (node: TS.Node): BindingMatch | undefined => {
    if (!ts.isCallExpression(node)) return undefined;
    const match = matcher.match(node);
    return match !== undefined && GRADIENT_TRANSFORMS.has(match.id) ? match : undefined;
  };
  const isGradientTransformCall = (node: TS.Node): boolean => gradientTransformCall(node) !== undefined;

  /** The node is an argument of a gradient transform call, parentheses aside. */
  const isTransformArgument = (node: TS.Node): boolean => {
    const outer = outermostParenthesis(ts, node);
    const call = outer.parent as TS.Node | undefined;
    return call !== undefined && ts.isCallExpression(call) && call.arguments.includes(outer as TS.Expression) && isGradientTransformCall(call);
  };

  const identifiersOf = (sourceFile: TS.SourceFile): ReadonlyMap<string, readonly TS.Identifier[]> => {
    let index = identifiersByFile.get(sourceFile);
    if (index === undefined) {
      const byName = new Map<string, TS.Identifier[]>();
      const visit = (node: TS.Node): void => {
        if (ts.isIdentifier(node)) {
          const list = byName.get(node.text);
          if (list === undefined) byName.set(node.text, [node]);
          else list.push(node);
        }
        ts.forEachChild(node, visit);
      };
      visit(sourceFile);
      index = byName;
      identifiersByFile.set(sourceFile, index);
    }
    return index;
  };

  /** The symbol an identifier refers to as a value: a shorthand property's or an export specifier's local. */
  const referencedSymbol = (identifier: TS.Identifier): TS.Symbol | undefined => {
    const parent = identifier.parent;
    if (ts.isShorthandPropertyAssignment(parent) && parent.name === identifier) return checker.getShorthandAssignmentValueSymbol(parent);
    if (ts.isExportSpecifier(parent)) return checker.getExportSpecifierLocalTargetSymbol(parent);
    return checker.getSymbolAtLocation(identifier);
  };

  /** Every other mention of the function's name in its file, when nothing outside the file can call it. */
  const referencesOf = (fn: TS.SignatureDeclaration): readonly TS.Identifier[] | undefined => {
    const name = localName(ts, fn);
    if (name === undefined) return undefined;
    const symbol = checker.getSymbolAtLocation(name);
    if (symbol === undefined) return undefined;
    const candidates = identifiersOf(name.getSourceFile()).get(name.text) ?? [];
    return candidates.filter((identifier) => identifier !== name && referencedSymbol(identifier) === symbol);
  };

  const differentiatedWithin = (fn: TS.SignatureDeclaration, depth: number, visiting: Set<TS.Node>): boolean => {
    if (isTransformArgument(fn)) return true;
    if (depth >= MAX_CALLER_DEPTH || visiting.has(fn)) return false;
    const references = referencesOf(fn);
    if (references === undefined || references.length === 0) return false;
    visiting.add(fn);
    const result = references.every((reference) => {
      if (isTransformArgument(reference)) return true;
      const outer = outermostParenthesis(ts, reference);
      const call = outer.parent as TS.Node | undefined;
      if (call === undefined || !ts.isCallExpression(call) || call.expression !== outer) return false;
      const caller = enclosingFunction(ts, call);
      return caller !== undefined && differentiatedWithin(caller, depth + 1, visiting);
    });
    visiting.delete(fn);
    return result;
  };

  /** The declaration a callee names: a variable or a property, through import and export aliases. */
  const transformedBinding = (callee: TS.Expression): BindingMatch | undefined => {
    const name = ts.isIdentifier(callee) ? callee : ts.isPropertyAccessExpression(callee) ? callee.name : undefined;
    const declaration = name === undefined ? undefined : targetSymbol(ts, checker, name)?.valueDeclaration;
    if (declaration === undefined || !isReadonlyBinding(ts, declaration) || declaration.initializer === undefined) return undefined;
    return gradientTransformCall(skipOuterExpressions(ts, declaration.initializer));
  };
  const transformOf = (call: TS.CallExpression): BindingMatch | undefined =>
    remember(transformedCalls, call, () => {
      const callee = skipOuterExpressions(ts, call.expression);
      return gradientTransformCall(callee) ?? transformedBinding(callee);
    });

  const differentiated = (fn: TS.SignatureDeclaration): boolean => remember(answers, fn, () => differentiatedWithin(fn, 0, new Set()));
  const inDifferentiated = (node: TS.Node): boolean => {
    const fn = enclosingFunction(ts, node);
    return fn !== undefined && differentiated(fn);
  };
  return {
    phaseOf: (node, kind) => (KIND_TRAITS[kind].forwardPass && inDifferentiated(node) ? 'training' : undefined),
    inDifferentiated,
    differentiated,
    callsTransformed: (call) => transformOf(call) !== undefined,
    transformOf,
  };
}

/**
 * A binding that keeps the value it was initialised with: a `const`, or a `readonly` property
 * declared with its value (a constructor may still assign it: then the call is a training scope
 * that may run something else, which only labels that something's forward passes training).
 */
function isReadonlyBinding(ts: typeof TS, declaration: TS.Declaration): declaration is TS.VariableDeclaration | TS.PropertyDeclaration {
  if (ts.isPropertyDeclaration(declaration)) return declaration.modifiers?.some((modifier) => modifier.kind === ts.SyntaxKind.ReadonlyKeyword) === true;
  if (!ts.isVariableDeclaration(declaration) || !ts.isIdentifier(declaration.name)) return false;
  return isConstList(ts, declaration.parent);
}

/** `const` declarations, not `using` ones (whose value is disposed of). */
function isConstList(ts: typeof TS, list: TS.Node): list is TS.VariableDeclarationList {
  return ts.isVariableDeclarationList(list) && (list.flags & ts.NodeFlags.Const) !== 0 && (list.flags & ts.NodeFlags.Using) === 0;
}

/** The expression inside parentheses and type-only wrappers (`as`, `!`, `satisfies`, `<T>x`). */
function skipOuterExpressions(ts: typeof TS, node: TS.Expression): TS.Expression {
  let current = node;
  while (ts.isParenthesizedExpression(current) || ts.isAsExpression(current) || ts.isNonNullExpression(current) || ts.isSatisfiesExpression(current) || ts.isTypeAssertionExpression(current)) {
    current = current.expression;
  }
  return current;
}

/** The innermost function whose body (or parameter list) holds `node`; undefined at module level or in a class field or static block. */
function enclosingFunction(ts: typeof TS, node: TS.Node): TS.SignatureDeclaration | undefined {
  for (let current = node.parent as TS.Node | undefined; current !== undefined && !ts.isSourceFile(current); current = current.parent) {
    if (ts.isFunctionLike(current) && hasBody(ts, current)) return current;
    if (ts.isPropertyDeclaration(current) || ts.isClassStaticBlockDeclaration(current)) return undefined;
  }
  return undefined;
}

function hasBody(ts: typeof TS, node: TS.SignatureDeclaration): boolean {
  return ts.isFunctionDeclaration(node) || ts.isFunctionExpression(node) || ts.isArrowFunction(node) || ts.isMethodDeclaration(node) || ts.isConstructorDeclaration(node) || ts.isAccessor(node);
}

/**
 * The name a function is bound to in its file (`function loss`, `const loss = (…) => …`), when
 * it is not exported: other files cannot call it. Undefined for methods and other functions.
 */
function localName(ts: typeof TS, fn: TS.SignatureDeclaration): TS.Identifier | undefined {
  if (ts.isFunctionDeclaration(fn)) return fn.name !== undefined && !isExported(ts, fn) ? fn.name : undefined;
  if (!ts.isArrowFunction(fn) && !ts.isFunctionExpression(fn)) return undefined;
  const declaration = fn.parent;
  if (!ts.isVariableDeclaration(declaration) || declaration.initializer !== fn || !ts.isIdentifier(declaration.name)) return undefined;
  const list = declaration.parent;
  if (!isConstList(ts, list)) return undefined;
  return ts.isVariableStatement(list.parent) && isExported(ts, list.parent) ? undefined : declaration.name;
}

function isExported(ts: typeof TS, node: TS.FunctionDeclaration | TS.VariableStatement): boolean {
  return node.modifiers?.some((modifier) => modifier.kind === ts.SyntaxKind.ExportKeyword || modifier.kind === ts.SyntaxKind.DefaultKeyword) === true;
}

function outermostParenthesis(ts: typeof TS, node: TS.Node): TS.Node {
  let current = node;
  while (ts.isParenthesizedExpression(current.parent)) current = current.parent;
  return current;
}
