import type * as TS from 'typescript';
import { isFunctionLike, skipOuter, type FunctionLike } from '../util/syntax.js';
import type { AnalysisContext, Frame, FunctionSummary, SinkPath } from './context.js';
import { evaluate, flowOf } from './expressions.js';
import { baseSymbol, memberName, propertyName, staticFieldOwner, writeField } from './fields.js';
import { CLEAN, paramLabel, union, type Taint } from './labels.js';
import { isMetadataProperty } from './metadata.js';
import { CLEAN_VALUE, deepTaint, elementOf, elementsFrom, joinEnvs, joinValues, propertyOf, valueOf, withProperty, type Env, type Value } from './value.js';

/**
 * One pass over a function body (or a file's top level), flow-sensitive: statements in order,
 * branches joined, loop bodies twice. Parameters carry parameter labels, so the same pass yields
 * the function's summary for its callers and the findings in its body. Statements and bindings
 * are here; expressions are evaluated by expressions.ts, calls by calls.ts and the modules it uses.
 */
export class FunctionAnalysis implements Frame {
  env: Env;
  readonly sinks = new Map<number, SinkPath>();
  private returns: Value | undefined;
  private thrown: Taint = CLEAN;
  private readonly deferred: FunctionLike[] = [];
  /** In a constructor: what it stores in the instance's fields, which `new` gives field by field. */
  private readonly fields = new Map<string, Value>();
  private readonly ts: typeof TS;
  private readonly checker: TS.TypeChecker;

  constructor(
    readonly context: AnalysisContext,
    readonly unit: FunctionLike | TS.SourceFile,
    closure: Env,
    /** Taint each parameter receives besides its own label (a callback's arguments). */
    private readonly argumentTaints: readonly Taint[],
    readonly depth: number,
  ) {
    this.ts = context.ts;
    this.checker = context.checker;
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
        const value = valueOf(union([own], extra));
        this.bindName(parameter.name, value, index);
        if (parameter.initializer !== undefined) this.evaluate(parameter.initializer);
        // `constructor(readonly steps: number)` stores the parameter in a field.
        if (ts.isConstructorDeclaration(unit) && ts.isIdentifier(parameter.name) && ts.isParameterPropertyDeclaration(parameter, unit)) {
          this.fields.set(parameter.name.text, value);
        }
      });
      const body = unit.body;
      if (body !== undefined) {
        if (ts.isBlock(body)) this.visitStatements(body.statements);
        else this.addReturn(this.evaluate(body));
      }
    }
    this.runDeferred();
    if (this.fields.size > 0) this.addReturn({ taint: CLEAN, props: this.fields });
    const summary: FunctionSummary = { returns: this.returns ?? CLEAN_VALUE, sinks: this.sinks };
    if (!ts.isSourceFile(unit)) this.context.storeSummary(unit, summary);
    return summary;
  }

  evaluate(expression: TS.Expression): Value {
    return evaluate(this, expression);
  }

  /** Return values keep their fields: `const { loss, checkpoints } = run()` stays precise. */
  addReturn(value: Value): void {
    this.returns = this.returns === undefined ? value : joinValues(this.returns, value);
  }

  analyzeNested(fn: FunctionLike, argumentTaints: readonly Taint[]): FunctionSummary {
    return new FunctionAnalysis(this.context, fn, this.env, argumentTaints, this.depth).run();
  }

  /** Function declarations run after the body that holds them, seeing what it assigned. */
  private runDeferred(): void {
    for (const fn of this.deferred.splice(0)) this.analyzeNested(fn, []);
  }

  // region: statements

  private visitStatements(statements: readonly TS.Statement[]): void {
    for (const statement of statements) this.visitStatement(statement);
  }

  private visitStatement(node: TS.Statement): void {
    const { ts } = this;
    if (ts.isVariableStatement(node)) {
      for (const declaration of node.declarationList.declarations) {
        const { initializer } = declaration;
        // A pattern takes its parts from the value as data flow left it: `const { steps } = trainer`
        // is as clean as `trainer.steps`, whatever else the type of `trainer` holds.
        const value = initializer === undefined ? CLEAN_VALUE : ts.isIdentifier(declaration.name) ? this.evaluate(initializer) : flowOf(this, initializer);
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

  visitClass(node: TS.ClassLikeDeclaration): void {
    const { ts } = this;
    // Twice: a method may read a field that a later member writes.
    for (let pass = 0; pass < 2; pass++) {
      for (const member of node.members) {
        if (ts.isPropertyDeclaration(member) && member.initializer !== undefined) {
          const value = this.evaluate(member.initializer);
          const name = memberName(ts, member);
          if (name !== undefined) writeField(this.context, node, name, deepTaint(value));
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
      // Lazily: the pattern's type is only needed for keys that may name metadata.
      let patternType: TS.Type | undefined;
      for (const element of name.elements) {
        let part: Value;
        if (element.dotDotDotToken !== undefined) part = valueOf(deepTaint(value));
        else {
          const key = element.propertyName ?? element.name;
          const keyName = ts.isIdentifier(key) || ts.isStringLiteral(key) ? key.text : undefined;
          patternType ??= keyName === undefined ? undefined : this.checker.getTypeAtLocation(name);
          // `const { shape, dtype } = out`: metadata, as `out.shape` is.
          part = keyName !== undefined && patternType !== undefined && isMetadataProperty(this.context, patternType, keyName) ? CLEAN_VALUE : propertyOf(value, keyName);
        }
        if (element.initializer !== undefined) part = valueOf(union(part.taint, deepTaint(this.evaluate(element.initializer))));
        this.bindName(element.name, part, parameter);
      }
      return;
    }
    name.elements.forEach((element, index) => {
      if (ts.isOmittedExpression(element)) return;
      // Element by element: `const [scores, count] = await Promise.all([infer(), countRows()])`.
      let part = element.dotDotDotToken === undefined ? elementOf(value, index) : elementsFrom(value, index);
      if (element.initializer !== undefined) part = valueOf(union(part.taint, deepTaint(this.evaluate(element.initializer))));
      this.bindName(element.name, part, parameter);
    });
  }

  private assignLoopVariable(initializer: TS.ForInitializer, value: Value): void {
    const { ts } = this;
    if (ts.isVariableDeclarationList(initializer)) {
      for (const declaration of initializer.declarations) this.bindName(declaration.name, value);
    } else this.assign(initializer, value);
  }

  assign(target: TS.Expression, value: Value): void {
    const { ts } = this;
    const node = skipOuter(ts, target);
    if (ts.isIdentifier(node)) {
      const symbol = this.checker.getSymbolAtLocation(node);
      if (symbol !== undefined) this.env.set(symbol, value);
    } else if (ts.isPropertyAccessExpression(node) || ts.isElementAccessExpression(node)) {
      const name = propertyName(ts, node);
      const receiver = skipOuter(ts, node.expression);
      if (receiver.kind === ts.SyntaxKind.ThisKeyword) {
        const owner = ts.findAncestor(node, ts.isClassLike);
        if (owner !== undefined && name !== undefined) {
          writeField(this.context, owner, name, deepTaint(value));
          if (ts.isConstructorDeclaration(this.unit) && owner === this.unit.parent) this.fields.set(name, joinValues(this.fields.get(name) ?? CLEAN_VALUE, value));
        }
        return;
      }
      const fieldOwner = name === undefined ? undefined : staticFieldOwner(this.context, receiver);
      if (fieldOwner !== undefined && name !== undefined) {
        writeField(this.context, fieldOwner, `static ${name}`, deepTaint(value));
        return;
      }
      const base = baseSymbol(this.context, receiver);
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
      node.elements.forEach((element, index) => {
        if (ts.isSpreadElement(element)) this.assign(element.expression, elementsFrom(value, index));
        else this.assign(element, elementOf(value, index));
      });
    } else if (ts.isBinaryExpression(node) && node.operatorToken.kind === ts.SyntaxKind.EqualsToken) {
      this.assign(node.left, value);
    }
  }

  // endregion
}
