import type { CatalogueMatcher } from '@mlx-audit/catalogue';
import type * as TS from 'typescript';
import type { MessagePosition } from '../logging/messages.js';
import type { Sink } from '../logging/sinks.js';
import type { TypeFacts } from '../program/type-facts.js';
import type { FunctionLike } from '../util/syntax.js';
import type { SourceKind, SourceLabel, Taint } from './labels.js';
import type { ResolvedTaintOptions } from './options.js';
import type { Env, Value } from './value.js';

// The interfaces the parts of the data-flow analysis meet through. Declared apart from the engine
// that implements them, so that no part imports the engine and the engine imports the parts.

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
 * A variable whose value reaches a model: logging it anywhere (before the inference as well as
 * after) logs a model input. `props` narrows it to some of its properties (`batch.inputs`).
 */
export interface ModelInputRoot {
  readonly label: SourceLabel;
  readonly props: ReadonlySet<string> | 'whole';
}

export type ModelInputRoots = Map<TS.Symbol, ModelInputRoot>;

/** An argument of a log call whose value is checked, and where it goes in the message. */
export interface LoggedArgument {
  readonly node: TS.Expression;
  readonly value: Value;
  readonly position?: MessagePosition;
}

/**
 * What one analysis looks for, as behaviour: chosen once per engine from its policy's name
 * (`leak` or `injection`), so the analysis asks it rather than branching on the name.
 */
export interface FlowPolicy {
  /** What an element read by a tainted key carries. */
  keyTaint(taint: Taint): Taint;
  /** What one part of a message template or `+` chain carries (log injection remembers it for its fixes). */
  textPart(context: AnalysisContext, node: TS.Expression, taint: Taint): Taint;
  /** The arguments of a log call that are checked, with their values. */
  loggedArguments(context: AnalysisContext, sink: Sink, call: TS.CallExpression, args: readonly Value[]): LoggedArgument[];
  /** What a call of the rule's configured sources gives. */
  readonly configuredSource: SourceKind;
  /** Whether a call's result is clean under this policy whatever its operands carry (a line-break sanitizer, a number's text). */
  cleans(context: AnalysisContext, call: TS.CallExpression, receiver: TS.Expression | undefined): boolean;
  /** The taint an argument reaching a log (or a wrapper that logs it) reports. */
  reported(context: AnalysisContext, argument: TS.Expression, flow: Taint, wrapper: SinkPath | undefined): Taint;
}

/** What the parts of the analysis (sources, call facts, model inputs, function analysis) ask of the engine. */
export interface AnalysisContext {
  readonly ts: typeof TS;
  readonly checker: TS.TypeChecker;
  readonly matcher: CatalogueMatcher;
  readonly types: TypeFacts;
  readonly options: ResolvedTaintOptions;
  readonly flow: FlowPolicy;
  /** Taint written to class fields (`this.x = …`, static fields), joined over the class. */
  readonly classFields: Map<TS.Node, Map<string, Taint>>;
  /** Whether a name reads as a secret's (`apiToken`). */
  isSecretName(name: string): boolean;
  /** Whether this analysis creates labels of a kind (the policy decides). */
  wants(kind: SourceKind): boolean;
  /** The log call a call is (logging/'s notion, with the rule's configured sinks). */
  sinkOf(call: TS.CallExpression): Sink | undefined;
  /** The function a call runs, when the program has its body. */
  calleeBody(call: TS.CallExpression | TS.NewExpression): FunctionLike | undefined;
  /** A function's summary, analysing it on first use (bounded by depth; recursion gives none). */
  summaryOf(fn: FunctionLike, depth: number): FunctionSummary | undefined;
  storeSummary(fn: FunctionLike, summary: FunctionSummary): void;
  modelInputRoots(sourceFile: TS.SourceFile): ModelInputRoots;
  /** The parameters of a function whose values reach a model. */
  modelInputParams(fn: FunctionLike, depth: number): ReadonlySet<number>;
  record(finding: Finding): void;
  noteTextPart(node: TS.Node, taint: Taint): void;
}

/**
 * One function (or file top level) being analysed, as the modules that evaluate its expressions
 * and calls see it: its variables' values, and what they may do to it.
 */
export interface Frame {
  readonly context: AnalysisContext;
  readonly unit: FunctionLike | TS.SourceFile;
  readonly depth: number;
  /** Variables' values at the current point. */
  env: Env;
  /** Parameters (by index) that reach a log in this function: its summary's wrapper sinks. */
  readonly sinks: Map<number, SinkPath>;
  evaluate(expression: TS.Expression): Value;
  assign(target: TS.Expression, value: Value): void;
  addReturn(value: Value): void;
  analyzeNested(fn: FunctionLike, argumentTaints: readonly Taint[]): FunctionSummary;
  visitClass(node: TS.ClassLikeDeclaration): void;
}
