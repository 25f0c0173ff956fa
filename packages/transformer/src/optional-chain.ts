import type * as TS from 'typescript';
import { invokeCall, rewriteBoundCall, rewriteCall, temp, type RewriteContext } from './rewrite.js';

// An MLX call inside a longer optional chain (`maybe?.model.forward(x).sum()`) cannot be rewritten
// on its own: the rewrite is an expression of its own, which ends the chain, so what follows would
// run on `undefined` where the chain would have stopped. The whole chain is written out instead,
// each `?.` as the test it stands for, the way TypeScript writes chains for ES2019:
//
//   maybe?.model.forward(x).sum()
//   (_t = maybe) == null ? void 0 : <_t.model.forward(x).sum(), every MLX call in it rewritten>
//
// Each `?.` is tested once, on a value read once, in the order written; nothing after a nullish
// link runs (its arguments included), and a method keeps its receiver as `this`.

/** One link of a chain after its base: `.name`, `[key]`, `(args)` or `!`, and whether it is `?.`. */
type Link =
  | { readonly kind: 'property'; readonly name: TS.MemberName; readonly optional: boolean }
  | { readonly kind: 'element'; readonly key: TS.Expression; readonly optional: boolean }
  | { readonly kind: 'call'; readonly args: readonly TS.Expression[]; readonly optional: boolean; readonly original: TS.CallExpression; readonly site: TS.Identifier | undefined }
  | { readonly kind: 'non-null'; readonly optional: false };

/** What the chain's own code needs: how to visit what it contains, and the site of each MLX call. */
export interface ChainVisitor {
  readonly visit: (node: TS.Expression) => TS.Expression;
  /** The site of an instrumented call of the chain (made when first asked), or undefined. */
  readonly siteOf: (call: TS.CallExpression) => TS.Identifier | undefined;
}

/** Whether `node` continues the chain `inner` (`inner.x`, `inner[k]`, `inner()` , `inner!` as part of it). */
function continuesChain(ts: typeof TS, node: TS.Node, inner: TS.Node): boolean {
  return (
    (ts.isPropertyAccessExpression(node) || ts.isElementAccessExpression(node) || ts.isCallExpression(node) || ts.isNonNullExpression(node)) &&
    node.expression === inner &&
    ts.isOptionalChain(node)
  );
}

/** The top node of an optional chain: part of one, and nothing above continues it. Reads parents: original nodes only. */
export function isOutermostChain(ts: typeof TS, node: TS.Node): node is TS.OptionalChain {
  return ts.isOptionalChain(node) && !continuesChain(ts, node.parent, node);
}

/**
 * `a?.m(x)`, `a.m?.(x)` or `f?.(x)` with nothing before it and nothing after it in the chain:
 * `rewriteCall` keeps these short-circuits itself.
 */
export function isSimpleOptionalCall(ts: typeof TS, node: TS.CallExpression): boolean {
  if (!isOutermostChain(ts, node)) return false;
  const callee = node.expression;
  if (ts.isPropertyAccessExpression(callee) || ts.isElementAccessExpression(callee)) {
    const receiver = callee.expression;
    return !(ts.isOptionalChain(receiver) && (ts.isPropertyAccessExpression(receiver) || ts.isElementAccessExpression(receiver) || ts.isCallExpression(receiver)));
  }
  return !ts.isOptionalChain(callee);
}

/** The calls of a chain's spine (not of its arguments), outermost first. */
export function chainCalls(ts: typeof TS, chain: TS.Expression): TS.CallExpression[] {
  const calls: TS.CallExpression[] = [];
  let current: TS.Expression = chain;
  while (ts.isOptionalChain(current)) {
    if (ts.isCallExpression(current)) calls.push(current);
    current = current.expression;
  }
  return calls;
}

/**
 * The chain written out with its tests, its MLX calls rewritten. `wrap` makes the value at the
 * end of the chain into what the chain's context needs (`delete` of it), and `short` is what the
 * whole expression is when a link is nullish (`void 0`; `true` for `delete`).
 */
export function lowerChain(
  rc: RewriteContext,
  chain: TS.OptionalChain,
  visitor: ChainVisitor,
  wrap: (end: TS.Expression) => TS.Expression = (end) => end,
  short?: TS.Expression,
): TS.Expression {
  const { ts } = rc;
  const factory = rc.context.factory;
  const { base, links, superMember } = spine(ts, chain, visitor);
  const lowered = emit(rc, base, links, wrap, short ?? factory.createVoidZero(), superMember ? factory.createThis() : undefined);
  return ts.setTextRange(factory.createParenthesizedExpression(lowered), chain);
}

/**
 * `(a?.b.c)(x)`: a callee that is an optional chain in parentheses. The call keeps the chain's
 * last receiver as `this`; a nullish link makes the callee `undefined`, and the call throws, as
 * the call as written does.
 */
export function lowerParenthesisedChainCall(rc: RewriteContext, call: TS.CallExpression, chain: TS.OptionalChain, visitor: ChainVisitor, site: TS.Identifier): TS.Expression {
  const { ts } = rc;
  const factory = rc.context.factory;
  const { base, links } = spine(ts, chain, visitor);
  const last = links.at(-1);
  const receiver = temp(rc, '_mlxa_r');
  const fn = temp(rc, '_mlxa_f');
  const args = call.arguments.map((argument) => visitor.visit(argument));
  const nothing = factory.createCommaListExpression([assign(factory, receiver, factory.createVoidZero()), assign(factory, fn, factory.createVoidZero())]);
  let callee: TS.Expression;
  if (last !== undefined && (last.kind === 'property' || last.kind === 'element')) {
    // The receiver is the value before the last link; a `?.` on that link tests it too.
    const read = (object: TS.Expression): TS.Expression => factory.createCommaListExpression([assign(factory, receiver, object), assign(factory, fn, member(factory, receiver, last))]);
    const capture = last.optional ? (object: TS.Expression): TS.Expression => test(factory, factory.createParenthesizedExpression(assign(factory, receiver, object)), nothing, read(receiver)) : read;
    callee = emit(rc, base, links.slice(0, -1), capture, nothing);
  } else {
    // `(a?.f())(x)`: no receiver.
    callee = factory.createCommaListExpression([assign(factory, receiver, factory.createVoidZero()), assign(factory, fn, emit(rc, base, links, (end) => end, factory.createVoidZero()))]);
  }
  const invoke = rewriteBoundCall(rc, site, receiver, fn, args);
  // `(a?.m)?.(x)`: the call's own `?.` tests the function, before any argument runs.
  const called = call.questionDotToken === undefined ? invoke : test(factory, fn, factory.createVoidZero(), invoke);
  return ts.setTextRange(factory.createParenthesizedExpression(factory.createCommaListExpression([callee, called])), call);
}

/** A chain as its base and links, base first; the base, keys and arguments visited. */
function spine(ts: typeof TS, chain: TS.Expression, visitor: ChainVisitor): { base: TS.Expression; links: Link[]; superMember: boolean } {
  const links: Link[] = [];
  let current: TS.Expression = chain;
  while (ts.isOptionalChain(current)) {
    links.unshift(link(ts, current, visitor));
    current = current.expression;
  }
  let base = visitor.visit(current);
  // `a.m?.(x)` where `a.m` is no part of the chain: the call still has `a` as `this`; and
  // `super.m?.(x)` has `this` (the method is read through `super`, which is no value).
  const [first] = links;
  if (first?.kind === 'call' && first.optional && (ts.isPropertyAccessExpression(current) || ts.isElementAccessExpression(current))) {
    const visited = base as TS.PropertyAccessExpression | TS.ElementAccessExpression;
    const member: Link = ts.isPropertyAccessExpression(visited) ? { kind: 'property', name: visited.name, optional: false } : { kind: 'element', key: visited.argumentExpression, optional: false };
    if (current.expression.kind === ts.SyntaxKind.SuperKeyword) return { base: visited, links, superMember: true };
    base = visited.expression;
    links.unshift(member);
  }
  return { base, links, superMember: false };
}

function link(ts: typeof TS, node: TS.OptionalChain, visitor: ChainVisitor): Link {
  if (ts.isPropertyAccessExpression(node)) return { kind: 'property', name: node.name, optional: node.questionDotToken !== undefined };
  if (ts.isElementAccessExpression(node)) return { kind: 'element', key: visitor.visit(node.argumentExpression), optional: node.questionDotToken !== undefined };
  if (ts.isCallExpression(node)) {
    return { kind: 'call', args: node.arguments.map((argument) => visitor.visit(argument)), optional: node.questionDotToken !== undefined, original: node, site: visitor.siteOf(node) };
  }
  return { kind: 'non-null', optional: false };
}

/** `value` followed by `links`, each `?.` written out as a test that makes the whole `short`. */
function emit(
  rc: RewriteContext,
  value: TS.Expression,
  links: readonly Link[],
  wrap: (end: TS.Expression) => TS.Expression,
  short: TS.Expression,
  // `this` of a first link `?.(` when the base is a method read through `super`.
  baseReceiver?: TS.Expression,
): TS.Expression {
  const factory = rc.context.factory;
  const at = links.findIndex((item) => item.optional);
  if (at === -1) return wrap(plain(rc, value, links));
  const optional = links[at];
  if (optional === undefined) throw new Error('unreachable: a link was found at this index');
  const rest = links.slice(at + 1);
  if (optional.kind === 'call') {
    const previous = links[at - 1];
    if (previous !== undefined && (previous.kind === 'property' || previous.kind === 'element')) {
      // `o.m?.(x)`: the receiver and the method are read once, and the test is on the method.
      const receiver = temp(rc, '_mlxa_r');
      const fn = temp(rc, '_mlxa_f');
      const read = factory.createParenthesizedExpression(
        factory.createCommaListExpression([assign(factory, receiver, plain(rc, value, links.slice(0, at - 1))), assign(factory, fn, member(factory, receiver, previous))]),
      );
      return test(factory, read, short, emit(rc, boundCall(rc, optional, receiver, fn), rest, wrap, short));
    }
    const fn = temp(rc, '_mlxa_f');
    const read = factory.createParenthesizedExpression(assign(factory, fn, plain(rc, value, links.slice(0, at))));
    return test(factory, read, short, emit(rc, boundCall(rc, optional, at === 0 ? baseReceiver : undefined, fn), rest, wrap, short));
  }
  const object = temp(rc, '_mlxa_t');
  const read = factory.createParenthesizedExpression(assign(factory, object, plain(rc, value, links.slice(0, at))));
  return test(factory, read, short, emit(rc, object, [{ ...optional, optional: false }, ...rest], wrap, short));
}

/** `read == null ? short : then`. */
function test(factory: TS.NodeFactory, read: TS.Expression, short: TS.Expression, then: TS.Expression): TS.Expression {
  return factory.createConditionalExpression(factory.createEquality(read, factory.createNull()), undefined, short, undefined, then);
}

/** Links with no `?.`: member reads as written (so a method call keeps its receiver), MLX calls rewritten. */
function plain(rc: RewriteContext, value: TS.Expression, links: readonly Link[]): TS.Expression {
  const { ts } = rc;
  const factory = rc.context.factory;
  let current = value;
  for (const item of links) {
    if (item.kind === 'property' || item.kind === 'element') current = member(factory, current, item);
    else if (item.kind === 'call') {
      const call = ts.setTextRange(factory.createCallExpression(current, undefined, item.args), item.original);
      current = item.site === undefined ? call : rewriteCall(rc, call, item.site);
    }
    // `!` is TypeScript's alone: nothing to write.
  }
  return current;
}

/** The call of a `?.(` link, on a method and receiver already read (or a function alone). */
function boundCall(rc: RewriteContext, item: Extract<Link, { kind: 'call' }>, receiver: TS.Expression | undefined, fn: TS.Identifier): TS.Expression {
  const factory = rc.context.factory;
  if (item.site !== undefined) return rc.ts.setTextRange(rewriteBoundCall(rc, item.site, receiver, fn, item.args), item.original);
  if (receiver === undefined) return factory.createCallExpression(fn, undefined, item.args);
  return invokeCall(rc, fn, receiver, item.args);
}

function member(factory: TS.NodeFactory, object: TS.Expression, item: Extract<Link, { kind: 'property' | 'element' }>): TS.Expression {
  return item.kind === 'property' ? factory.createPropertyAccessExpression(object, item.name) : factory.createElementAccessExpression(object, item.key);
}

function assign(factory: TS.NodeFactory, target: TS.Identifier, value: TS.Expression): TS.Expression {
  return factory.createAssignment(target, value);
}
