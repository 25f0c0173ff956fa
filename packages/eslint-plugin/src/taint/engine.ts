import { createMatcher, remember, targetSymbol, type CatalogueMatcher } from '@mlx-audit/catalogue';
import type * as TS from 'typescript';
import { FunctionAnalysis, type FunctionLike } from './function-analysis.js';
import { CLEAN, union, type SourceKind, type SourceLabel, type Taint } from './labels.js';
import type { MessagePosition } from './messages.js';
import type { Value } from './value.js';
import { findModelInputs, type ModelInputRoots } from './model-inputs.js';
import type { ResolvedTaintOptions } from './options.js';
import { memoChecker } from '../util/memo-checker.js';
import { snakeCase } from './options.js';
import { TypeFacts } from './type-facts.js';
import { calledDeclaration } from '../util/called-declaration.js';

/** Where a parameter of a function ends up logged: what makes the function a logging wrapper. */
export interface SinkPath {
  /** The log call inside, as a report names it: `console.log`. */
  readonly sink: string;
  /** Only something computed from the parameter is logged, not the parameter itself. */
  readonly derived: boolean;
  /** For log injection: where in the message the parameter's text goes. */
  readonly position?: MessagePosition;
}

/** What a function does with its parameters, for its call sites. */
export interface FunctionSummary {
  /** The return value (joined over every `return`); parameter labels stand for the arguments. */
  readonly returns: Value;
  /** Parameters (by index) that reach a log inside. */
  readonly sinks: ReadonlyMap<number, SinkPath>;
}

/** A tainted value reaching a log. */
export interface Finding {
  readonly call: TS.CallExpression | TS.NewExpression;
  /** The argument the value is in. */
  readonly argument: TS.Expression;
  readonly label: SourceLabel;
  /** The call as the report names it: `logger.info`, or the wrapper `logInfo`. */
  readonly sink: string;
  /** For a wrapper, the log call inside it. */
  readonly through: string | undefined;
  /** For log injection: the argument is the message, or text formatted into it. */
  readonly position: MessagePosition | undefined;
}

/**
 * The taint analysis of one program under one set of options. It runs over the TypeScript AST,
 * so the file being linted and the other files of the program are one mechanism: function
 * summaries, cached here, serve every file linted against the same program.
 */
export class TaintEngine {
  readonly checker: TS.TypeChecker;
  readonly matcher: CatalogueMatcher;
  readonly facts: TypeFacts;
  private readonly summaries = new Map<TS.Node, FunctionSummary | null>();
  private readonly inputParams = new Map<TS.Node, ReadonlySet<number> | null>();
  private readonly rootsByFile = new Map<TS.SourceFile, ModelInputRoots>();
  private readonly findingsByFile = new Map<string, Finding[]>();
  private readonly analyzedFiles = new Set<TS.SourceFile>();
  /** For log injection: the taint of each part of a template or `+` chain, to rebuild messages without them. */
  private readonly textParts = new Map<TS.Node, Taint>();
  /** Taint written to class fields (`this.x = …`, static fields), joined over the class. */
  readonly classFields = new Map<TS.Node, Map<string, Taint>>();

  constructor(
    readonly ts: typeof TS,
    readonly program: TS.Program,
    readonly options: ResolvedTaintOptions,
    shared?: SharedFacts,
  ) {
    const facts = shared ?? createSharedFacts(ts, program, options);
    this.checker = facts.checker;
    this.matcher = facts.matcher;
    this.facts = facts.types;
    this.isSecretName = facts.isSecretName;
  }

  readonly isSecretName: (name: string) => boolean;

  noteTextPart(node: TS.Node, taint: Taint): void {
    if (taint.length > 0) this.textParts.set(node, union(this.textParts.get(node) ?? CLEAN, taint));
  }

  /** Whether a part of a message template or concatenation carried untrusted text. */
  isTaintedTextPart(node: TS.Node): boolean {
    return (this.textParts.get(node) ?? CLEAN).some((label) => label.type === 'source');
  }

  /** Whether this analysis creates labels of a kind (the policy decides). */
  wants(kind: SourceKind): boolean {
    return this.options.policy.kinds.has(kind);
  }

  /** The findings in one file; the file is analysed once. */
  findingsOf(sourceFile: TS.SourceFile): readonly Finding[] {
    if (!this.analyzedFiles.has(sourceFile)) {
      this.analyzedFiles.add(sourceFile);
      new FunctionAnalysis(this, sourceFile, new Map(), [], 0).run();
    }
    const seen = new Set<string>();
    return (this.findingsByFile.get(sourceFile.fileName) ?? []).filter((finding) => {
      const key = `${finding.argument.pos}:${finding.call.pos}:${finding.sink}`;
      return seen.size !== seen.add(key).size;
    });
  }

  record(finding: Finding): void {
    const fileName = finding.call.getSourceFile().fileName;
    const list = this.findingsByFile.get(fileName) ?? [];
    list.push(finding);
    this.findingsByFile.set(fileName, list);
  }

  modelInputRoots(sourceFile: TS.SourceFile): ModelInputRoots {
    let roots = this.rootsByFile.get(sourceFile);
    if (roots === undefined) {
      roots = this.wants('model-input') ? findModelInputs(this, sourceFile, 0) : new Map();
      this.rootsByFile.set(sourceFile, roots);
    }
    return roots;
  }

  /** The parameters of a function whose values reach a model. */
  modelInputParams(fn: FunctionLike, depth: number): ReadonlySet<number> {
    if (!this.wants('model-input')) return new Set();
    const cached = this.inputParams.get(fn);
    if (cached !== undefined) return cached ?? new Set();
    this.inputParams.set(fn, null);
    const roots = findModelInputs(this, fn, depth);
    const result = new Set<number>();
    fn.parameters.forEach((parameter, index) => {
      if (this.ts.isIdentifier(parameter.name)) {
        const symbol = this.checker.getSymbolAtLocation(parameter.name);
        if (symbol !== undefined && roots.has(symbol)) result.add(index);
      }
    });
    this.inputParams.set(fn, result);
    return result;
  }

  /** A function's summary, analysing it on first use (bounded by depth; recursion gives none). */
  summaryOf(fn: FunctionLike, depth: number): FunctionSummary | undefined {
    const cached = this.summaries.get(fn);
    if (cached !== undefined) return cached ?? undefined;
    if (depth > this.options.crossFileDepth) return undefined;
    this.summaries.set(fn, null);
    new FunctionAnalysis(this, fn, new Map(), [], depth).run();
    return this.summaries.get(fn) ?? undefined;
  }

  storeSummary(fn: FunctionLike, summary: FunctionSummary): void {
    this.summaries.set(fn, summary);
  }

  /**
   * The body of the function a call runs, when the program has it: a declaration in a project
   * file (not a `.d.ts`, not a package).
   */
  calleeBody(call: TS.CallExpression | TS.NewExpression): FunctionLike | undefined {
    const declaration = calledDeclaration(this.ts, this.checker, call);
    if (declaration === undefined) return undefined;
    const body = isFunctionLike(this.ts, declaration) && declaration.body !== undefined ? declaration : this.implementationOf(call);
    if (body === undefined) return undefined;
    const sourceFile = body.getSourceFile();
    if (sourceFile.isDeclarationFile || sourceFile.fileName.includes('/node_modules/')) return undefined;
    return body;
  }

  /**
   * A method declared by an interface has no body, but the object it is called on often comes
   * from code the program has: `const log = createLogger()` where `createLogger` returns an
   * object literal, or `new ConsoleLogger()`. Follows the receiver's `const` to that literal or
   * class and returns the method's implementation.
   */
  private implementationOf(call: TS.CallExpression | TS.NewExpression): FunctionLike | undefined {
    const { ts } = this;
    const callee = call.expression;
    if (!ts.isPropertyAccessExpression(callee)) return undefined;
    const name = callee.name.text;
    const declaration = targetSymbol(ts, this.checker, callee.expression)?.valueDeclaration;
    if (declaration === undefined || !ts.isVariableDeclaration(declaration) || declaration.initializer === undefined) return undefined;
    return this.memberOfValue(declaration.initializer, name, 0);
  }

  private memberOfValue(expression: TS.Expression, name: string, depth: number): FunctionLike | undefined {
    const { ts } = this;
    if (depth > 3) return undefined;
    let node = expression;
    while (ts.isParenthesizedExpression(node) || ts.isAsExpression(node) || ts.isSatisfiesExpression(node)) node = node.expression;
    if (ts.isObjectLiteralExpression(node)) {
      for (const property of node.properties) {
        if (property.name === undefined || !ts.isIdentifier(property.name) || property.name.text !== name) continue;
        if (ts.isMethodDeclaration(property)) return property;
        if (ts.isPropertyAssignment(property) && (ts.isArrowFunction(property.initializer) || ts.isFunctionExpression(property.initializer))) return property.initializer;
      }
      return undefined;
    }
    if (ts.isNewExpression(node)) {
      const classDeclaration = this.checker.getSymbolAtLocation(node.expression)?.valueDeclaration;
      if (classDeclaration === undefined || !ts.isClassLike(classDeclaration)) return undefined;
      const member = classDeclaration.members.find((candidate) => ts.isMethodDeclaration(candidate) && ts.isIdentifier(candidate.name) && candidate.name.text === name);
      return member !== undefined && ts.isMethodDeclaration(member) ? member : undefined;
    }
    if (ts.isCallExpression(node)) {
      const factory = calledDeclaration(ts, this.checker, node);
      if (factory === undefined || !isFunctionLike(ts, factory) || factory.body === undefined) return undefined;
      if (!ts.isBlock(factory.body)) return this.memberOfValue(factory.body, name, depth + 1);
      let found: FunctionLike | undefined;
      const visit = (statement: TS.Node): void => {
        if (found !== undefined || (statement !== factory.body && isFunctionLike(ts, statement))) return;
        if (ts.isReturnStatement(statement) && statement.expression !== undefined) found = this.memberOfValue(statement.expression, name, depth + 1);
        else ts.forEachChild(statement, visit);
      };
      visit(factory.body);
      return found;
    }
    return undefined;
  }
}

/**
 * What engines of one program can share whatever their policy: the catalogue matcher and the
 * type facts, each with its caches (the leak and the injection analyses ask the same questions).
 */
export interface SharedFacts {
  /** The program's checker, answers kept per node (see memoChecker). */
  readonly checker: TS.TypeChecker;
  readonly matcher: CatalogueMatcher;
  readonly types: TypeFacts;
  /** Whether a name reads as a secret's (`apiToken`): asked of every name, answered once per name. */
  readonly isSecretName: (name: string) => boolean;
}

export function createSharedFacts(ts: typeof TS, program: TS.Program, options: ResolvedTaintOptions): SharedFacts {
  const checker = memoChecker(program);
  const matcher = createMatcher(ts, program, { entries: options.entries, mlxPackages: options.mlxPackages, checker, memoizeMatches: true });
  const secretNames = new Map<string, boolean | null>();
  const isSecretName = (name: string): boolean => remember(secretNames, name, () => options.secretName.test(snakeCase(name)));
  return { checker, matcher, types: new TypeFacts(ts, checker, matcher, isSecretName), isSecretName };
}

/** Functions with bodies the analysis can summarise. */
export function isFunctionLike(ts: typeof TS, node: TS.Node): node is FunctionLike {
  return (
    ts.isFunctionDeclaration(node) ||
    ts.isFunctionExpression(node) ||
    ts.isArrowFunction(node) ||
    ts.isMethodDeclaration(node) ||
    ts.isGetAccessorDeclaration(node) ||
    ts.isSetAccessorDeclaration(node) ||
    ts.isConstructorDeclaration(node)
  );
}
