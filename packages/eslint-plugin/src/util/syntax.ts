import type * as TS from 'typescript';

/** The expression under parentheses, `as`, `!` and `satisfies`. */
export function skipOuter(ts: typeof TS, expression: TS.Expression): TS.Expression {
  let node = expression;
  while (ts.isParenthesizedExpression(node) || ts.isAsExpression(node) || ts.isNonNullExpression(node) || ts.isSatisfiesExpression(node)) {
    node = node.expression;
  }
  return node;
}

/** `model.forward`, `mx.ones([1]).tolist`: a callee as messages quote it (one line, bounded). */
export function shortCallee(ts: typeof TS, callee: TS.Expression): string {
  const text = skipOuter(ts, callee).getText().replace(/\s+/g, ' ').trim();
  return text.length > 40 ? `${text.slice(0, 37)}...` : text;
}

/** Declared by TypeScript's own lib files (`String`, `Object`, `console` in the DOM lib). */
export function isTypeScriptLib(node: TS.Node): boolean {
  return /\/typescript\/lib\/lib\.[^/]*\.d\.ts$/.test(node.getSourceFile().fileName);
}

/** Declared by Node's type definitions (`process`, `Console`, `crypto.Hmac`). */
export function isNodeTypes(node: TS.Node): boolean {
  return node.getSourceFile().fileName.includes('/node_modules/@types/node/');
}

/** Functions with bodies the analyses can follow and summarise. */
export type FunctionLike =
  | TS.FunctionDeclaration
  | TS.FunctionExpression
  | TS.ArrowFunction
  | TS.MethodDeclaration
  | TS.GetAccessorDeclaration
  | TS.SetAccessorDeclaration
  | TS.ConstructorDeclaration;

export function isFunctionLike(ts: typeof TS, node: TS.Node): node is FunctionLike {
  return (
    ts.isFunctionDeclaration(node) ||
    ts.isFunctionExpression(node) ||
    ts.isArrowFunction(node) ||
    ts.isMethodDeclaration(node) ||
    ts.isGetAccessorDeclaration(node) ||
    ts.isSetAccessorDeclaration(node) ||
    ts.isConstructorDeclaration(node)
  );
}

/** Functions and classes defined in a piece of code run later, elsewhere: not part of what it runs. */
export function isDeferredCode(ts: typeof TS, node: TS.Node): boolean {
  return ts.isFunctionDeclaration(node) || ts.isFunctionExpression(node) || ts.isArrowFunction(node) || ts.isMethodDeclaration(node) || ts.isClassLike(node);
}
