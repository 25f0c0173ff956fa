import type { CatalogueMatcher } from '@mlx-audit/catalogue';
import type * as TS from 'typescript';
import { LogCalls } from '../logging/log-calls.js';
import type { Sink } from '../logging/sinks.js';
import { calleeBody } from '../program/callee-body.js';
import type { ProgramServices } from '../program/services.js';
import type { TypeFacts } from '../program/type-facts.js';
import type { FunctionLike } from '../util/syntax.js';
import type { AnalysisContext, Finding, FlowPolicy, FunctionSummary, ModelInputRoots } from './context.js';
import { FunctionAnalysis } from './function-analysis.js';
import { CLEAN, union, type SourceKind, type Taint } from './labels.js';
import { findModelInputs } from './model-inputs.js';
import type { ResolvedTaintOptions } from './options.js';
import { flowPolicyOf } from './policy.js';

/**
 * The taint analysis of one program under one set of options. It runs over the TypeScript AST,
 * so the file being linted and the other files of the program are one mechanism: function
 * summaries, cached here, serve every file linted against the same program. It is the
 * AnalysisContext the parts of the analysis are given; none of them imports it.
 */
export class TaintEngine implements AnalysisContext {
  readonly ts: typeof TS;
  readonly checker: TS.TypeChecker;
  readonly matcher: CatalogueMatcher;
  readonly types: TypeFacts;
  readonly isSecretName: (name: string) => boolean;
  readonly flow: FlowPolicy;
  /** Taint written to class fields (`this.x = …`, static fields), joined over the class. */
  readonly classFields = new Map<TS.Node, Map<string, Taint>>();
  private readonly logCalls: LogCalls;
  private readonly summaries = new Map<TS.Node, FunctionSummary | null>();
  private readonly inputParams = new Map<TS.Node, ReadonlySet<number> | null>();
  private readonly rootsByFile = new Map<TS.SourceFile, ModelInputRoots>();
  private readonly findingsByFile = new Map<string, Finding[]>();
  private readonly analyzedFiles = new Set<TS.SourceFile>();
  /** For log injection: the taint of each part of a template or `+` chain, to rebuild messages without them. */
  private readonly textParts = new Map<TS.Node, Taint>();

  constructor(
    services: ProgramServices,
    readonly options: ResolvedTaintOptions,
  ) {
    this.ts = services.ts;
    this.checker = services.checker;
    this.matcher = services.matcher;
    const facts = services.typeFacts(options.secretName);
    this.types = facts.types;
    this.isSecretName = facts.isSecretName;
    this.flow = flowPolicyOf(options.policy);
    this.logCalls = new LogCalls(services, options.sinks, options.stdoutIsLog);
  }

  noteTextPart(node: TS.Node, taint: Taint): void {
    if (taint.length > 0) this.textParts.set(node, union(this.textParts.get(node) ?? CLEAN, taint));
  }

  /** Whether a part of a message template or concatenation carried untrusted text. */
  isTaintedTextPart(node: TS.Node): boolean {
    return (this.textParts.get(node) ?? CLEAN).some((label) => label.type === 'source');
  }

  wants(kind: SourceKind): boolean {
    return this.options.policy.kinds.has(kind);
  }

  sinkOf(call: TS.CallExpression): Sink | undefined {
    return this.logCalls.sinkOf(call);
  }

  calleeBody(call: TS.CallExpression | TS.NewExpression): FunctionLike | undefined {
    return calleeBody(this.ts, this.checker, call);
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
}
