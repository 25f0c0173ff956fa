import type * as TS from 'typescript';
import type { FunctionSummary, SinkPath, TaintEngine } from './engine.js';
import { isFunctionLike } from './engine.js';
import { CLEAN, concreteOf, derive, paramLabel, primarySource, sourceLabel, union, type SourceKind, type Taint } from './labels.js';
import { REQUEST_METADATA } from './type-facts.js';
import { sinkOfCall } from './sinks.js';
import { isConfigured, isErrorConstruction, isGlobalCall, isKeyedHash, isLineBreakSanitizer, isObjectAssign } from './call-facts.js';
import { messageParts, type MessagePosition } from './messages.js';
import { declaredName, flowTypeLabels, isProcessEnv, nameLabels, stringifiedValue, typeLabels, userInputLabels } from './sources.js';
import { shortCallee, skipOuter } from './syntax.js';
import { CLEAN_VALUE, deepTaint, joinEnvs, joinValues, propertyOf, valueOf, withProperty, type Env, type Value } from './value.js';
import { calledDeclaration } from '../util/called-declaration.js';

export type FunctionLike =
  | TS.FunctionDeclaration
  | TS.FunctionExpression
  | TS.ArrowFunction
  | TS.MethodDeclaration
  | TS.GetAccessorDeclaration
  | TS.SetAccessorDeclaration
  | TS.ConstructorDeclaration;

/** Methods that put their arguments into the receiver (a container then holds what they held). */
const MUTATORS = new Set(['push', 'unshift', 'splice', 'set', 'add', 'fill', 'append', 'assign']);
/** Numbers that describe a collection, not its contents. */
const SIZE_PROPERTIES = new Set(['length', 'size', 'byteLength']);

/**
 * One pass over a function body (or a file's top level), flow-sensitive: statements in order,
 * branches joined, loop bodies twice. Parameters carry parameter labels, so the same pass yields
 * the function's summary for its callers and the findings in its body.
 */
export class FunctionAnalysis {
  private env: Env;
  private returns: Value | undefined;
  private thrown: Taint = CLEAN;
  private readonly sinks = new Map<number, SinkPath>();
  private readonly deferred: FunctionLike[] = [];
  private readonly ts: typeof TS;
  private readonly checker: TS.TypeChecker;

  constructor(
    private readonly engine: TaintEngine,
    private readonly unit: FunctionLike | TS.SourceFile,
    closure: Env,
    /** Taint each parameter receives besides its own label (a callback's arguments). */
    private readonly argumentTaints: readonly Taint[],
    private readonly depth: number,
  ) {
    this.ts = engine.ts;
    this.checker = engine.checker;
    this.env = new Map(closure);
  }

  run(): FunctionSummary {
    const { ts, unit } = this;
    if (ts.isSourceFile(unit)) {
      this.visitStatements(unit.statements);
    } else {
      unit.parameters.forEach((parameter, index) => {
        const own = paramLabel(index);
        const extra = this.argumentTaints[index] ?? CLEAN;
        this.bindName(parameter.name, valueOf(union([own], extra)), index);
        if (parameter.initializer !== undefined) this.evaluate(parameter.initializer);
      });
      const body = unit.body;
      if (body !== undefined) {
        if (ts.isBlock(body)) this.visitStatements(body.statements);
        else this.addReturn(this.evaluate(body));
      }
    }
    this.runDeferred();
    const summary: FunctionSummary = { returns: this.returns ?? CLEAN_VALUE, sinks: this.sinks };
    if (!ts.isSourceFile(unit)) this.engine.storeSummary(unit, summary);
    return summary;
  }

  /** Return values keep their fields: `const { loss, checkpoints } = run()` stays precise. */
  private addReturn(value: Value): void {
    this.returns = this.returns === undefined ? value : joinValues(this.returns, value);
  }

  /** Function declarations run after the body that holds them, seeing what it assigned. */
  private runDeferred(): void {
    for (const fn of this.deferred.splice(0)) this.analyzeNested(fn, []);
  }

  private analyzeNested(fn: FunctionLike, argumentTaints: readonly Taint[]): FunctionSummary {
    return new FunctionAnalysis(this.engine, fn, this.env, argumentTaints, this.depth).run();
  }

  // region: statements

  private visitStatements(statements: readonly TS.Statement[]): void {
    for (const statement of statements) this.visitStatement(statement);
  }

  private visitStatement(node: TS.Statement): void {
    const { ts } = this;
    if (ts.isVariableStatement(node)) {
      for (const declaration of node.declarationList.declarations) {
        const value = declaration.initializer === undefined ? CLEAN_VALUE : this.evaluate(declaration.initializer);
        this.bindName(declaration.name, value);
      }
    } else if (ts.isExpressionStatement(node)) {
      this.evaluate(node.expression);
    } else if (ts.isReturnStatement(node)) {
      if (node.expression !== undefined) this.addReturn(this.evaluate(node.expression));
    } else if (ts.isThrowStatement(node)) {
      this.thrown = union(this.thrown, deepTaint(this.evaluate(node.expression)));
    } else if (ts.isIfStatement(node)) {
      this.evaluate(node.expression);
      const before = this.env;
      this.env = new Map(before);
      this.visitStatement(node.thenStatement);
      const afterThen = this.env;
      this.env = new Map(before);
      if (node.elseStatement !== undefined) this.visitStatement(node.elseStatement);
      this.env = joinEnvs(afterThen, this.env);
    } else if (ts.isBlock(node)) {
      this.visitStatements(node.statements);
    } else if (ts.isForOfStatement(node) || ts.isForInStatement(node)) {
      const iterated = this.evaluate(node.expression);
      const element = ts.isForInStatement(node) ? CLEAN_VALUE : valueOf(deepTaint(iterated));
      this.loop(() => {
        this.assignLoopVariable(node.initializer, element);
        this.visitStatement(node.statement);
      });
    } else if (ts.isForStatement(node)) {
      if (node.initializer !== undefined) {
        if (ts.isVariableDeclarationList(node.initializer)) {
          for (const declaration of node.initializer.declarations) {
            this.bindName(declaration.name, declaration.initializer === undefined ? CLEAN_VALUE : this.evaluate(declaration.initializer));
          }
        } else this.evaluate(node.initializer);
      }
      this.loop(() => {
        if (node.condition !== undefined) this.evaluate(node.condition);
        this.visitStatement(node.statement);
        if (node.incrementor !== undefined) this.evaluate(node.incrementor);
      });
    } else if (ts.isWhileStatement(node) || ts.isDoStatement(node)) {
      this.loop(() => {
        this.evaluate(node.expression);
        this.visitStatement(node.statement);
      });
    } else if (ts.isTryStatement(node)) {
      this.visitTry(node);
    } else if (ts.isSwitchStatement(node)) {
      this.evaluate(node.expression);
      const before = this.env;
      let after = new Map(before);
      for (const clause of node.caseBlock.clauses) {
        this.env = new Map(before);
        if (ts.isCaseClause(clause)) this.evaluate(clause.expression);
        this.visitStatements(clause.statements);
        after = joinEnvs(after, this.env);
      }
      this.env = after;
    } else if (ts.isLabeledStatement(node)) {
      this.visitStatement(node.statement);
    } else if (ts.isFunctionDeclaration(node)) {
      if (node.body !== undefined) this.deferred.push(node);
    } else if (ts.isClassDeclaration(node)) {
      this.visitClass(node);
    }
    // Imports, exports of declarations, types and empty statements carry no data flow.
    else if (ts.isExportAssignment(node)) {
      this.evaluate(node.expression);
    }
  }

  /** Loop bodies run twice, joined with the state before: taint carried around the loop is seen. */
  private loop(body: () => void): void {
    const before = this.env;
    this.env = new Map(before);
    body();
    this.env = joinEnvs(before, this.env);
    body();
    this.env = joinEnvs(before, this.env);
  }

  private visitTry(node: TS.TryStatement): void {
    const before = this.env;
    const outerThrown = this.thrown;
    this.thrown = CLEAN;
    this.env = new Map(before);
    this.visitStatement(node.tryBlock);
    const thrownInTry = this.thrown;
    this.thrown = outerThrown;
    if (node.catchClause !== undefined) {
      const afterTry = this.env;
      this.env = joinEnvs(before, afterTry);
      const variable = node.catchClause.variableDeclaration;
      if (variable !== undefined) this.bindName(variable.name, valueOf(thrownInTry));
      this.visitStatement(node.catchClause.block);
      this.env = joinEnvs(afterTry, this.env);
    } else {
      this.thrown = union(this.thrown, thrownInTry);
    }
    if (node.finallyBlock !== undefined) this.visitStatement(node.finallyBlock);
  }

  private visitClass(node: TS.ClassLikeDeclaration): void {
    const { ts } = this;
    // Twice: a method may read a field that a later member writes.
    for (let pass = 0; pass < 2; pass++) {
      for (const member of node.members) {
        if (ts.isPropertyDeclaration(member) && member.initializer !== undefined) {
          const value = this.evaluate(member.initializer);
          const name = this.memberName(member);
          if (name !== undefined) this.writeField(node, name, deepTaint(value));
        } else if (isFunctionLike(ts, member) && member.body !== undefined) {
          this.analyzeNested(member, []);
        } else if (ts.isClassStaticBlockDeclaration(member)) {
          this.visitStatements(member.body.statements);
        }
      }
    }
  }

  // endregion

  // region: binding and assignment

  private bindName(name: TS.BindingName, value: Value, parameter?: number): void {
    const { ts } = this;
    if (ts.isIdentifier(name)) {
      const symbol = this.checker.getSymbolAtLocation(name);
      if (symbol === undefined) return;
      this.env.set(symbol, value);
      return;
    }
    if (ts.isObjectBindingPattern(name)) {
      for (const element of name.elements) {
        let part: Value;
        if (element.dotDotDotToken !== undefined) part = valueOf(deepTaint(value));
        else {
          const key = element.propertyName ?? element.name;
          const keyName = ts.isIdentifier(key) || ts.isStringLiteral(key) ? key.text : undefined;
          part = propertyOf(value, keyName);
        }
        if (element.initializer !== undefined) part = valueOf(union(part.taint, deepTaint(this.evaluate(element.initializer))));
        this.bindName(element.name, part, parameter);
      }
      return;
    }
    for (const element of name.elements) {
      if (ts.isOmittedExpression(element)) continue;
      let part = valueOf(deepTaint(value));
      if (element.initializer !== undefined) part = valueOf(union(part.taint, deepTaint(this.evaluate(element.initializer))));
      this.bindName(element.name, part, parameter);
    }
  }

  private assignLoopVariable(initializer: TS.ForInitializer, value: Value): void {
    const { ts } = this;
    if (ts.isVariableDeclarationList(initializer)) {
      for (const declaration of initializer.declarations) this.bindName(declaration.name, value);
    } else this.assign(initializer, value);
  }

  private assign(target: TS.Expression, value: Value): void {
    const { ts } = this;
    const node = skipOuter(ts, target);
    if (ts.isIdentifier(node)) {
      const symbol = this.checker.getSymbolAtLocation(node);
      if (symbol !== undefined) this.env.set(symbol, value);
    } else if (ts.isPropertyAccessExpression(node) || ts.isElementAccessExpression(node)) {
      const name = this.propertyName(node);
      const receiver = skipOuter(ts, node.expression);
      if (receiver.kind === ts.SyntaxKind.ThisKeyword) {
        const owner = ts.findAncestor(node, ts.isClassLike);
        if (owner !== undefined && name !== undefined) this.writeField(owner, name, deepTaint(value));
        return;
      }
      const fieldOwner = name === undefined ? undefined : this.staticFieldOwner(receiver);
      if (fieldOwner !== undefined && name !== undefined) {
        this.writeField(fieldOwner, `static ${name}`, deepTaint(value));
        return;
      }
      const base = this.baseSymbol(receiver);
      if (base === undefined) return;
      const current = this.env.get(base) ?? CLEAN_VALUE;
      if (ts.isIdentifier(receiver) && name !== undefined) this.env.set(base, withProperty(current, name, value));
      else this.env.set(base, { ...current, taint: union(current.taint, deepTaint(value)) });
    } else if (ts.isObjectLiteralExpression(node)) {
      for (const property of node.properties) {
        if (ts.isPropertyAssignment(property)) {
          const key = ts.isIdentifier(property.name) || ts.isStringLiteral(property.name) ? property.name.text : undefined;
          this.assign(property.initializer, propertyOf(value, key));
        } else if (ts.isShorthandPropertyAssignment(property)) {
          this.assign(property.name, propertyOf(value, property.name.text));
        } else if (ts.isSpreadAssignment(property)) this.assign(property.expression, valueOf(deepTaint(value)));
      }
    } else if (ts.isArrayLiteralExpression(node)) {
      for (const element of node.elements) {
        this.assign(ts.isSpreadElement(element) ? element.expression : element, valueOf(deepTaint(value)));
      }
    } else if (ts.isBinaryExpression(node) && node.operatorToken.kind === ts.SyntaxKind.EqualsToken) {
      this.assign(node.left, value);
    }
  }

  /** The variable a property chain starts from: `a` in `a.b.c`. */
  private baseSymbol(expression: TS.Expression): TS.Symbol | undefined {
    const { ts } = this;
    let node = skipOuter(ts, expression);
    while (ts.isPropertyAccessExpression(node) || ts.isElementAccessExpression(node)) node = skipOuter(ts, node.expression);
    return ts.isIdentifier(node) ? this.checker.getSymbolAtLocation(node) : undefined;
  }

  private writeField(owner: TS.Node, name: string, taint: Taint): void {
    const concrete = concreteOf(taint);
    let fields = this.engine.classFields.get(owner);
    if (fields === undefined) {
      fields = new Map();
      this.engine.classFields.set(owner, fields);
    }
    fields.set(name, union(fields.get(name) ?? CLEAN, concrete));
  }

  private readField(owner: TS.Node, name: string): Taint {
    return this.engine.classFields.get(owner)?.get(name) ?? CLEAN;
  }

  /** `Cache.entries` where `Cache` names a class of this program: a static field. */
  private staticFieldOwner(receiver: TS.Expression): TS.ClassLikeDeclaration | undefined {
    const { ts } = this;
    if (!ts.isIdentifier(receiver)) return undefined;
    const declaration = this.checker.getSymbolAtLocation(receiver)?.valueDeclaration;
    return declaration !== undefined && ts.isClassLike(declaration) ? declaration : undefined;
  }

  // endregion

  // region: expressions

  private get injection(): boolean {
    return this.engine.options.policy.name === 'injection';
  }

  /**
   * For log injection, numbers and booleans written into text cannot break a line (`Number(x)`,
   * `x.length`); they stay tainted as values, since a generated token id still selects the text.
   */
  private isInertPrimitive(node: TS.Expression): boolean {
    const { ts } = this;
    const type = this.checker.getTypeAtLocation(node);
    const inert = ts.TypeFlags.NumberLike | ts.TypeFlags.BooleanLike | ts.TypeFlags.BigIntLike | ts.TypeFlags.Null | ts.TypeFlags.Undefined | ts.TypeFlags.Void | ts.TypeFlags.Never;
    return (type.isUnion() ? type.types : [type]).every((part) => (part.flags & inert) !== 0);
  }

  /** A source label of a kind this analysis looks for, or nothing. */
  private label(kind: SourceKind, node: TS.Node, what?: string): Taint {
    return this.engine.wants(kind) ? [sourceLabel(kind, node, what)] : CLEAN;
  }

  private evaluate(expression: TS.Expression): Value {
    const { ts } = this;
    const node = expression;
    if (ts.isParenthesizedExpression(node) || ts.isAsExpression(node) || ts.isNonNullExpression(node) || ts.isSatisfiesExpression(node) || ts.isTypeAssertionExpression(node)) {
      return this.evaluate(node.expression);
    }
    if (ts.isIdentifier(node)) return this.evaluateIdentifier(node);
    if (ts.isPropertyAccessExpression(node) || ts.isElementAccessExpression(node)) return this.evaluateAccess(node);
    if (ts.isCallExpression(node)) return this.evaluateCall(node);
    if (ts.isNewExpression(node)) return this.evaluateNew(node);
    if (ts.isTemplateExpression(node)) return valueOf(union(...node.templateSpans.map((span) => this.textPart(span.expression, this.stringified(span.expression)))));
    if (ts.isTaggedTemplateExpression(node)) {
      const template = node.template;
      return valueOf(ts.isTemplateExpression(template) ? union(...template.templateSpans.map((span) => deepTaint(this.evaluate(span.expression)))) : CLEAN);
    }
    if (ts.isBinaryExpression(node)) return this.evaluateBinary(node);
    if (ts.isConditionalExpression(node)) {
      this.evaluate(node.condition);
      const before = this.env;
      this.env = new Map(before);
      const whenTrue = this.evaluate(node.whenTrue);
      const afterTrue = this.env;
      this.env = new Map(before);
      const whenFalse = this.evaluate(node.whenFalse);
      this.env = joinEnvs(afterTrue, this.env);
      return valueOf(union(deepTaint(whenTrue), deepTaint(whenFalse)));
    }
    if (ts.isPrefixUnaryExpression(node)) {
      const operand = this.evaluate(node.operand);
      return node.operator === ts.SyntaxKind.ExclamationToken ? CLEAN_VALUE : valueOf(deepTaint(operand));
    }
    if (ts.isPostfixUnaryExpression(node)) return valueOf(deepTaint(this.evaluate(node.operand)));
    if (ts.isTypeOfExpression(node) || ts.isVoidExpression(node) || ts.isDeleteExpression(node)) {
      this.evaluate(node.expression);
      return CLEAN_VALUE;
    }
    if (ts.isAwaitExpression(node) || ts.isSpreadElement(node)) return this.evaluate(node.expression);
    if (ts.isYieldExpression(node)) {
      if (node.expression !== undefined) this.addReturn(valueOf(deepTaint(this.evaluate(node.expression))));
      return CLEAN_VALUE;
    }
    if (ts.isObjectLiteralExpression(node)) return this.evaluateObject(node);
    if (ts.isArrayLiteralExpression(node)) return valueOf(union(...node.elements.map((element) => deepTaint(this.evaluate(element)))));
    if (ts.isArrowFunction(node) || ts.isFunctionExpression(node)) {
      this.analyzeNested(node, []);
      return CLEAN_VALUE;
    }
    if (ts.isClassExpression(node)) {
      this.visitClass(node);
      return CLEAN_VALUE;
    }
    // Literals, `this` (its fields are read through `this.x`), `super`, meta-properties.
    return CLEAN_VALUE;
  }

  private evaluateIdentifier(node: TS.Identifier): Value {
    const symbol = this.symbolOfIdentifier(node);
    const flow = symbol === undefined ? CLEAN_VALUE : (this.env.get(symbol) ?? CLEAN_VALUE);
    const declared = symbol?.valueDeclaration === undefined ? undefined : this.ts.getNameOfDeclaration(symbol.valueDeclaration);
    const extra = union(this.rootLabels(symbol, undefined), nameLabels(this.engine, node, node.text, declared), typeLabels(this.engine, node, symbol), userInputLabels(this.engine, node));
    return extra.length === 0 ? flow : { ...flow, taint: union(flow.taint, extra) };
  }

  private symbolOfIdentifier(node: TS.Identifier): TS.Symbol | undefined {
    const { ts } = this;
    if (ts.isShorthandPropertyAssignment(node.parent)) return this.checker.getShorthandAssignmentValueSymbol(node.parent);
    return this.checker.getSymbolAtLocation(node);
  }

  /** A model input by where its variable's value goes. */
  private rootLabels(symbol: TS.Symbol | undefined, property: string | undefined): Taint {
    if (symbol === undefined) return CLEAN;
    const root = this.engine.modelInputRoots(this.unit.getSourceFile()).get(symbol);
    if (root === undefined) return CLEAN;
    // Reading the whole object reads the parts that reach the model too.
    if (root.props === 'whole' || property === undefined || root.props.has(property)) return [root.label];
    return CLEAN;
  }





  private evaluateAccess(node: TS.PropertyAccessExpression | TS.ElementAccessExpression): Value {
    const { ts } = this;
    const name = this.propertyName(node);
    const receiverNode = skipOuter(ts, node.expression);
    // `vocabulary[id]` with a tainted `id` selects by the data: decoding a model's output.
    const keyTaint = ts.isElementAccessExpression(node) ? this.keyTaint(deepTaint(this.evaluate(node.argumentExpression))) : CLEAN;
    // `process.env` is a secret as a whole; `process.env.NODE_ENV` only if named like one.
    if (isProcessEnv(this.engine, receiverNode)) return valueOf(name !== undefined && this.engine.isSecretName(name) ? this.label('secret', node) : CLEAN);
    if (isProcessEnv(this.engine, node)) return valueOf(this.label('secret', node));
    const userInput = userInputLabels(this.engine, node);
    if (userInput.length > 0) return valueOf(userInput);
    const match = this.engine.matcher.match(node);
    if (match?.kind === 'metadata' || match?.kind === 'constant') {
      this.evaluate(node.expression);
      return CLEAN_VALUE;
    }
    if (name !== undefined && SIZE_PROPERTIES.has(name)) {
      this.evaluate(node.expression);
      return CLEAN_VALUE;
    }
    const receiverType = this.checker.getTypeAtLocation(receiverNode);
    if (name !== undefined && REQUEST_METADATA.has(name) && this.engine.facts.isRequest(receiverType)) return CLEAN_VALUE;

    let flow: Value;
    if (receiverNode.kind === ts.SyntaxKind.ThisKeyword) {
      const owner = ts.findAncestor(node, ts.isClassLike);
      flow = valueOf(owner === undefined || name === undefined ? CLEAN : this.readField(owner, name));
    } else {
      const fieldOwner = name === undefined ? undefined : this.staticFieldOwner(receiverNode);
      if (fieldOwner !== undefined && name !== undefined) flow = valueOf(this.readField(fieldOwner, `static ${name}`));
      else {
        const receiver = this.flowOf(receiverNode);
        flow = propertyOf(receiver, name);
      }
    }
    const getter = this.getterSummary(node);
    const rootSymbol = ts.isIdentifier(receiverNode) ? this.checker.getSymbolAtLocation(receiverNode) : undefined;
    const requestLabel = this.engine.facts.isRequest(receiverType) ? [sourceLabel('request-data', node)] : CLEAN;
    const extra = union(
      keyTaint,
      this.rootLabels(rootSymbol, name),
      name === undefined ? CLEAN : nameLabels(this.engine, node, name, declaredName(this.engine, node)),
      typeLabels(this.engine, node),
      getter,
    );
    // The access (`req.query`) names the request data better than the request it was read from.
    if (requestLabel.length > 0) return { ...flow, taint: union(requestLabel, flow.taint, extra) };
    return extra.length === 0 ? flow : { ...flow, taint: union(flow.taint, extra) };
  }

  /**
   * A receiver's value as data flow left it, without what its type says: `record.id` of a
   * record whose type holds a tensor is only as tainted as what was stored in `id`.
   */
  private flowOf(node: TS.Expression): Value {
    const { ts } = this;
    const inner = skipOuter(ts, node);
    if (ts.isIdentifier(inner)) {
      const symbol = this.symbolOfIdentifier(inner);
      const flow = symbol === undefined ? CLEAN_VALUE : (this.env.get(symbol) ?? CLEAN_VALUE);
      const root = symbol === undefined ? undefined : this.engine.modelInputRoots(this.unit.getSourceFile()).get(symbol);
      if (root?.props === 'whole') return { ...flow, taint: union(flow.taint, [root.label]) };
      const type = this.checker.getTypeAtLocation(inner);
      if (this.engine.facts.isRequest(type)) return { ...flow, taint: union(flow.taint, [sourceLabel('request-data', inner)]) };
      const userInput = userInputLabels(this.engine, inner);
      return userInput.length === 0 ? flow : { ...flow, taint: union(flow.taint, userInput) };
    }
    const value = this.evaluate(inner);
    // What a call or access returned is taken whole, minus the type-only tensor label of objects.
    return value;
  }

  /**
   * What an element read by a tainted key carries. For log injection, only a model choosing the
   * element (decoding generated token ids) makes the text untrusted; a request's index selects
   * the program's own text.
   */
  private keyTaint(taint: Taint): Taint {
    return this.injection ? taint.filter((label) => label.type === 'param' || label.kind === 'model-output') : taint;
  }

  private getterSummary(node: TS.PropertyAccessExpression | TS.ElementAccessExpression): Taint {
    const { ts } = this;
    const declaration = this.checker.getSymbolAtLocation(ts.isPropertyAccessExpression(node) ? node.name : node.argumentExpression)?.declarations?.find((d) =>
      ts.isGetAccessorDeclaration(d),
    );
    if (declaration === undefined || !ts.isGetAccessorDeclaration(declaration) || declaration.body === undefined) return CLEAN;
    if (declaration.getSourceFile().isDeclarationFile) return CLEAN;
    const summary = this.engine.summaryOf(declaration, this.depth + 1);
    return summary === undefined ? CLEAN : concreteOf(deepTaint(summary.returns));
  }


  private propertyName(node: TS.PropertyAccessExpression | TS.ElementAccessExpression): string | undefined {
    const { ts } = this;
    if (ts.isPropertyAccessExpression(node)) return node.name.text;
    const argument = node.argumentExpression;
    return ts.isStringLiteralLike(argument) || ts.isNumericLiteral(argument) ? argument.text : undefined;
  }

  private memberName(member: TS.ClassElement): string | undefined {
    const name = member.name;
    return name !== undefined && (this.ts.isIdentifier(name) || this.ts.isStringLiteral(name) || this.ts.isPrivateIdentifier(name)) ? name.text : undefined;
  }

  private evaluateBinary(node: TS.BinaryExpression): Value {
    const { ts } = this;
    const operator = node.operatorToken.kind;
    if (operator === ts.SyntaxKind.EqualsToken) {
      const value = this.evaluate(node.right);
      this.assign(node.left, value);
      return value;
    }
    if (operator >= ts.SyntaxKind.FirstCompoundAssignment && operator <= ts.SyntaxKind.LastCompoundAssignment) {
      const value = valueOf(union(deepTaint(this.evaluate(node.left)), deepTaint(this.evaluate(node.right))));
      this.assign(node.left, value);
      return value;
    }
    if (operator === ts.SyntaxKind.CommaToken) {
      this.evaluate(node.left);
      return this.evaluate(node.right);
    }
    const left = this.evaluate(node.left);
    const right = this.evaluate(node.right);
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
        if (this.isString(node)) {
          return valueOf(
            union(this.textPart(node.left, stringifiedValue(this.engine, node.left, left)), this.textPart(node.right, stringifiedValue(this.engine, node.right, right))),
          );
        }
        return valueOf(union(deepTaint(left), deepTaint(right)));
      default:
        return valueOf(union(deepTaint(left), deepTaint(right)));
    }
  }

  /** Remembers what one part of a message template or concatenation carried (log injection's fixes need it). */
  private textPart(node: TS.Expression, taint: Taint): Taint {
    if (!this.injection) return taint;
    if (taint.length > 0 && this.isInertPrimitive(node)) return CLEAN;
    this.engine.noteTextPart(node, taint);
    return taint;
  }

  /** A tensor turned into text prints its contents: `${x}`, `'' + x`, `String(x)`. */
  private stringified(expression: TS.Expression): Taint {
    return stringifiedValue(this.engine, expression, this.evaluate(expression));
  }


  private isString(node: TS.Expression): boolean {
    return (this.checker.getTypeAtLocation(node).flags & this.ts.TypeFlags.StringLike) !== 0;
  }

  private evaluateObject(node: TS.ObjectLiteralExpression): Value {
    const { ts } = this;
    const props = new Map<string, Value>();
    let whole: Taint = CLEAN;
    for (const property of node.properties) {
      if (ts.isPropertyAssignment(property)) {
        const value = this.evaluate(property.initializer);
        const key = ts.isIdentifier(property.name) || ts.isStringLiteral(property.name) || ts.isNumericLiteral(property.name) ? property.name.text : undefined;
        if (key === undefined) whole = union(whole, deepTaint(value));
        else props.set(key, value);
      } else if (ts.isShorthandPropertyAssignment(property)) {
        props.set(property.name.text, this.evaluateIdentifier(property.name));
      } else if (ts.isSpreadAssignment(property)) {
        const spread = this.evaluate(property.expression);
        whole = union(whole, spread.taint);
        spread.props?.forEach((value, key) => props.set(key, value));
      } else if (ts.isGetAccessorDeclaration(property) || ts.isMethodDeclaration(property)) {
        const summary = this.analyzeNested(property, []);
        const key = this.memberName(property);
        if (ts.isGetAccessorDeclaration(property) && key !== undefined) props.set(key, valueOf(concreteOf(deepTaint(summary.returns))));
      }
    }
    return props.size === 0 ? valueOf(whole) : { taint: whole, props };
  }

  private evaluateNew(node: TS.NewExpression): Value {
    const args = (node.arguments ?? []).map((argument) => this.evaluate(argument));
    const taint = union(...args.map((value) => deepTaint(value)), flowTypeLabels(this.engine, node));
    if (this.engine.options.checkErrorMessages && isErrorConstruction(this.engine, node)) {
      (node.arguments ?? []).forEach((argument, index) => {
        this.reportArgument(node, argument, args[index] ?? CLEAN_VALUE, `new ${shortCallee(this.ts, node.expression)}`, undefined);
      });
    }
    return valueOf(taint);
  }


  private evaluateCall(node: TS.CallExpression): Value {
    const { ts } = this;
    const callee = skipOuter(ts, node.expression);
    const receiverNode = ts.isPropertyAccessExpression(callee) || ts.isElementAccessExpression(callee) ? skipOuter(ts, callee.expression) : undefined;
    const receiver = receiverNode === undefined || receiverNode.kind === ts.SyntaxKind.SuperKeyword ? undefined : this.evaluate(receiverNode);
    if (ts.isElementAccessExpression(callee)) this.evaluate(callee.argumentExpression);
    const receiverTaint = receiver === undefined ? CLEAN : deepTaint(receiver);

    // Callbacks see what the receiver holds: `values.forEach(v => log(v))`, `p.then(v => log(v))`.
    const args: Value[] = [];
    let callbackReturns: Taint = CLEAN;
    for (const argument of node.arguments) {
      const inner = skipOuter(ts, argument);
      if (ts.isArrowFunction(inner) || ts.isFunctionExpression(inner)) {
        const taints = inner.parameters.map(() => receiverTaint);
        const summary = this.analyzeNested(inner, taints);
        callbackReturns = union(callbackReturns, concreteOf(deepTaint(summary.returns)));
        args.push(CLEAN_VALUE);
      } else args.push(this.evaluate(argument));
    }
    const argTaints = args.map((value) => deepTaint(value));

    const sink = sinkOfCall(ts, this.checker, this.engine.matcher, this.engine.options.sinks, node);
    if (sink !== undefined) {
      if (this.injection) {
        // Only text written into the message; structured fields are encoded by the logger.
        for (const part of messageParts(ts, this.checker, sink, node)) {
          const argument = args[part.index] ?? CLEAN_VALUE;
          const value = part.property === undefined ? argument : propertyOf(argument, part.property);
          this.reportArgument(node, part.node, value, sink.name, undefined, part.position);
        }
        return CLEAN_VALUE;
      }
      node.arguments.forEach((argument, index) => {
        if (index >= sink.firstLogged) this.reportArgument(node, argument, args[index] ?? CLEAN_VALUE, sink.name, undefined);
      });
      return CLEAN_VALUE;
    }

    const callable = calledDeclaration(ts, this.checker, node);
    if (callable !== undefined && isConfigured(this.engine, callable, this.engine.options.sanitizers)) return CLEAN_VALUE;
    if (isKeyedHash(this.engine, receiverNode)) return CLEAN_VALUE;
    if (callable !== undefined && isConfigured(this.engine, callable, this.engine.options.sources)) {
      // The rule's configured sources: secrets for leaks, untrusted text for injection.
      return valueOf(this.label(this.injection ? 'user-input' : 'secret', node, `${shortCallee(ts, callee)}()`));
    }
    if (this.injection && isLineBreakSanitizer(this.engine, node)) return CLEAN_VALUE;
    // `loss.toFixed(4)`, `flag.toString()`: a number's or boolean's text is digits and words.
    if (this.injection && receiverNode !== undefined && this.isInertPrimitive(receiverNode)) return CLEAN_VALUE;

    if (isGlobalCall(this.engine, callee, 'String') && node.arguments[0] !== undefined) {
      return valueOf(stringifiedValue(this.engine, node.arguments[0], args[0] ?? CLEAN_VALUE));
    }
    // Keys are names, not contents.
    if (isGlobalCall(this.engine, callee, 'Object', 'keys')) return CLEAN_VALUE;

    const match = this.engine.matcher.match(node);
    if (match !== undefined) {
      const what = shortCallee(ts, callee);
      switch (match.kind) {
        case 'metadata':
        case 'constant':
        case 'runtime-config':
        case 'utility':
        case 'model-save':
          return CLEAN_VALUE;
        case 'inference':
        case 'layer-composition':
          return valueOf(this.label('model-output', node, what));
        case 'data-extraction':
          return valueOf(union(derive(receiverTaint), ...argTaints.map(derive), this.label('raw-data', node, what)));
        default:
          return valueOf(union(derive(receiverTaint), ...argTaints.map(derive), flowTypeLabels(this.engine, node)));
      }
    }

    if (receiverNode !== undefined && ts.isPropertyAccessExpression(callee) && MUTATORS.has(callee.name.text)) {
      const written = union(...argTaints);
      const base = this.baseSymbol(receiverNode);
      if (base !== undefined && written.length > 0) {
        const current = this.env.get(base) ?? CLEAN_VALUE;
        this.env.set(base, { ...current, taint: union(current.taint, written) });
      }
    }
    // `Object.assign(target, source)` writes into its first argument.
    if (isObjectAssign(this.engine, callee) && node.arguments[0] !== undefined) {
      const base = this.baseSymbol(node.arguments[0]);
      if (base !== undefined) {
        const current = this.env.get(base) ?? CLEAN_VALUE;
        this.env.set(base, { ...current, taint: union(current.taint, ...argTaints.slice(1)) });
      }
    }

    const body = this.engine.calleeBody(node);
    if (body !== undefined) {
      const summary = this.summaryFor(body);
      if (summary !== undefined) {
        const result = this.applySummary(node, body, summary, args);
        return { ...result, taint: union(result.taint, flowTypeLabels(this.engine, node), callbackReturns) };
      }
    }
    // A function the analysis cannot see into: what goes in may come out, unless only a boolean does.
    const resultType = this.checker.getTypeAtLocation(node);
    if (resultType.flags & (ts.TypeFlags.BooleanLike | ts.TypeFlags.Void | ts.TypeFlags.Undefined | ts.TypeFlags.Never)) return CLEAN_VALUE;
    return valueOf(union(derive(receiverTaint), ...argTaints.map(derive), callbackReturns, flowTypeLabels(this.engine, node)));
  }

  private summaryFor(body: FunctionLike): FunctionSummary | undefined {
    const sameFile = body.getSourceFile() === this.unit.getSourceFile();
    return this.engine.summaryOf(body, sameFile ? this.depth : this.depth + 1);
  }

  /** Substitutes the call's arguments for the summary's parameter labels; reports wrapper sinks. */
  private applySummary(node: TS.CallExpression, body: FunctionLike, summary: FunctionSummary, args: readonly Value[]): Value {
    const parameterCount = body.parameters.length;
    const restIndex = body.parameters.at(-1)?.dotDotDotToken === undefined ? undefined : parameterCount - 1;
    const argumentTaint = (index: number): Taint => {
      if (restIndex !== undefined && index === restIndex) return union(...args.slice(restIndex).map((value) => deepTaint(value)));
      const value = args[index];
      return value === undefined ? CLEAN : deepTaint(value);
    };
    for (const [index, path] of summary.sinks) {
      node.arguments.forEach((argument, position) => {
        const parameter = restIndex !== undefined && position >= restIndex ? restIndex : position;
        if (parameter === index) this.reportArgument(node, argument, args[position] ?? CLEAN_VALUE, shortCallee(this.ts, node.expression), path);
      });
    }
    const substitute = (taint: Taint): Taint =>
      union(...taint.map((label) => (label.type === 'source' ? [label] : label.derived ? derive(argumentTaint(label.index)) : argumentTaint(label.index))));
    const instantiate = (value: Value): Value => {
      const taint = substitute(value.taint);
      if (value.props === undefined) return valueOf(taint);
      return { taint, props: new Map([...value.props].map(([name, prop]) => [name, instantiate(prop)])) };
    };
    return instantiate(summary.returns);
  }

  /**
   * A tainted argument of a log call: a finding, or, for a parameter, a wrapper sink. Through a
   * wrapper that logs only what it derives from the argument, the argument's type says nothing.
   */
  private reportArgument(
    call: TS.CallExpression | TS.NewExpression,
    argument: TS.Expression,
    value: Value,
    sink: string,
    wrapper: SinkPath | undefined,
    position?: MessagePosition,
  ): void {
    if (this.injection && this.isInertPrimitive(argument)) return;
    const flow = deepTaint(value);
    // What a function derives from a tensor and logs is either extracted there (and reported
    // there, as raw data) or a tensor there (reported by its type): not this argument's leak.
    // For injection only what flowed in counts: a request object logged whole is inspected.
    const taint = this.injection
      ? flow
      : wrapper?.derived === true
        ? derive(flow).filter((label) => label.type === 'param' || label.kind !== 'tensor')
        : union(flow, typeLabels(this.engine, argument));
    const at = wrapper?.position ?? position;
    for (const label of taint) {
      if (label.type === 'param' && !this.sinks.has(label.index)) {
        this.sinks.set(label.index, { sink: wrapper?.sink ?? sink, derived: label.derived || wrapper?.derived === true, ...(at === undefined ? {} : { position: at }) });
      }
    }
    const source = primarySource(taint);
    if (source !== undefined) this.engine.record({ call, argument, label: source, sink, through: wrapper?.sink, position: at });
  }

  // endregion
}

