import { KIND_TRAITS, type BindingMatch, type Differentiation } from '@mlx-audit/catalogue';
import type { SiteArgumentRole, SiteDescriptor, SiteMode } from '@mlx-audit/runtime/contract';
import type * as TS from 'typescript';

/**
 * The constants a call site's descriptor holds: where the call is, which binding, what each
 * argument is, and whether it is a forward pass of training code (`phase`, as `differentiation`
 * finds it). Built once per site at compile time, so the runtime never formats a location.
 */
export function describeSite(
  ts: typeof TS,
  node: TS.CallExpression | TS.NewExpression,
  match: BindingMatch,
  mode: SiteMode,
  file: string,
  differentiation: Differentiation,
  enclosingNames?: Map<TS.Node, string | null>,
  /** How the emitted JavaScript names an identifier, where it differs (imports in CommonJS output). */
  emittedName?: EmittedName,
): SiteDescriptor {
  const callee = calleeText(ts, node, undefined);
  const emittedCallee = emittedName === undefined ? callee : calleeText(ts, node, emittedName);
  const sourceFile = node.getSourceFile();
  const { line, character } = sourceFile.getLineAndCharacterOfPosition(node.getStart(sourceFile));
  const args: SiteArgumentRole[] = match.arguments.map((argument) => (argument.spread ? 'spread' : argument.role));
  let receiver: SiteDescriptor['receiver'] = null;
  if (match.receiver !== undefined) {
    // A forward pass is called on a module.
    const role = KIND_TRAITS[match.kind].forwardPass ? 'module' : undefined;
    receiver = role ?? (match.id.startsWith('core.array#') ? 'tensor' : 'other');
  }
  const phase = differentiation.phaseOf(node, match.kind);
  return {
    id: match.id,
    kind: match.kind,
    mode,
    file,
    line: line + 1,
    column: character + 1,
    fn: enclosingFunctionName(ts, node, enclosingNames),
    callee,
    ...(emittedCallee === callee ? {} : { emittedCallee }),
    args,
    receiver,
    ...(phase === undefined ? {} : { phase }),
  };
}

/**
 * `mx.load`: the callee as V8 names it in `… is not a function` (the runtime throws that text for
 * a callee that is no function), written from the source as V8 prints the emitted JavaScript:
 * type-only wrappers gone, `mx['load']` as `mx.load`, a call as `f(...)`, a binary or comma
 * expression in parentheses with spaces around its operator, and anything else (an optional
 * chain in parentheses, `super`) as `(intermediate value)`.
 */
function calleeText(ts: typeof TS, node: TS.CallExpression | TS.NewExpression, emittedName: EmittedName | undefined): string {
  return v8Name(ts, node.expression, emittedName);
}

/**
 * An expression as V8 prints it in its errors (see `calleeText`). A call inside it is `f(...)`, as
 * in `… is not a function`, or `f`, as in `… is not a function or its return value is not
 * iterable` (`calls: ''`).
 */
export function v8Name(ts: typeof TS, expression: TS.Expression, emittedName: EmittedName | undefined, calls = '(...)'): string {
  return printed(ts, expression, { emittedName: emittedName ?? (() => undefined), calls });
}

interface Printing {
  readonly emittedName: EmittedName;
  /** What follows the callee of a call: `(...)`, or nothing. */
  readonly calls: string;
}

export type EmittedName = (identifier: TS.Identifier) => string | undefined;

const INTERMEDIATE = '(intermediate value)';

function printed(ts: typeof TS, expression: TS.Expression, name: Printing): string {
  const node = withoutTypes(ts, expression);
  if (ts.isParenthesizedExpression(node)) {
    const inner = withoutTypes(ts, node.expression);
    return ts.isOptionalChain(inner) ? INTERMEDIATE : printed(ts, inner, name);
  }
  if (ts.isIdentifier(node)) return name.emittedName(node) ?? node.text;
  if (ts.isPrivateIdentifier(node)) return node.text;
  if (node.kind === ts.SyntaxKind.ThisKeyword) return 'this';
  // V8 says `(intermediate value)`; events are read by people, for whom `super.forward` says more.
  if (node.kind === ts.SyntaxKind.SuperKeyword) return 'super';
  if (ts.isPropertyAccessExpression(node)) return `${printed(ts, node.expression, name)}${node.questionDotToken === undefined ? '.' : '?.'}${node.name.text}`;
  if (ts.isElementAccessExpression(node)) {
    const key = withoutTypes(ts, node.argumentExpression);
    const object = `${printed(ts, node.expression, name)}${node.questionDotToken === undefined ? '' : '?.'}`;
    if (ts.isStringLiteral(key) || ts.isNoSubstitutionTemplateLiteral(key)) return `${object}${node.questionDotToken === undefined ? '.' : ''}${key.text}`;
    return `${object}[${printed(ts, key, name)}]`;
  }
  if (ts.isCallExpression(node)) return `${printed(ts, node.expression, name)}${name.calls}`;
  if (ts.isBinaryExpression(node)) return `(${printed(ts, node.left, name)} ${node.operatorToken.getText()} ${printed(ts, node.right, name)})`;
  if (ts.isStringLiteral(node)) return JSON.stringify(node.text);
  if (ts.isNumericLiteral(node)) return node.text;
  return INTERMEDIATE;
}

/** The expression under `as`, `!`, `satisfies` and `<T>`, which the emitted JavaScript does not have. */
function withoutTypes(ts: typeof TS, expression: TS.Expression): TS.Expression {
  let current = expression;
  while (ts.isAsExpression(current) || ts.isNonNullExpression(current) || ts.isSatisfiesExpression(current) || ts.isTypeAssertionExpression(current)) current = current.expression;
  return current;
}

/**
 * `predict`, `Model#forward`, `Model.create`, or null at module level. `cache` (one per file) keeps
 * the answer for every ancestor walked, so sites in the same function do not walk again.
 */
export function enclosingFunctionName(ts: typeof TS, node: TS.Node, cache?: Map<TS.Node, string | null>): string | null {
  const walked: TS.Node[] = [];
  let name: string | null = null;
  for (let current = node.parent; !ts.isSourceFile(current); current = current.parent) {
    const known = cache?.get(current);
    if (known !== undefined) {
      name = known;
      break;
    }
    walked.push(current);
    const own = ownName(ts, current);
    if (own !== undefined) {
      name = own;
      break;
    }
  }
  if (cache !== undefined) for (const ancestor of walked) cache.set(ancestor, name);
  return name;
}

/** The name a function-like node gives its body, or undefined when the name comes from further up. */
function ownName(ts: typeof TS, current: TS.Node): string | undefined {
  if (ts.isFunctionDeclaration(current) || ts.isFunctionExpression(current)) {
    if (current.name !== undefined) return current.name.text;
  }
  if (ts.isMethodDeclaration(current) || ts.isGetAccessorDeclaration(current) || ts.isSetAccessorDeclaration(current) || ts.isConstructorDeclaration(current)) {
    const owner = ts.isClassLike(current.parent) ? (current.parent.name?.text ?? '(anonymous class)') : '(object)';
    const member = ts.isConstructorDeclaration(current) ? 'constructor' : current.name.getText();
    const isStatic = (ts.getCombinedModifierFlags(current) & ts.ModifierFlags.Static) !== 0;
    return `${owner}${isStatic ? '.' : '#'}${member}`;
  }
  if ((ts.isArrowFunction(current) || ts.isFunctionExpression(current)) && ts.isVariableDeclaration(current.parent) && ts.isIdentifier(current.parent.name)) {
    return current.parent.name.text;
  }
  return undefined;
}
