import type { BindingMatch } from '@mlx-audit/catalogue';
import type { SiteArgumentRole, SiteDescriptor, SiteMode } from '@mlx-audit/runtime/contract';
import type * as TS from 'typescript';

/**
 * The constants a call site's descriptor holds: where the call is, which binding, what each
 * argument is. Built once per site at compile time, so the runtime never formats a location.
 */
export function describeSite(
  ts: typeof TS,
  node: TS.CallExpression | TS.NewExpression,
  match: BindingMatch,
  mode: SiteMode,
  file: string,
  enclosingNames?: Map<TS.Node, string | null>,
): SiteDescriptor {
  const sourceFile = node.getSourceFile();
  const { line, character } = sourceFile.getLineAndCharacterOfPosition(node.getStart(sourceFile));
  const args: SiteArgumentRole[] = match.arguments.map((argument) => (argument.spread ? 'spread' : argument.role));
  let receiver: SiteDescriptor['receiver'] = null;
  if (match.receiver !== undefined) {
    const role = match.entry.kind === 'inference' || match.kind === 'layer-composition' ? 'module' : undefined;
    receiver = role ?? (match.id.startsWith('core.array#') ? 'tensor' : 'other');
  }
  return {
    id: match.id,
    kind: match.kind,
    mode,
    file,
    line: line + 1,
    column: character + 1,
    fn: enclosingFunctionName(ts, node, enclosingNames),
    callee: calleeText(ts, node),
    args,
    receiver,
  };
}

/**
 * `mx.load`: the callee as it reads in the emitted JavaScript (type assertions and `!` gone), which
 * is what V8 names in `… is not a function`.
 */
function calleeText(ts: typeof TS, node: TS.CallExpression | TS.NewExpression): string {
  const strip = (expression: TS.Node): string => {
    if (ts.isAsExpression(expression) || ts.isNonNullExpression(expression) || ts.isSatisfiesExpression(expression) || ts.isTypeAssertionExpression(expression)) {
      return strip(expression.expression);
    }
    if (ts.isParenthesizedExpression(expression)) {
      const inner = strip(expression.expression);
      // `(mx as any).load` is emitted `mx.load`; keep parentheses that JavaScript needs.
      return /^[\w$.]+$/.test(inner) ? inner : `(${inner})`;
    }
    if (ts.isPropertyAccessExpression(expression)) return `${strip(expression.expression)}${expression.questionDotToken === undefined ? '' : '?'}.${expression.name.text}`;
    return expression.getText().replace(/\s+/g, ' ');
  };
  return strip(node.expression);
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
