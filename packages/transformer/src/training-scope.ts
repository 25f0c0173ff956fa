import type { BindingKind, Differentiation } from '@mlx-audit/catalogue';
import type * as TS from 'typescript';
import type { KindMode } from './config.js';
import { importsRuntime } from './decide.js';
import { isOutermostChain } from './optional-chain.js';

/**
 * Whether a call is a training scope the transformer wraps: `lossAndGrad(x, y)`, a call of a
 * function a gradient transform returned (the catalogue's `callsTransformed`), emitted as
 * `__mlxa.training(() => lossAndGrad(x, y))` so a forward pass recorded while it runs, in any
 * function of any file, is labelled training. The transformer and `mlx-audit plan` both ask.
 *
 * The arrow keeps what the call observes: `this`, `super`, `arguments` and `new.target` are the
 * enclosing function's in an arrow, the callee and arguments are evaluated in it in their order,
 * and its value or exception is the call's. Left as written, where an arrow would change that:
 * - `await` or `yield` in the call (outside functions nested in it): an arrow cannot hold them;
 * - a direct `eval(…)` in it: a `var` it declares would belong to the arrow;
 * - a call inside a longer optional chain (`lossAndGrad?.(x)[0]`): the chain must short-circuit whole;
 * - when no forward pass is instrumented (`inference` and `layer-composition` both `off`), or in a
 *   file that imports the runtime itself (instrumented already).
 */
export function isTrainingScope(ts: typeof TS, node: TS.CallExpression, differentiation: Differentiation, modes: Readonly<Record<BindingKind, KindMode>>): boolean {
  if (modes.inference === 'off' && modes['layer-composition'] === 'off') return false;
  if (ts.isOptionalChain(node) && !isOutermostChain(ts, node)) return false;
  if (importsRuntime(ts, node.getSourceFile()) || !differentiation.callsTransformed(node)) return false;
  return !changesInAnArrow(ts, node);
}

/** `await`, `yield` or a direct `eval(…)` in `node`, outside the functions nested in it (their computed names aside). */
function changesInAnArrow(ts: typeof TS, node: TS.Node): boolean {
  const found = (child: TS.Node): boolean => {
    if (ts.isAwaitExpression(child) || ts.isYieldExpression(child)) return true;
    // `for await` outside an async function is a syntax error; inside one, it is an `await`.
    if (ts.isForOfStatement(child) && child.awaitModifier !== undefined) return true;
    if (ts.isCallExpression(child) && ts.isIdentifier(child.expression) && child.expression.text === 'eval') return true;
    if (ts.isFunctionLike(child)) return child.name !== undefined && ts.isComputedPropertyName(child.name) && found(child.name);
    // A class's field initialisers and static blocks are functions of their own too.
    if (ts.isPropertyDeclaration(child) || ts.isClassStaticBlockDeclaration(child)) return child.name !== undefined && ts.isComputedPropertyName(child.name) && found(child.name);
    return ts.forEachChild(child, found) ?? false;
  };
  return found(node);
}
