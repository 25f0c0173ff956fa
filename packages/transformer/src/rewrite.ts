import { INSTRUMENT_FUNCTIONS } from '@mlx-audit/runtime/contract';
import type * as TS from 'typescript';
import { propertyName, uniqueName } from './names.js';

/** What a rewrite needs besides the node: the `ts` of the compilation and the file's names. */
export interface RewriteContext {
  readonly ts: typeof TS;
  readonly context: TS.TransformationContext;
  /** The runtime namespace identifier (`__mlxa`). */
  readonly runtime: TS.Identifier;
  /**
   * Set while rewriting a call in a parameter's default value or a class field's initialiser: its
   * temporaries become parameters of an arrow function called in place (see `inParameterScope`),
   * since a temporary hoisted into the function makes TypeScript move every default into the
   * body, which changes the function's `length`, and one hoisted out of a class is shared by the
   * initialisers of every instance.
   */
  parameterTemporaries?: TS.Identifier[] | undefined;
}

/**
 * Rewrites a call so that, when the site's channel has subscribers, it runs through the runtime,
 * and otherwise runs as written:
 *
 * @example
 * // mx.matmul(a, f(b))
 * (_r = mx, _f = _r.matmul, _a0 = a, _a1 = f(b),
 *   site.channel.hasSubscribers || typeof _f !== 'function' ? __mlxa.call(site, _r, _f, [_a0, _a1])
 *   : __mlxa.invoke(_f, _r, _a0, _a1))
 *
 * Receiver, callee and arguments are evaluated once, in the original order, into temporaries of
 * the enclosing function (so recursion and `await` keep their own); no code is duplicated, so
 * nested instrumented calls do not grow the output. A callee that is no function goes to the
 * runtime, which throws V8's own `TypeError` text for the original callee.
 */
export function rewriteCall(rc: RewriteContext, node: TS.CallExpression, site: TS.Identifier): TS.Expression {
  const { ts } = rc;
  const factory = rc.context.factory;
  // `(model.forward)(x)` calls with `this` as `model.forward(x)` does; `(0, model.forward)(x)` does not.
  const callee = memberCallee(ts, node.expression) ?? node.expression;
  const steps: TS.Expression[] = [];
  let thisArg: TS.Expression;
  let fn: TS.Identifier;
  const isOptionalCall = node.questionDotToken !== undefined;
  // The receiver's own `?.` (`model?.forward(x)`): nothing runs when it is nullish.
  let optionalReceiver: TS.Identifier | undefined;

  if (ts.isPropertyAccessExpression(callee) || ts.isElementAccessExpression(callee)) {
    fn = temp(rc, '_mlxa_f');
    if (callee.expression.kind === ts.SyntaxKind.SuperKeyword) {
      thisArg = factory.createThis();
      steps.push(assign(factory, fn, callee));
    } else {
      const receiver = temp(rc, '_mlxa_r');
      thisArg = receiver;
      if (callee.questionDotToken !== undefined) optionalReceiver = receiver;
      steps.push(assign(factory, receiver, callee.expression));
      const read = ts.isPropertyAccessExpression(callee)
        ? factory.createPropertyAccessExpression(receiver, callee.name)
        : factory.createElementAccessExpression(receiver, callee.argumentExpression);
      steps.push(assign(factory, fn, read));
    }
  } else {
    fn = temp(rc, '_mlxa_f');
    thisArg = factory.createVoidZero();
    steps.push(assign(factory, fn, callee));
  }

  const { argumentSteps, invoke } = invocation(rc, site, thisArg, fn, node.arguments, ts.isPropertyAccessExpression(callee) || ts.isElementAccessExpression(callee));

  // `a?.m(x)` and `a.m?.(x)`: a nullish receiver or method makes the call `undefined`, arguments unevaluated.
  // `steps` holds the receiver (if any) then the callee; the arguments follow in `argumentSteps`.
  const rest = maybeOptional(factory, isOptionalCall, fn, argumentSteps, invoke);
  let expression: TS.Expression;
  const [receiverStep, fnStep] = steps;
  if (optionalReceiver !== undefined && receiverStep !== undefined && fnStep !== undefined) {
    expression = factory.createCommaListExpression([
      receiverStep,
      factory.createConditionalExpression(nullish(factory, optionalReceiver), undefined, factory.createVoidZero(), undefined, factory.createCommaListExpression([fnStep, ...rest])),
    ]);
  } else {
    expression = factory.createCommaListExpression([...steps, ...rest]);
  }
  return ts.setTextRange(factory.createParenthesizedExpression(expression), node);
}

/**
 * A call whose function and receiver (none for a plain function) are already in temporaries (a
 * `?.(` link of an optional chain, see optional-chain.ts): the arguments, then the guarded call,
 * as in `rewriteCall`.
 */
export function rewriteBoundCall(rc: RewriteContext, site: TS.Identifier, thisArg: TS.Expression | undefined, fn: TS.Identifier, args: readonly TS.Expression[]): TS.Expression {
  const method = thisArg !== undefined;
  const { argumentSteps, invoke } = invocation(rc, site, thisArg ?? rc.context.factory.createVoidZero(), fn, args, method);
  return rc.context.factory.createParenthesizedExpression(rc.context.factory.createCommaListExpression([...argumentSteps, invoke]));
}

/**
 * The arguments into temporaries, then the call: through the runtime when the site has
 * subscribers (or the callee is no function, for V8's own error text), else as written (with
 * `.call` when there is a receiver, so `this` is the same).
 */
function invocation(
  rc: RewriteContext,
  site: TS.Identifier,
  thisArg: TS.Expression,
  fn: TS.Identifier,
  callArguments: readonly TS.Expression[],
  method: boolean,
): { argumentSteps: TS.Expression[]; invoke: TS.Expression } {
  const { ts } = rc;
  const factory = rc.context.factory;
  const argumentSteps: TS.Expression[] = [];
  const args = callArguments.map((argument) => {
    const value = temp(rc, '_mlxa_a');
    argumentSteps.push(assign(factory, value, argumentValue(rc, argument)));
    return { value, spread: ts.isSpreadElement(argument) };
  });
  const argumentList = (): TS.Expression[] => args.map(({ value, spread }) => (spread ? factory.createSpreadElement(value) : value));
  const runtimeCall = factory.createCallExpression(
    factory.createPropertyAccessExpression(rc.runtime, propertyName(ts, factory, INSTRUMENT_FUNCTIONS.call)),
    undefined,
    [site, thisArg, fn, factory.createArrayLiteralExpression(argumentList())],
  );
  // A method through the runtime's `invoke`, which reads nothing from `fn` (`fn.call` would ask a Proxy's trap).
  const plainCall = method ? invokeCall(rc, fn, thisArg, argumentList()) : factory.createCallExpression(fn, undefined, argumentList());
  // One runtime call for both of its cases: the output (and the printing) is per site.
  const invoke = factory.createConditionalExpression(
    factory.createLogicalOr(
      hasSubscribers(ts, factory, site),
      factory.createStrictInequality(factory.createTypeOfExpression(fn), factory.createStringLiteral('function')),
    ),
    undefined,
    runtimeCall,
    undefined,
    plainCall,
  );
  return { argumentSteps, invoke };
}

/**
 * What an argument's temporary holds: the argument's value, or for `...items` the items, collected
 * by the runtime's `spread(...items)` where the spread stands, so it is iterated before the
 * arguments after it, and fails as the call's own spread would.
 */
function argumentValue(rc: RewriteContext, argument: TS.Expression): TS.Expression {
  const { ts } = rc;
  if (!ts.isSpreadElement(argument)) return argument;
  const factory = rc.context.factory;
  return factory.createCallExpression(factory.createPropertyAccessExpression(rc.runtime, propertyName(ts, factory, INSTRUMENT_FUNCTIONS.spread)), undefined, [argument]);
}

/**
 * A call that is no MLX call but whose method is read off one (`mx.ones([2]).nope()`): when the
 * method is no function, V8 would name the emitted code of the instrumented call in its error, so
 * the runtime throws V8's text with the source's name instead. Evaluated as written: the object,
 * the method, the arguments, then the check.
 */
export function rewriteGuardedMethodCall(rc: RewriteContext, node: TS.CallExpression, callee: TS.PropertyAccessExpression | TS.ElementAccessExpression, name: string): TS.Expression {
  const { ts } = rc;
  const factory = rc.context.factory;
  const receiver = temp(rc, '_mlxa_r');
  const fn = temp(rc, '_mlxa_f');
  const read = ts.isPropertyAccessExpression(callee) ? factory.createPropertyAccessExpression(receiver, callee.name) : factory.createElementAccessExpression(receiver, callee.argumentExpression);
  const steps: TS.Expression[] = [assign(factory, receiver, callee.expression), assign(factory, fn, read)];
  const args = node.arguments.map((argument) => {
    const value = temp(rc, '_mlxa_a');
    steps.push(assign(factory, value, argumentValue(rc, argument)));
    return ts.isSpreadElement(argument) ? factory.createSpreadElement(value) : value;
  });
  const fail = factory.createCallExpression(factory.createPropertyAccessExpression(rc.runtime, propertyName(ts, factory, INSTRUMENT_FUNCTIONS.notFunction)), undefined, [factory.createStringLiteral(name)]);
  steps.push(
    factory.createConditionalExpression(
      factory.createStrictInequality(factory.createTypeOfExpression(fn), factory.createStringLiteral('function')),
      undefined,
      fail,
      undefined,
      invokeCall(rc, fn, receiver, args),
    ),
  );
  return ts.setTextRange(factory.createParenthesizedExpression(factory.createCommaListExpression(steps)), node);
}

/** `__mlxa.iterable(value, name)`: what a `for…of` over an instrumented call iterates (see the runtime). */
export function iterableOf(rc: RewriteContext, value: TS.Expression, name: string): TS.Expression {
  const { ts } = rc;
  const factory = rc.context.factory;
  return factory.createCallExpression(factory.createPropertyAccessExpression(rc.runtime, propertyName(ts, factory, INSTRUMENT_FUNCTIONS.iterable)), undefined, [value, factory.createStringLiteral(name)]);
}

/**
 * `__mlxa.training(() => call)`: the call of a function a gradient transform returned, run as a
 * training scope (see training-scope.ts for why an arrow keeps what it observes).
 */
export function inTrainingScope(rc: RewriteContext, call: TS.Expression): TS.Expression {
  const { ts } = rc;
  const factory = rc.context.factory;
  const run = factory.createArrowFunction(undefined, undefined, [], undefined, factory.createToken(ts.SyntaxKind.EqualsGreaterThanToken), call);
  return factory.createCallExpression(factory.createPropertyAccessExpression(rc.runtime, propertyName(ts, factory, INSTRUMENT_FUNCTIONS.training)), undefined, [run]);
}

/** `__mlxa.invoke(fn, thisArg, ...args)`: `fn` called with `this`, reading nothing from it. */
export function invokeCall(rc: RewriteContext, fn: TS.Expression, thisArg: TS.Expression, args: readonly TS.Expression[]): TS.Expression {
  const { ts } = rc;
  const factory = rc.context.factory;
  return factory.createCallExpression(factory.createPropertyAccessExpression(rc.runtime, propertyName(ts, factory, INSTRUMENT_FUNCTIONS.invoke)), undefined, [fn, thisArg, ...args]);
}

/**
 * The member access a callee reads through parentheses and type-only wrappers (`as`, `!`,
 * `satisfies`, `<T>`), which keep the reference and so `this`; undefined for anything else.
 */
export function memberCallee(ts: typeof TS, expression: TS.Expression): TS.PropertyAccessExpression | TS.ElementAccessExpression | undefined {
  const current = skipParenthesesAndTypes(ts, expression);
  if (!(ts.isPropertyAccessExpression(current) || ts.isElementAccessExpression(current))) return undefined;
  // Through parentheses, an optional chain ends: `(a?.b)(x)` is optional-chain.ts's business.
  return current === expression || !ts.isOptionalChain(current) ? current : undefined;
}

/** An expression under parentheses and type-only wrappers (`as`, `!`, `satisfies`, `<T>`), which keep what it refers to. */
export function skipParenthesesAndTypes(ts: typeof TS, expression: TS.Expression): TS.Expression {
  let current = expression;
  while (ts.isParenthesizedExpression(current) || ts.isAsExpression(current) || ts.isNonNullExpression(current) || ts.isSatisfiesExpression(current) || ts.isTypeAssertionExpression(current)) {
    current = current.expression;
  }
  return current;
}

/**
 * Runs `rewrite` with temporaries that are parameters of an arrow function called in place:
 * `((_r, _f, _a) => (…))()`. For calls in parameter defaults and field initialisers (see
 * `parameterTemporaries`); an arrow keeps `this`, `arguments`, `super` and `new.target`, and
 * neither can hold `await` or `yield`, so the call behaves as written.
 */
export function inParameterScope(rc: RewriteContext, rewrite: () => TS.Expression): TS.Expression {
  const factory = rc.context.factory;
  const outer = rc.parameterTemporaries;
  const temporaries: TS.Identifier[] = [];
  rc.parameterTemporaries = temporaries;
  try {
    const expression = rewrite();
    if (temporaries.length === 0) return expression;
    const arrow = factory.createArrowFunction(
      undefined,
      undefined,
      temporaries.map((name) => factory.createParameterDeclaration(undefined, undefined, name)),
      undefined,
      factory.createToken(rc.ts.SyntaxKind.EqualsGreaterThanToken),
      expression,
    );
    return factory.createCallExpression(factory.createParenthesizedExpression(arrow), undefined, []);
  } finally {
    rc.parameterTemporaries = outer;
  }
}

/** `new C(a)`: `(_c = C, _a0 = a, site.channel.hasSubscribers ? __mlxa.construct(site, _c, [_a0]) : new _c(_a0))`. */
export function rewriteNew(rc: RewriteContext, node: TS.NewExpression, site: TS.Identifier): TS.Expression {
  const { ts } = rc;
  const factory = rc.context.factory;
  const target = temp(rc, '_mlxa_c');
  const steps: TS.Expression[] = [assign(factory, target, node.expression)];
  const args = (node.arguments ?? []).map((argument) => {
    const value = temp(rc, '_mlxa_a');
    steps.push(assign(factory, value, argumentValue(rc, argument)));
    return ts.isSpreadElement(argument) ? factory.createSpreadElement(value) : value;
  });
  const construct = factory.createCallExpression(
    factory.createPropertyAccessExpression(rc.runtime, propertyName(ts, factory, INSTRUMENT_FUNCTIONS.construct)),
    undefined,
    [site, target, factory.createArrayLiteralExpression(args)],
  );
  const plain = factory.createNewExpression(target, undefined, args);
  steps.push(factory.createConditionalExpression(hasSubscribers(ts, factory, site), undefined, construct, undefined, plain));
  return ts.setTextRange(factory.createParenthesizedExpression(factory.createCommaListExpression(steps)), node);
}

/** With `?.(`: a nullish function makes the call `undefined`, arguments unevaluated. */
function maybeOptional(factory: TS.NodeFactory, optional: boolean, fn: TS.Identifier, argumentSteps: TS.Expression[], invoke: TS.Expression): TS.Expression[] {
  if (!optional) return [...argumentSteps, invoke];
  return [factory.createConditionalExpression(nullish(factory, fn), undefined, factory.createVoidZero(), undefined, factory.createCommaListExpression([...argumentSteps, invoke]))];
}

function nullish(factory: TS.NodeFactory, value: TS.Expression): TS.Expression {
  return factory.createEquality(value, factory.createNull());
}

function hasSubscribers(ts: typeof TS, factory: TS.NodeFactory, site: TS.Identifier): TS.Expression {
  return factory.createPropertyAccessExpression(factory.createPropertyAccessExpression(site, propertyName(ts, factory, 'channel')), propertyName(ts, factory, 'hasSubscribers'));
}

function assign(factory: TS.NodeFactory, target: TS.Identifier, value: TS.Expression): TS.Expression {
  return factory.createAssignment(target, value);
}

/** A temporary of the enclosing function, or of the arrow a parameter default's call runs in. */
export function temp(rc: RewriteContext, base: string): TS.Identifier {
  const name = uniqueName(rc.ts, rc.context.factory, base);
  if (rc.parameterTemporaries === undefined) rc.context.hoistVariableDeclaration(name);
  else rc.parameterTemporaries.push(name);
  return name;
}
