import type * as TS from 'typescript';

// Declaration helpers: which declarations an expression refers to, how a member is named, what
// it overrides. Syntax and the checker only: nothing here knows the catalogue.

/** `(x)`, `x as T`, `x!`, `x satisfies T`, `<T>x`: the expression inside. */
export function skipOuterExpressions(ts: typeof TS, expression: TS.Expression): TS.Expression {
  let node = expression;
  while (
    ts.isParenthesizedExpression(node) ||
    ts.isAsExpression(node) ||
    ts.isNonNullExpression(node) ||
    ts.isSatisfiesExpression(node) ||
    ts.isTypeAssertionExpression(node)
  ) {
    node = node.expression;
  }
  return node;
}

/** The object a method is called on (`x` in `x.sum()`); none for a plain call or `super.m()`. */
export function receiverOf(ts: typeof TS, callee: TS.Expression): TS.Expression | undefined {
  if (!ts.isPropertyAccessExpression(callee) && !ts.isElementAccessExpression(callee)) return undefined;
  return callee.expression.kind === ts.SyntaxKind.SuperKeyword ? undefined : callee.expression;
}

/**
 * The declarations an expression refers to, following what the checker does not: a `const`
 * holding another binding (`const r = nn.relu`), destructuring (`const { relu } = nn`).
 */
export function* declarationsOfExpression(ts: typeof TS, checker: TS.TypeChecker, expression: TS.Expression, depth = 0): Generator<TS.Declaration> {
  const node = skipOuterExpressions(ts, expression);
  // `(pick ? mx.add : mx.subtract)(a, b)`: the branches in source order, so that every caller
  // (the transformer, the plan, the rules) takes the same one, whatever the checker resolved before.
  if (ts.isConditionalExpression(node)) {
    yield* declarationsOfExpression(ts, checker, node.whenTrue, depth + 1);
    yield* declarationsOfExpression(ts, checker, node.whenFalse, depth + 1);
    return;
  }
  if (ts.isBinaryExpression(node)) {
    const operator = node.operatorToken.kind;
    if (operator === ts.SyntaxKind.QuestionQuestionToken || operator === ts.SyntaxKind.BarBarToken) yield* declarationsOfExpression(ts, checker, node.left, depth + 1);
    if (operator === ts.SyntaxKind.QuestionQuestionToken || operator === ts.SyntaxKind.BarBarToken || operator === ts.SyntaxKind.AmpersandAmpersandToken || operator === ts.SyntaxKind.CommaToken) {
      yield* declarationsOfExpression(ts, checker, node.right, depth + 1);
    }
    return;
  }
  let symbol: TS.Symbol | undefined;
  if (ts.isIdentifier(node)) symbol = checker.getSymbolAtLocation(node);
  else if (ts.isPropertyAccessExpression(node)) symbol = checker.getSymbolAtLocation(node.name);
  else if (ts.isElementAccessExpression(node) && ts.isStringLiteralLike(node.argumentExpression)) {
    symbol = checker.getPropertyOfType(checker.getTypeAtLocation(node.expression), node.argumentExpression.text);
  }
  if (symbol === undefined) return;
  if (symbol.flags & ts.SymbolFlags.Alias) symbol = checker.getAliasedSymbol(symbol);
  const roots = symbol.flags & ts.SymbolFlags.Transient ? checker.getRootSymbols(symbol) : [symbol];
  for (const root of roots) yield* root.declarations ?? [];
  if (depth > 8) return;
  const declaration = symbol.valueDeclaration;
  if (declaration === undefined || !isConstDeclaration(ts, declaration)) return;
  if (ts.isVariableDeclaration(declaration) && declaration.initializer !== undefined) {
    yield* declarationsOfExpression(ts, checker, declaration.initializer, depth + 1);
  } else if (ts.isBindingElement(declaration) && ts.isObjectBindingPattern(declaration.parent)) {
    const owner = declaration.parent.parent;
    const key = declaration.propertyName ?? declaration.name;
    if (ts.isVariableDeclaration(owner) && owner.initializer !== undefined && (ts.isIdentifier(key) || ts.isStringLiteral(key))) {
      const property = checker.getPropertyOfType(checker.getTypeAtLocation(owner.initializer), key.text);
      yield* property?.declarations ?? [];
    }
  }
}

/** The classes an expression refers to (the callee of `new`, the base of `extends`). */
export function classDeclarations(ts: typeof TS, checker: TS.TypeChecker, expression: TS.Expression): TS.Declaration[] {
  return [...declarationsOfExpression(ts, checker, expression)].filter((declaration) => ts.isClassLike(declaration));
}

export function isFunctionOrMethod(ts: typeof TS, declaration: TS.Declaration): boolean {
  return ts.isFunctionDeclaration(declaration) || ts.isMethodDeclaration(declaration) || ts.isMethodSignature(declaration);
}

function isConstDeclaration(ts: typeof TS, declaration: TS.Declaration): boolean {
  const list = ts.findAncestor(declaration, ts.isVariableDeclarationList);
  return list !== undefined && (list.flags & ts.NodeFlags.Const) !== 0;
}

/** `Box<T>` → `Box`: base types and class-ness live on the generic target. */
export function referenceTarget(ts: typeof TS, type: TS.Type): TS.Type {
  const isReference =
    (type.flags & ts.TypeFlags.Object) !== 0 && ((type as TS.ObjectType).objectFlags & ts.ObjectFlags.Reference) !== 0;
  return isReference ? (type as TS.TypeReference).target : type;
}

/** Declarations of the same-named member in the base classes of the member's class. */
export function* overriddenDeclarations(ts: typeof TS, checker: TS.TypeChecker, declaration: TS.Declaration): Generator<TS.Declaration> {
  const classNode = declaration.parent;
  if (!ts.isClassLike(classNode)) return;
  const name = memberName(ts, checker, declaration);
  if (name === undefined) return;
  if (isStatic(ts, declaration)) {
    const heritage = classNode.heritageClauses?.find((clause) => clause.token === ts.SyntaxKind.ExtendsKeyword);
    const base = heritage?.types[0]?.expression;
    if (base === undefined) return;
    yield* checker.getPropertyOfType(checker.getTypeAtLocation(base), name)?.declarations ?? [];
    return;
  }
  const target = referenceTarget(ts, checker.getTypeAtLocation(classNode));
  if (!target.isClassOrInterface()) return;
  for (const base of checker.getBaseTypes(target)) {
    yield* checker.getPropertyOfType(base, name)?.declarations ?? [];
  }
}

/** `generate`, `Model`, `Model#generate`, `Model.load`: how user entries name declarations. */
export function declarationLabel(ts: typeof TS, checker: TS.TypeChecker, declaration: TS.Declaration): string | undefined {
  let node: TS.Node = declaration;
  if ((ts.isArrowFunction(node) || ts.isFunctionExpression(node) || ts.isClassExpression(node)) && ts.isVariableDeclaration(node.parent)) {
    node = node.parent;
  }
  if (ts.isFunctionDeclaration(node) || ts.isClassDeclaration(node) || ts.isVariableDeclaration(node)) {
    return node.name !== undefined && ts.isIdentifier(node.name) ? node.name.text : undefined;
  }
  const classNode = node.parent;
  if (ts.isClassLike(classNode) && !ts.isConstructorDeclaration(node)) {
    const className = classNode.name?.text ?? (ts.isVariableDeclaration(classNode.parent) && ts.isIdentifier(classNode.parent.name) ? classNode.parent.name.text : undefined);
    const member = memberName(ts, checker, node as TS.Declaration);
    if (className === undefined || member === undefined) return undefined;
    return `${className}${isStatic(ts, node as TS.Declaration) ? '.' : '#'}${member}`;
  }
  return undefined;
}

function memberName(ts: typeof TS, checker: TS.TypeChecker, declaration: TS.Declaration): string | undefined {
  const name = ts.getNameOfDeclaration(declaration);
  if (name === undefined) return undefined;
  if (ts.isIdentifier(name) || ts.isStringLiteral(name) || ts.isNumericLiteral(name)) return name.text;
  return checker.getSymbolAtLocation(name)?.name;
}

function isStatic(ts: typeof TS, declaration: TS.Declaration): boolean {
  return (ts.getCombinedModifierFlags(declaration) & ts.ModifierFlags.Static) !== 0;
}
