import { KIND_TRAITS } from '@mlx-audit/catalogue';
import type * as TS from 'typescript';
import { REQUEST_METADATA } from '../program/type-facts.js';
import { shortCallee, skipOuter } from '../util/syntax.js';
import { isErrorConstruction } from './call-facts.js';
import { evaluateCall } from './calls.js';
import type { AnalysisContext, Frame } from './context.js';
import { memberName, propertyName, readField, staticFieldOwner } from './fields.js';
import { SIZE_PROPERTIES } from './metadata.js';
import { CLEAN, concreteOf, sourceLabel, union, type Taint } from './labels.js';
import { promiseConstructionValue } from './promises.js';
import { reportArgument } from './sink-reports.js';
import { constructedValue } from './summaries.js';
import { declaredName, flowTypeLabels, isProcessEnv, nameLabels, stringifiedValue, typeLabels, userInputLabels } from './sources.js';
import { arrayValue, CLEAN_VALUE, deepTaint, joinEnvs, propertyOf, valueOf, withProperty, type Value } from './value.js';

/** What an expression evaluates to, in a frame whose variables it reads and writes. */
export function evaluate(frame: Frame, node: TS.Expression): Value {
  const { ts } = frame.context;
  if (ts.isParenthesizedExpression(node) || ts.isAsExpression(node) || ts.isNonNullExpression(node) || ts.isSatisfiesExpression(node) || ts.isTypeAssertionExpression(node)) {
    return frame.evaluate(node.expression);
  }
  if (ts.isIdentifier(node)) return evaluateIdentifier(frame, node);
  if (ts.isPropertyAccessExpression(node) || ts.isElementAccessExpression(node)) return evaluateAccess(frame, node);
  if (ts.isCallExpression(node)) return evaluateCall(frame, node);
  if (ts.isNewExpression(node)) return evaluateNew(frame, node);
  if (ts.isTemplateExpression(node)) return valueOf(union(...node.templateSpans.map((span) => textPart(frame, span.expression, stringified(frame, span.expression)))));
  if (ts.isTaggedTemplateExpression(node)) {
    const template = node.template;
    return valueOf(ts.isTemplateExpression(template) ? union(...template.templateSpans.map((span) => deepTaint(frame.evaluate(span.expression)))) : CLEAN);
  }
  if (ts.isBinaryExpression(node)) return evaluateBinary(frame, node);
  if (ts.isConditionalExpression(node)) {
    frame.evaluate(node.condition);
    const before = frame.env;
    frame.env = new Map(before);
    const whenTrue = frame.evaluate(node.whenTrue);
    const afterTrue = frame.env;
    frame.env = new Map(before);
    const whenFalse = frame.evaluate(node.whenFalse);
    frame.env = joinEnvs(afterTrue, frame.env);
    return valueOf(union(deepTaint(whenTrue), deepTaint(whenFalse)));
  }
  if (ts.isPrefixUnaryExpression(node)) {
    const operand = frame.evaluate(node.operand);
    return node.operator === ts.SyntaxKind.ExclamationToken ? CLEAN_VALUE : valueOf(deepTaint(operand));
  }
  if (ts.isPostfixUnaryExpression(node)) return valueOf(deepTaint(frame.evaluate(node.operand)));
  if (ts.isTypeOfExpression(node) || ts.isVoidExpression(node) || ts.isDeleteExpression(node)) {
    frame.evaluate(node.expression);
    return CLEAN_VALUE;
  }
  if (ts.isAwaitExpression(node) || ts.isSpreadElement(node)) return frame.evaluate(node.expression);
  if (ts.isYieldExpression(node)) {
    if (node.expression !== undefined) frame.addReturn(valueOf(deepTaint(frame.evaluate(node.expression))));
    return CLEAN_VALUE;
  }
  if (ts.isObjectLiteralExpression(node)) return evaluateObject(frame, node);
  if (ts.isArrayLiteralExpression(node)) {
    const spreadFrom = node.elements.findIndex((element) => ts.isSpreadElement(element));
    return arrayValue(
      node.elements.map((element) => frame.evaluate(element)),
      spreadFrom < 0 ? undefined : spreadFrom,
    );
  }
  if (ts.isArrowFunction(node) || ts.isFunctionExpression(node)) {
    frame.analyzeNested(node, []);
    return CLEAN_VALUE;
  }
  if (ts.isClassExpression(node)) {
    frame.visitClass(node);
    return CLEAN_VALUE;
  }
  // Literals, `this` (its fields are read through `this.x`), `super`, meta-properties.
  return CLEAN_VALUE;
}

function evaluateIdentifier(frame: Frame, node: TS.Identifier): Value {
  const { context } = frame;
  const symbol = symbolOfIdentifier(frame, node);
  const flow = symbol === undefined ? CLEAN_VALUE : (frame.env.get(symbol) ?? CLEAN_VALUE);
  const declared = symbol?.valueDeclaration === undefined ? undefined : context.ts.getNameOfDeclaration(symbol.valueDeclaration);
  const extra = union(rootLabels(frame, symbol, undefined), nameLabels(context, node, node.text, declared), typeLabels(context, node, symbol), userInputLabels(context, node));
  return extra.length === 0 ? flow : { ...flow, taint: union(flow.taint, extra) };
}

function symbolOfIdentifier(frame: Frame, node: TS.Identifier): TS.Symbol | undefined {
  const { ts, checker } = frame.context;
  if (ts.isShorthandPropertyAssignment(node.parent)) return checker.getShorthandAssignmentValueSymbol(node.parent);
  return checker.getSymbolAtLocation(node);
}

/** A model input by where its variable's value goes. */
function rootLabels(frame: Frame, symbol: TS.Symbol | undefined, property: string | undefined): Taint {
  if (symbol === undefined) return CLEAN;
  const root = frame.context.modelInputRoots(frame.unit.getSourceFile()).get(symbol);
  if (root === undefined) return CLEAN;
  // Reading the whole object reads the parts that reach the model too.
  if (root.props === 'whole' || property === undefined || root.props.has(property)) return [root.label];
  return CLEAN;
}

function evaluateAccess(frame: Frame, node: TS.PropertyAccessExpression | TS.ElementAccessExpression): Value {
  const { context } = frame;
  const { ts } = context;
  const name = propertyName(ts, node);
  const receiverNode = skipOuter(ts, node.expression);
  // `vocabulary[id]` with a tainted `id` selects by the data: decoding a model's output.
  const keyTaint = ts.isElementAccessExpression(node) ? context.flow.keyTaint(deepTaint(frame.evaluate(node.argumentExpression))) : CLEAN;
  const secret = (): Taint => (context.wants('secret') ? [sourceLabel('secret', node)] : CLEAN);
  // `process.env` is a secret as a whole; `process.env.NODE_ENV` only if named like one.
  // Both are untrusted input under the `environment` threat model of log injection.
  if (isProcessEnv(context, receiverNode)) return valueOf(union(name !== undefined && context.isSecretName(name) ? secret() : CLEAN, userInputLabels(context, node)));
  if (isProcessEnv(context, node)) return valueOf(union(secret(), userInputLabels(context, node)));
  const userInput = userInputLabels(context, node);
  if (userInput.length > 0) return valueOf(userInput);
  const match = context.matcher.match(node);
  // A read of an MLX binding whose kind says its value is clean: a shape, a dtype, a constant.
  if ((match !== undefined && KIND_TRAITS[match.kind].result === 'clean') || (name !== undefined && SIZE_PROPERTIES.has(name))) {
    frame.evaluate(node.expression);
    return CLEAN_VALUE;
  }
  const receiverType = context.checker.getTypeAtLocation(receiverNode);
  if (name !== undefined && REQUEST_METADATA.has(name) && context.types.isRequest(receiverType)) return CLEAN_VALUE;

  let flow: Value;
  if (receiverNode.kind === ts.SyntaxKind.ThisKeyword) {
    const owner = ts.findAncestor(node, ts.isClassLike);
    flow = valueOf(owner === undefined || name === undefined ? CLEAN : readField(context, owner, name));
  } else {
    const fieldOwner = name === undefined ? undefined : staticFieldOwner(context, receiverNode);
    if (fieldOwner !== undefined && name !== undefined) flow = valueOf(readField(context, fieldOwner, `static ${name}`));
    else flow = propertyOf(flowOf(frame, receiverNode), name);
  }
  const getter = getterSummary(frame, node);
  const rootSymbol = ts.isIdentifier(receiverNode) ? context.checker.getSymbolAtLocation(receiverNode) : undefined;
  const requestLabel = context.types.isRequest(receiverType) ? [sourceLabel('request-data', node)] : CLEAN;
  const extra = union(
    keyTaint,
    rootLabels(frame, rootSymbol, name),
    name === undefined ? CLEAN : nameLabels(context, node, name, declaredName(context, node)),
    typeLabels(context, node),
    getter,
  );
  // The access (`req.query`) names the request data better than the request it was read from.
  if (requestLabel.length > 0) return { ...flow, taint: union(requestLabel, flow.taint, extra) };
  return notATensor(context, node, extra.length === 0 ? flow : { ...flow, taint: union(flow.taint, extra) });
}

/**
 * A number, a string or a boolean is never a tensor, whatever it was read from or computed with
 * (`model.config.dims`, `model.width * 2`): the tensor label, which says what a value is, is
 * dropped. What was extracted from a tensor's contents is raw tensor data, a label of its own.
 */
function notATensor(context: AnalysisContext, node: TS.Expression, value: Value): Value {
  if (!value.taint.some((label) => label.type === 'source' && label.kind === 'tensor')) return value;
  if (!isPrimitive(context, context.checker.getTypeAtLocation(node))) return value;
  return { ...value, taint: value.taint.filter((label) => label.type !== 'source' || label.kind !== 'tensor') };
}

function isPrimitive(context: AnalysisContext, type: TS.Type): boolean {
  const { ts } = context;
  const primitive = ts.TypeFlags.NumberLike | ts.TypeFlags.StringLike | ts.TypeFlags.BooleanLike | ts.TypeFlags.BigIntLike | ts.TypeFlags.EnumLike;
  const nothing = ts.TypeFlags.Null | ts.TypeFlags.Undefined | ts.TypeFlags.Void;
  const parts = type.isUnion() ? type.types : [type];
  return parts.every((part) => (part.flags & (primitive | nothing)) !== 0) && parts.some((part) => (part.flags & primitive) !== 0);
}

/**
 * A receiver's value as data flow left it, without what its type says: `record.id` of a
 * record whose type holds a tensor is only as tainted as what was stored in `id`.
 */
export function flowOf(frame: Frame, node: TS.Expression): Value {
  const { context } = frame;
  const inner = skipOuter(context.ts, node);
  if (!context.ts.isIdentifier(inner)) return frame.evaluate(inner);
  const symbol = symbolOfIdentifier(frame, inner);
  let flow = symbol === undefined ? CLEAN_VALUE : (frame.env.get(symbol) ?? CLEAN_VALUE);
  const root = symbol === undefined ? undefined : context.modelInputRoots(frame.unit.getSourceFile()).get(symbol);
  if (root?.props === 'whole') return { ...flow, taint: union(flow.taint, [root.label]) };
  // The parts that reach a model are model inputs, read one by one (`const { inputs } = batch`).
  if (root !== undefined) {
    for (const name of root.props) {
      const part = propertyOf(flow, name);
      flow = withProperty(flow, name, { ...part, taint: union(part.taint, [root.label]) });
    }
  }
  if (context.types.isRequest(context.checker.getTypeAtLocation(inner))) return { ...flow, taint: union(flow.taint, [sourceLabel('request-data', inner)]) };
  const userInput = userInputLabels(context, inner);
  return userInput.length === 0 ? flow : { ...flow, taint: union(flow.taint, userInput) };
}

function getterSummary(frame: Frame, node: TS.PropertyAccessExpression | TS.ElementAccessExpression): Taint {
  const { ts, checker } = frame.context;
  const declaration = checker.getSymbolAtLocation(ts.isPropertyAccessExpression(node) ? node.name : node.argumentExpression)?.declarations?.find((d) => ts.isGetAccessorDeclaration(d));
  if (declaration === undefined || !ts.isGetAccessorDeclaration(declaration) || declaration.body === undefined) return CLEAN;
  if (declaration.getSourceFile().isDeclarationFile) return CLEAN;
  const summary = frame.context.summaryOf(declaration, frame.depth + 1);
  return summary === undefined ? CLEAN : concreteOf(deepTaint(summary.returns));
}

function evaluateBinary(frame: Frame, node: TS.BinaryExpression): Value {
  const { context } = frame;
  const { ts } = context;
  const operator = node.operatorToken.kind;
  if (operator === ts.SyntaxKind.EqualsToken) {
    const value = frame.evaluate(node.right);
    frame.assign(node.left, value);
    return value;
  }
  if (operator >= ts.SyntaxKind.FirstCompoundAssignment && operator <= ts.SyntaxKind.LastCompoundAssignment) {
    const value = valueOf(union(deepTaint(frame.evaluate(node.left)), deepTaint(frame.evaluate(node.right))));
    frame.assign(node.left, value);
    return value;
  }
  if (operator === ts.SyntaxKind.CommaToken) {
    frame.evaluate(node.left);
    return frame.evaluate(node.right);
  }
  const left = frame.evaluate(node.left);
  const right = frame.evaluate(node.right);
  switch (operator) {
    // Comparisons and tests give booleans: nothing of the data is left.
    case ts.SyntaxKind.EqualsEqualsToken:
    case ts.SyntaxKind.EqualsEqualsEqualsToken:
    case ts.SyntaxKind.ExclamationEqualsToken:
    case ts.SyntaxKind.ExclamationEqualsEqualsToken:
    case ts.SyntaxKind.LessThanToken:
    case ts.SyntaxKind.LessThanEqualsToken:
    case ts.SyntaxKind.GreaterThanToken:
    case ts.SyntaxKind.GreaterThanEqualsToken:
    case ts.SyntaxKind.InstanceOfKeyword:
    case ts.SyntaxKind.InKeyword:
      return CLEAN_VALUE;
    case ts.SyntaxKind.PlusToken:
      if (context.checker.getTypeAtLocation(node).flags & ts.TypeFlags.StringLike) {
        return valueOf(union(textPart(frame, node.left, stringifiedValue(context, node.left, left)), textPart(frame, node.right, stringifiedValue(context, node.right, right))));
      }
      return notATensor(context, node, valueOf(union(deepTaint(left), deepTaint(right))));
    default:
      return notATensor(context, node, valueOf(union(deepTaint(left), deepTaint(right))));
  }
}

/** One part of a message template or concatenation, as the policy keeps it (log injection's fixes need it). */
function textPart(frame: Frame, node: TS.Expression, taint: Taint): Taint {
  return frame.context.flow.textPart(frame.context, node, taint);
}

/** A tensor turned into text prints its contents: `${x}`, `'' + x`, `String(x)`. */
function stringified(frame: Frame, expression: TS.Expression): Taint {
  return stringifiedValue(frame.context, expression, frame.evaluate(expression));
}

function evaluateObject(frame: Frame, node: TS.ObjectLiteralExpression): Value {
  const { ts } = frame.context;
  const props = new Map<string, Value>();
  let whole: Taint = CLEAN;
  for (const property of node.properties) {
    if (ts.isPropertyAssignment(property)) {
      const value = frame.evaluate(property.initializer);
      const key = ts.isIdentifier(property.name) || ts.isStringLiteral(property.name) || ts.isNumericLiteral(property.name) ? property.name.text : undefined;
      if (key === undefined) whole = union(whole, deepTaint(value));
      else props.set(key, value);
    } else if (ts.isShorthandPropertyAssignment(property)) {
      props.set(property.name.text, evaluateIdentifier(frame, property.name));
    } else if (ts.isSpreadAssignment(property)) {
      const spread = frame.evaluate(property.expression);
      whole = union(whole, spread.taint);
      spread.props?.forEach((value, key) => props.set(key, value));
    } else if (ts.isGetAccessorDeclaration(property) || ts.isMethodDeclaration(property)) {
      const summary = frame.analyzeNested(property, []);
      const key = memberName(ts, property);
      if (ts.isGetAccessorDeclaration(property) && key !== undefined) props.set(key, valueOf(concreteOf(deepTaint(summary.returns))));
    }
  }
  return props.size === 0 ? valueOf(whole) : { taint: whole, props };
}

function evaluateNew(frame: Frame, node: TS.NewExpression): Value {
  const { context } = frame;
  const promised = promiseConstructionValue(frame, node);
  if (promised !== undefined) return promised;
  const args = (node.arguments ?? []).map((argument) => frame.evaluate(argument));
  const taint = union(...args.map((value) => deepTaint(value)), flowTypeLabels(context, node));
  if (context.options.checkErrorMessages && isErrorConstruction(context, node)) {
    (node.arguments ?? []).forEach((argument, index) => {
      reportArgument(frame, node, argument, args[index] ?? CLEAN_VALUE, `new ${shortCallee(context.ts, node.expression)}`, undefined);
    });
  }
  const instance = constructedValue(frame, node, args);
  if (instance !== undefined) return { ...instance, taint: union(instance.taint, flowTypeLabels(context, node)) };
  return valueOf(taint);
}
