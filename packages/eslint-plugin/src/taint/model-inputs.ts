import { KIND_TRAITS } from '@mlx-audit/catalogue';
import type * as TS from 'typescript';
import type { AnalysisContext, ModelInputRoots } from './context.js';
import { calledDeclaration } from '../program/called-declaration.js';
import { sourceLabel, type SourceLabel } from './labels.js';
import { fileReadName } from './sources.js';
import { shortCallee, skipOuter } from '../util/syntax.js';

/**
 * Finds the model inputs of a scope (a file, or one function's body): what is passed to inference,
 * the data tensors are built from, the parameters of `forward` in `nn.Module` subclasses, and
 * what user functions pass on to those. Followed backwards through `const` definitions, so the
 * prompt that `ids = tokenizer.encode(prompt)` came from is an input too.
 */
export function findModelInputs(context: AnalysisContext, scope: TS.Node, depth: number): ModelInputRoots {
  const { ts, checker, matcher } = context;
  const roots: ModelInputRoots = new Map();
  const followed = new Set<TS.Node>();
  let writes: Map<string, Write[]> | undefined;

  const markSymbol = (symbol: TS.Symbol | undefined, label: SourceLabel, prop?: string): void => {
    if (symbol === undefined) return;
    const existing = roots.get(symbol);
    if (existing?.props === 'whole') return;
    if (prop === undefined) {
      roots.set(symbol, { label, props: 'whole' });
      const declaration = symbol.valueDeclaration;
      // The value came from somewhere: a `const ids = encode(prompt)` makes `prompt` an input.
      if (declaration !== undefined && ts.isVariableDeclaration(declaration) && declaration.initializer !== undefined && !followed.has(declaration)) {
        followed.add(declaration);
        mark(declaration.initializer, label);
      }
      // And from what is written into it later: `history += turn`, `turns.push(turn)`.
      writes ??= collectWrites(ts, scope);
      for (const write of writes.get(symbol.name) ?? []) {
        if (checker.getSymbolAtLocation(write.target) === symbol) mark(write.value, label);
      }
      return;
    }
    const props = new Set(existing?.props ?? []);
    props.add(prop);
    roots.set(symbol, { label: existing?.label ?? label, props });
  };

  const mark = (expression: TS.Expression, label: SourceLabel): void => {
    const node = skipOuter(ts, expression);
    const match = ts.isCallExpression(node) ? matcher.match(node) : undefined;
    if (ts.isIdentifier(node)) {
      markSymbol(checker.getSymbolAtLocation(node), label);
    } else if (ts.isPropertyAccessExpression(node) && ts.isIdentifier(node.expression)) {
      markSymbol(checker.getSymbolAtLocation(node.expression), label, node.name.text);
    } else if (ts.isElementAccessExpression(node)) {
      // `job.tokens[0]`: an element of the data is the data.
      mark(node.expression, label);
    } else if (match !== undefined) {
      // Through MLX itself only the data goes on: `mx.array(ids)`, not `mx.random.key(seed)`.
      if (match.receiver !== undefined && match.kind === 'tensor-operation') mark(match.receiver, label);
      for (const argument of match.arguments) if (argument.role === 'tensor' || argument.role === 'weights') mark(argument.node, label);
    } else if (ts.isCallExpression(node) && fileReadName(ts, calledDeclaration(ts, checker, node)) !== undefined) {
      // `readFileSync(path)`: the file's contents are the data, not the path they were read from.
    } else if (ts.isCallExpression(node) && markProjection(node, label)) {
      // `jobs.map((job) => job.tokens)`: what the callback returns was marked.
    } else if (ts.isCallExpression(node)) {
      const callee = skipOuter(ts, node.expression);
      // `prompt.trim()`, `words.map(...)`: the receiver is the data; `tokenizer.encode(x)`: it is not.
      if (ts.isPropertyAccessExpression(callee) && isStringOrArray(ts, checker, callee.expression)) mark(callee.expression, label);
      // Numbers handed to a helper are sizes, seeds and indices far more often than data.
      for (const argument of node.arguments) if (!isScalar(ts, checker, argument)) mark(argument, label);
    } else if (
      ts.isArrayLiteralExpression(node) ||
      ts.isTemplateExpression(node) ||
      ts.isBinaryExpression(node) ||
      ts.isConditionalExpression(node) ||
      ts.isSpreadElement(node) ||
      ts.isAwaitExpression(node) ||
      ts.isTemplateSpan(node)
    ) {
      ts.forEachChild(node, (child) => {
        if (ts.isExpression(child)) mark(child, label);
        else if (ts.isTemplateSpan(child)) mark(child.expression, label);
      });
    } else if (ts.isObjectLiteralExpression(node)) {
      for (const property of node.properties) {
        if (ts.isPropertyAssignment(property)) mark(property.initializer, label);
        else if (ts.isShorthandPropertyAssignment(property)) markSymbol(checker.getShorthandAssignmentValueSymbol(property), label);
      }
    }
  };

  /**
   * `list.map(callback)` or `flatMap`: what the callback returns is the input, so its parameter
   * is marked through the returned expression. When the callback returns fields of its element
   * (`jobs.map((job) => job.tokens)`), the elements' other fields (a job's id) are not inputs,
   * and the list is not marked: those fields are followed inside the callback, not where the
   * elements are read elsewhere.
   */
  const markProjection = (call: TS.CallExpression, label: SourceLabel): boolean => {
    const callee = skipOuter(ts, call.expression);
    const callback = call.arguments[0] === undefined ? undefined : skipOuter(ts, call.arguments[0]);
    if (!ts.isPropertyAccessExpression(callee) || !PROJECTIONS.has(callee.name.text) || callback === undefined) return false;
    if (!(ts.isArrowFunction(callback) || ts.isFunctionExpression(callback)) || !isStringOrArray(ts, checker, callee.expression)) return false;
    const parameter = callback.parameters[0];
    if (parameter === undefined || !ts.isIdentifier(parameter.name)) return false;
    const returned = returnedExpressions(ts, callback);
    if (returned === undefined) return false;
    for (const expression of returned) mark(expression, label);
    const symbol = checker.getSymbolAtLocation(parameter.name);
    const element = symbol === undefined ? undefined : roots.get(symbol);
    // Fields of records only: the rest of each record is not an input. Anything else (the element
    // whole, what is computed from a string or a list, a value the marking cannot trace to the
    // element) keeps the list an input.
    if (element === undefined || element.props === 'whole' || !isRecord(ts, checker, parameter.name)) mark(callee.expression, label);
    return true;
  };

  const visit = (node: TS.Node): void => {
    if (ts.isCallExpression(node) || ts.isNewExpression(node)) visitCall(node);
    if ((ts.isMethodDeclaration(node) || ts.isPropertyDeclaration(node)) && isForwardOfModule(node)) {
      const fn = ts.isMethodDeclaration(node) ? node : node.initializer;
      if (fn !== undefined && (ts.isMethodDeclaration(fn) || ts.isArrowFunction(fn) || ts.isFunctionExpression(fn))) {
        const owner = node.parent as TS.ClassLikeDeclaration;
        const label = sourceLabel('model-input', node.name, `${owner.name?.text ?? 'Module'}#forward`);
        for (const parameter of fn.parameters) markBinding(parameter.name, label);
      }
    }
    ts.forEachChild(node, visit);
  };

  const markBinding = (name: TS.BindingName, label: SourceLabel): void => {
    if (ts.isIdentifier(name)) markSymbol(checker.getSymbolAtLocation(name), label);
    else for (const element of name.elements) if (!ts.isOmittedExpression(element)) markBinding(element.name, label);
  };

  const visitCall = (call: TS.CallExpression | TS.NewExpression): void => {
    const args = call.arguments ?? [];
    const match = matcher.match(call);
    if (match !== undefined) {
      const what = ts.isCallExpression(call) ? shortCallee(ts, call.expression) : `new ${shortCallee(ts, call.expression)}`;
      // A forward pass (KIND_TRAITS): what it is given is what the model sees.
      if (KIND_TRAITS[match.kind].forwardPass) {
        const label = sourceLabel('model-input', call, what);
        match.arguments.forEach((argument) => {
          mark(argument.node, label);
        });
      } else if (match.id === 'core.array') {
        // `mx.array(data)`: the data is what the model will see. Random generators' keys and
        // bounds, shapes and fill values are not.
        const label = sourceLabel('model-input', call, what);
        for (const argument of match.arguments) if (argument.role === 'tensor' || argument.role === 'weights') mark(argument.node, label);
      }
      return;
    }
    if (depth > context.options.crossFileDepth) return;
    const callee = context.calleeBody(call);
    if (callee === undefined) return;
    const inputs = context.modelInputParams(callee, depth + 1);
    if (inputs.size === 0) return;
    const label = sourceLabel('model-input', call, shortCallee(ts, call.expression));
    args.forEach((argument, index) => {
      if (inputs.has(Math.min(index, callee.parameters.length - 1))) mark(argument, label);
    });
  };

  const isForwardOfModule = (member: TS.MethodDeclaration | TS.PropertyDeclaration): boolean => {
    if (!ts.isIdentifier(member.name) || member.name.text !== 'forward' || !ts.isClassLike(member.parent)) return false;
    return matcher.isModuleType(checker.getTypeAtLocation(member.parent));
  };

  visit(scope);
  return roots;
}

/** A value written into a variable after its declaration. */
interface Write {
  readonly target: TS.Identifier;
  readonly value: TS.Expression;
}

/** Methods that add their arguments to the array they are called on. */
const ADDERS = new Set(['push', 'unshift']);

/** The writes into variables of a scope, by the variable's name: assignments and `push`/`unshift`. */
function collectWrites(ts: typeof TS, scope: TS.Node): Map<string, Write[]> {
  const writes = new Map<string, Write[]>();
  const add = (target: TS.Identifier, value: TS.Expression): void => {
    const list = writes.get(target.text);
    if (list === undefined) writes.set(target.text, [{ target, value }]);
    else list.push({ target, value });
  };
  const visit = (node: TS.Node): void => {
    if (ts.isBinaryExpression(node) && ts.isIdentifier(node.left)) {
      const operator = node.operatorToken.kind;
      if (operator === ts.SyntaxKind.EqualsToken || operator === ts.SyntaxKind.PlusEqualsToken) add(node.left, node.right);
    } else if (ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression) && ts.isIdentifier(node.expression.expression) && ADDERS.has(node.expression.name.text)) {
      for (const argument of node.arguments) add(node.expression.expression, argument);
    }
    ts.forEachChild(node, visit);
  };
  visit(scope);
  return writes;
}

/** Array methods whose callback's results make the new array. */
const PROJECTIONS = new Set(['map', 'flatMap']);

/** What a callback returns: its expression body, or the expressions of its `return`s (undefined when one returns nothing). */
function returnedExpressions(ts: typeof TS, callback: TS.ArrowFunction | TS.FunctionExpression): TS.Expression[] | undefined {
  if (!ts.isBlock(callback.body)) return [callback.body];
  const returns: TS.ReturnStatement[] = [];
  const visit = (node: TS.Node): void => {
    if (ts.isFunctionLike(node)) return;
    if (ts.isReturnStatement(node)) returns.push(node);
    ts.forEachChild(node, visit);
  };
  ts.forEachChild(callback.body, visit);
  const found = returns.flatMap((statement) => (statement.expression === undefined ? [] : [statement.expression]));
  return found.length === returns.length ? found : undefined;
}

function isScalar(ts: typeof TS, checker: TS.TypeChecker, expression: TS.Expression): boolean {
  return (checker.getTypeAtLocation(expression).flags & (ts.TypeFlags.NumberLike | ts.TypeFlags.BooleanLike | ts.TypeFlags.BigIntLike)) !== 0;
}

/** An object with fields of its own: not a primitive, a list, or a function. */
function isRecord(ts: typeof TS, checker: TS.TypeChecker, node: TS.Node): boolean {
  const type = checker.getTypeAtLocation(node);
  return (type.flags & ts.TypeFlags.Object) !== 0 && !checker.isArrayType(type) && !checker.isTupleType(type) && type.getCallSignatures().length === 0;
}

function isStringOrArray(ts: typeof TS, checker: TS.TypeChecker, expression: TS.Expression): boolean {
  const type = checker.getTypeAtLocation(expression);
  return (type.flags & ts.TypeFlags.StringLike) !== 0 || checker.isArrayType(type) || checker.isTupleType(type);
}

