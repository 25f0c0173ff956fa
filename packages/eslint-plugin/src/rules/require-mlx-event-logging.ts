import type * as TS from 'typescript';
import { createDifferentiation, type BindingMatch } from '@mlx-audit/catalogue';
import { ASTUtils, TSESLint, TSESTree, type JSONSchema } from '@typescript-eslint/utils';
import { getTaintEngine, taintOptionsSchema, type FunctionSpecifier, type TaintOptions } from '../taint/index.js';
import { sinkOfCall } from '../taint/sinks.js';
import { shortCallee } from '../taint/syntax.js';
import { createRule, DOCS_BASE_URL } from '../util/create-rule.js';
import { reportMissingTypeInformation } from '../util/missing-type-information.js';
import { typedServices } from '../util/typed-services.js';
import { ReachSearch } from '../util/reach-search.js';
import { ts } from '../util/typescript.js';

/** The MLX kinds a caller can ask to be logged, with how reports and suggested events name them. */
const TRIGGER_KINDS = {
  'model-load': { label: 'model load', event: 'model.load', after: 'model loaded', before: 'loading model' },
  inference: { label: 'inference', event: 'model.inference', after: 'inference done', before: 'running inference' },
  'model-save': { label: 'model save', event: 'model.save', after: 'model saved', before: 'saving model' },
  evaluation: { label: 'evaluation', event: 'model.evaluation', after: 'evaluation done', before: 'evaluating' },
} as const;

type TriggerKind = keyof typeof TRIGGER_KINDS;

const DEFAULT_KINDS: readonly TriggerKind[] = ['model-load', 'inference'];

/** The runtime's audit helper: a call to it is an event whatever else is configured. */
const RUNTIME_EVENT_HELPERS: readonly FunctionSpecifier[] = [{ module: '@mlx-audit/runtime', name: 'auditEvent' }];

/** How many calls deep a function of the program is followed to find that it logs. */
const MAX_DEPTH = 4;

/** How many callers up an event in a calling function is looked for. */
const MAX_CALLER_DEPTH = 4;

export type Options = [
  Pick<TaintOptions, 'entries' | 'mlxPackages'> & {
    readonly kinds?: readonly TriggerKind[];
    readonly eventCalls?: TaintOptions['sinks'];
    readonly sameFileCallers?: boolean;
    readonly requireSource?: boolean;
  },
];
export type MessageId = 'missingOnAllPaths' | 'missingOnSomePaths' | 'missingSource' | 'addLogEvent' | 'missingTypeInformation';

export default createRule<Options, MessageId>({
  name: 'require-mlx-event-logging',
  meta: {
    type: 'suggestion',
    hasSuggestions: true,
    docs: {
      description: 'Require a log event on every code path that loads a model or runs inference with MLX',
      requiresTypeChecking: true,
      recommended: 'recommended',
    },
    messages: {
      missingOnAllPaths: '{{call}} ({{kind}}) runs with no log event on any path of {{fn}}: log it{{what}}.',
      missingOnSomePaths: '{{call}} ({{kind}}) runs without a log event on some paths of {{fn}}: log it on every path{{what}}.',
      missingSource: '{{call}} (model load) is logged in {{fn}}, but no event carries the model source `{{source}}`: log where the model comes from.',
      addLogEvent: 'Log a `{{event}}` event with `{{logger}}` {{where}} the call.',
      missingTypeInformation: `require-mlx-event-logging needs type information to recognise MLX calls: enable typed linting (parserOptions.projectService). See ${DOCS_BASE_URL}/require-mlx-event-logging.md.`,
    },
    defaultOptions: [{}],
    schema: [
      {
        type: 'object',
        additionalProperties: false,
        // The shared schema is plain JSON schema; ESLint's type is a stricter union of the same.
        properties: {
          kinds: {
            type: 'array',
            items: { type: 'string', enum: Object.keys(TRIGGER_KINDS) },
            uniqueItems: true,
            description: 'The kinds of MLX call that need a log event (default: model-load and inference).',
          },
          eventCalls: { ...taintOptionsSchema.sinks, description: 'Calls that count as a log event besides the built-in loggers and auditEvent.' },
          sameFileCallers: {
            type: 'boolean',
            description: 'Whether a function is covered when every call of it in the same file is covered by an event of its caller (default true).',
          },
          requireSource: {
            type: 'boolean',
            description: 'Whether a load whose source is a variable or property must have it in one of the events of its function (default true).',
          },
          entries: taintOptionsSchema.entries,
          mlxPackages: taintOptionsSchema.mlxPackages,
        } as Record<string, JSONSchema.JSONSchema4>,
      },
    ],
  },
  create(context, [options]) {
    const typed = typedServices(context);
    if (typed === undefined) return reportMissingTypeInformation(context);
    // Named apart so that the function declarations below see it narrowed.
    const services = typed;
    const program = services.program;
    const { kinds: kindOption, eventCalls: eventCallOption, sameFileCallers, requireSource, ...engineOptions } = options;
    const engine = getTaintEngine(ts, program, engineOptions);
    const { checker, matcher } = engine;
    const kinds = new Set<string>(kindOption ?? DEFAULT_KINDS);
    const eventCalls = [...RUNTIME_EVENT_HELPERS, ...(eventCallOption ?? [])];
    const { sourceCode } = context;

    const triggerOf = (call: TS.CallExpression): (BindingMatch & { kind: TriggerKind }) | undefined => {
      const match = matcher.match(call);
      return match !== undefined && kinds.has(match.kind) ? (match as BindingMatch & { kind: TriggerKind }) : undefined;
    };
    const isLogCall = (node: TS.Node): boolean => ts.isCallExpression(node) && sinkOfCall(ts, checker, matcher, eventCalls, node) !== undefined;
    const logs = new ReachSearch(engine, isLogCall, MAX_DEPTH);
    const runsTriggers = new ReachSearch(engine, (node) => ts.isCallExpression(node) && triggerOf(node) !== undefined, MAX_DEPTH);
    /** A log call, or a call of a function of the program that logs and is no MLX wrapper itself. */
    const isEvent = (call: TS.CallExpression): boolean => {
      if (isLogCall(call)) return true;
      const body = engine.calleeBody(call)?.body;
      return body !== undefined && logs.reaches(body) && !runsTriggers.reaches(body);
    };

    const paths: CodePathState[] = [];
    const triggers: Trigger[] = [];
    const callPoints = new Map<TSESTree.CallExpression, Point>();
    const loggers: LoggerUse[] = [];

    const judgeCallers = new CallerJudge(sourceCode, callPoints);
    // Which functions run under gradient transforms: the catalogue's analysis, the transformer's too.
    const differentiation = createDifferentiation(ts, checker, matcher);

    function reportAll(): void {
      for (const trigger of triggers) {
        const { verdict } = trigger.point;
        if (verdict === 'covered') {
          if (requireSource !== false && trigger.match.kind === 'model-load') reportMissingSource(trigger);
          continue;
        }
        // A forward pass in a function that is differentiated is a training step, not a request.
        if (trigger.match.kind === 'inference' && differentiation.inDifferentiated(services.esTreeNodeToTSNodeMap.get(trigger.point.node))) continue;
        if (sameFileCallers !== false && judgeCallers.covers(trigger.point.path.node, 0, new Set())) continue;
        const info = TRIGGER_KINDS[trigger.match.kind];
        const source = trigger.match.kind === 'model-load' ? sourceArgument(trigger.match) : undefined;
        const suggestion = suggest(trigger, source);
        context.report({
          node: trigger.point.node,
          messageId: verdict,
          data: {
            call: `\`${shortCallee(ts, services.esTreeNodeToTSNodeMap.get(trigger.point.node).expression)}\``,
            kind: info.label,
            fn: functionName(trigger.point.path.node),
            what: trigger.match.kind === 'model-load' ? ', with the model source (path or URL) and the outcome' : ', with its outcome',
          },
          suggest: suggestion === undefined ? [] : [suggestion],
        });
      }
    }

    /**
     * The seed threat is a model loaded from an unexpected place: a load's events must say where
     * from. Checked when the source is a variable or a property, which an event can name.
     */
    function reportMissingSource(trigger: Trigger): void {
      const source = sourceArgument(trigger.match);
      if (source === undefined || /^['"`]/.test(source)) return;
      const named = trigger.point.path.events.some((event) => mentions(event, source));
      if (named) return;
      context.report({
        node: trigger.point.node,
        messageId: 'missingSource',
        data: {
          call: `\`${shortCallee(ts, services.esTreeNodeToTSNodeMap.get(trigger.point.node).expression)}\``,
          fn: functionName(trigger.point.path.node),
          source,
        },
      });
    }

    /** Whether a call passes `text` (a name or property chain) anywhere in its arguments. */
    function mentions(call: TSESTree.CallExpression, text: string): boolean {
      let found = false;
      const visit = (node: TSESTree.Node): void => {
        if (found) return;
        if ((node.type === TSESTree.AST_NODE_TYPES.Identifier || node.type === TSESTree.AST_NODE_TYPES.MemberExpression) && sourceCode.getText(node) === text) {
          found = true;
          return;
        }
        for (const key of sourceCode.visitorKeys[node.type] ?? []) {
          const child = (node as unknown as Record<string, TSESTree.Node | TSESTree.Node[] | null | undefined>)[key];
          if (Array.isArray(child)) child.forEach(visit);
          else if (child != null) visit(child);
        }
      };
      call.arguments.forEach(visit);
      return found;
    }

    /** The path or URL a load reads, when the suggestion can repeat it without running anything twice. */
    function sourceArgument(match: BindingMatch): string | undefined {
      const argument = match.arguments.find(
        (candidate) => candidate.role === 'path' || (candidate.role === 'path-or-weights' && (checker.getTypeAtLocation(candidate.node).flags & ts.TypeFlags.StringLike) !== 0),
      );
      if (argument === undefined || argument.spread) return undefined;
      const node = services.tsNodeToESTreeNodeMap.get(argument.node);
      return isSideEffectFree(node) ? sourceCode.getText(node) : undefined;
    }

    function suggest(trigger: Trigger, source: string | undefined): TSESLint.SuggestionReportDescriptor<MessageId> | undefined {
      const placement = placementOf(trigger.point.node, sourceCode.lines);
      if (placement === undefined) return undefined;
      const info = TRIGGER_KINDS[trigger.match.kind];
      const outcome = placement.where === 'after' ? 'success' : 'unknown';
      const fields = [...(source === undefined ? [] : [`source: ${source}`]), `outcome: '${outcome}'`];
      const logger = loggerAt(trigger.point.node);
      const message = `'${info[placement.where]}'`;
      const structured = `{ event: '${info.event}', ${fields.join(', ')} }`;
      let text: string;
      if (logger.style === 'audit') text = `${logger.name}('${info.event}', { ${fields.join(', ')} })`;
      else if (logger.style === 'object-first') text = `${logger.name}(${structured}, ${message})`;
      else text = `${logger.name}(${message}, ${structured})`;
      const { statement, indent } = placement;
      return {
        messageId: 'addLogEvent',
        data: { event: info.event, logger: logger.name, where: placement.where },
        fix: (fixer) => (placement.where === 'after' ? fixer.insertTextAfter(statement, `\n${indent}${text};`) : fixer.insertTextBefore(statement, `${text};\n${indent}`)),
      };
    }

    /** The best logger visible at a node: the runtime's `auditEvent` if imported, a logger the file uses, else `console`. */
    function loggerAt(node: TSESTree.Node): { name: string; style: LoggerUse['style'] | 'audit' } {
      const scope = sourceCode.getScope(node);
      for (const statement of sourceCode.ast.body) {
        if (statement.type !== TSESTree.AST_NODE_TYPES.ImportDeclaration || statement.source.value !== '@mlx-audit/runtime') continue;
        for (const specifier of statement.specifiers) {
          if (specifier.type !== TSESTree.AST_NODE_TYPES.ImportSpecifier) continue;
          const imported = specifier.imported.type === TSESTree.AST_NODE_TYPES.Identifier ? specifier.imported.name : specifier.imported.value;
          if (imported !== 'auditEvent') continue;
          const variable = ASTUtils.findVariable(scope, specifier.local.name);
          if (variable?.defs[0]?.node === specifier) return { name: specifier.local.name, style: 'audit' };
        }
      }
      for (const use of loggers) {
        if (ASTUtils.findVariable(scope, use.variable.name) !== use.variable) continue;
        const definition = use.variable.defs[0]?.name;
        const declaredBefore = definition !== undefined && definition.range[0] < node.range[0];
        if (declaredBefore || use.variable.scope.type === TSESLint.Scope.ScopeType.module || use.variable.scope.type === TSESLint.Scope.ScopeType.global) {
          return { name: `${use.variable.name}.${use.method}`, style: use.style };
        }
      }
      return { name: 'console.info', style: 'message-first' };
    }

    /** A logger variable seen logging in this file (`logger.error(...)`), for the suggestion. */
    function noteLogger(node: TSESTree.CallExpression, call: TS.CallExpression): void {
      const callee = node.callee;
      if (callee.type !== TSESTree.AST_NODE_TYPES.MemberExpression || callee.object.type !== TSESTree.AST_NODE_TYPES.Identifier || callee.property.type !== TSESTree.AST_NODE_TYPES.Identifier) return;
      const variable = ASTUtils.findVariable(sourceCode.getScope(node), callee.object);
      // `console` is the fallback anyway; a variable without a declaration here is a global.
      if (variable === null || variable.defs.length === 0 || loggers.some((use) => use.variable === variable)) return;
      const receiverType = checker.getTypeAtLocation(ts.isPropertyAccessExpression(call.expression) ? call.expression.expression : call.expression);
      const method = receiverType.getProperty('info') !== undefined ? 'info' : callee.property.name;
      const style = node.arguments[0]?.type === TSESTree.AST_NODE_TYPES.ObjectExpression ? 'object-first' : 'message-first';
      loggers.push({ variable, method, style });
    }

    const current = (): CodePathState | undefined => paths.at(-1);
    const add = (entry: Entry): void => {
      const state = current();
      if (state === undefined) return;
      for (const segment of state.current) {
        const list = state.entries.get(segment.id) ?? [];
        list.push(entry);
        state.entries.set(segment.id, list);
      }
    };
    const enter = (segment: TSESLint.CodePathSegment): void => {
      current()?.current.add(segment);
    };
    const leave = (segment: TSESLint.CodePathSegment): void => {
      current()?.current.delete(segment);
    };

    const listener = {
      onCodePathStart(codePath: TSESLint.CodePath, node: TSESTree.Node) {
        paths.push({ codePath, node, current: new Set(), entries: new Map(), points: [], events: [] });
      },
      onCodePathEnd(codePath: TSESLint.CodePath) {
        const state = paths.pop();
        if (state === undefined) return;
        judge(state);
        if (codePath.upper === null) reportAll();
      },
      onCodePathSegmentStart: enter,
      onUnreachableCodePathSegmentStart: enter,
      onCodePathSegmentEnd: leave,
      onUnreachableCodePathSegmentEnd: leave,
      // Exit order is evaluation order: `logger.info({ w: mx.load(p) })` loads, then logs.
      'CallExpression:exit'(node: TSESTree.CallExpression) {
        const state = current();
        if (state === undefined) return;
        const call = services.esTreeNodeToTSNodeMap.get(node);
        const match = triggerOf(call);
        if (match !== undefined) {
          const point = newPoint(state, node);
          triggers.push({ point, match });
          add(point);
        } else if (isEvent(call)) {
          add(EVENT);
          state.events.push(node);
          noteLogger(node, call);
        } else if (node.callee.type === TSESTree.AST_NODE_TYPES.Identifier) {
          const point = newPoint(state, node);
          callPoints.set(node, point);
          add(point);
        }
      },
    };
    // typescript-eslint's listener type has no code-path events; ESLint calls them by name.
    return listener as unknown as TSESLint.RuleListener;
  },
});

/** The event marker in a segment's entries. */
const EVENT = 'event';

type Verdict = 'covered' | 'missingOnAllPaths' | 'missingOnSomePaths';

/** A call whose paths are judged: an MLX trigger, or a call of a function of this file. */
interface Point {
  readonly node: TSESTree.CallExpression;
  readonly path: CodePathState;
  /** Set when the code path ends; a point in unreachable code stays covered: it never runs. */
  verdict: Verdict;
}

type Entry = Point | typeof EVENT;

interface Trigger {
  readonly point: Point;
  readonly match: BindingMatch & { kind: TriggerKind };
}

interface CodePathState {
  readonly codePath: TSESLint.CodePath;
  /** The function (or Program) the code path belongs to. */
  readonly node: TSESTree.Node;
  /** Segments the traversal is in (ESLint 10 no longer tells). */
  readonly current: Set<TSESLint.CodePathSegment>;
  /** Events and points per segment id, in evaluation order. */
  readonly entries: Map<string, Entry[]>;
  readonly points: Point[];
  /** The event calls of the function, to check what they carry. */
  readonly events: TSESTree.CallExpression[];
}

interface LoggerUse {
  readonly variable: TSESLint.Scope.Variable;
  readonly method: string;
  /** pino and bunyan take the fields first (`{...}, 'msg'`); console, winston and most others the message. */
  readonly style: 'object-first' | 'message-first';
}

function newPoint(path: CodePathState, node: TSESTree.CallExpression): Point {
  const point: Point = { node, path, verdict: 'covered' };
  path.points.push(point);
  return point;
}

/**
 * Judges every point of a finished code path. A path runs from the start of the function to a
 * `return` or its end; a path that ends in a `throw` hands the failure to the caller and needs no
 * event (no-silent-mlx-catch sees that whoever catches it logs it). A point is covered when every
 * such path through it has an event, before or after it. That fails exactly when an event-free
 * path reaches the point and an event-free path leads from it to a return, so four "may" facts
 * per segment, solved to a fixed point over the whole graph (loops included), decide it.
 */
function judge(state: CodePathState): void {
  const { codePath, entries } = state;
  const segments = reachableSegments(codePath.initialSegment);
  const inGraph = new Set(segments);
  const returned = new Set(codePath.returnedSegments);
  const final = new Set(codePath.finalSegments);
  const hasEvent = (segment: TSESLint.CodePathSegment): boolean => entries.get(segment.id)?.includes(EVENT) === true;

  /** An event-free path from the start reaches the segment's start. */
  const freeIn = new Set<TSESLint.CodePathSegment>([codePath.initialSegment]);
  /** A path from the start with an event reaches the segment's start. */
  const eventIn = new Set<TSESLint.CodePathSegment>();
  /** An event-free path leads from the segment's end to a return. */
  const freeOut = new Set<TSESLint.CodePathSegment>();
  /** A path with an event leads from the segment's end to a return or a throw. */
  const eventOut = new Set<TSESLint.CodePathSegment>();
  const toReturn = new Set<TSESLint.CodePathSegment>();
  const toFinal = new Set<TSESLint.CodePathSegment>();
  const raise = (set: Set<TSESLint.CodePathSegment>, segment: TSESLint.CodePathSegment, value: boolean): boolean => value && set.size !== set.add(segment).size;

  for (let changed = true; changed; ) {
    changed = false;
    for (const segment of segments) {
      const previous = segment.prevSegments.filter((candidate) => inGraph.has(candidate));
      const next = segment.nextSegments.filter((candidate) => inGraph.has(candidate));
      changed = raise(freeIn, segment, previous.some((before) => freeIn.has(before) && !hasEvent(before))) || changed;
      changed = raise(eventIn, segment, previous.some((before) => eventIn.has(before) || hasEvent(before))) || changed;
      changed = raise(toReturn, segment, returned.has(segment) || next.some((after) => toReturn.has(after))) || changed;
      changed = raise(toFinal, segment, final.has(segment) || next.some((after) => toFinal.has(after))) || changed;
      changed = raise(freeOut, segment, returned.has(segment) || next.some((after) => freeOut.has(after) && !hasEvent(after))) || changed;
      changed = raise(eventOut, segment, next.some((after) => eventOut.has(after) || (hasEvent(after) && toFinal.has(after)))) || changed;
    }
  }

  // A call in a `finally` block has a copy per way through it: it is judged over all of them.
  const uncovered = new Set<Point>();
  const withEvent = new Set<Point>();
  for (const segment of segments) {
    const list = entries.get(segment.id) ?? [];
    list.forEach((entry, index) => {
      if (entry === EVENT) return;
      const before = list.slice(0, index).includes(EVENT);
      const after = list.slice(index + 1).includes(EVENT);
      if (toReturn.has(segment) && freeIn.has(segment) && !before && !after && freeOut.has(segment)) uncovered.add(entry);
      if (toFinal.has(segment) && (eventIn.has(segment) || before || after || eventOut.has(segment))) withEvent.add(entry);
    });
  }
  for (const point of state.points) {
    if (uncovered.has(point)) point.verdict = withEvent.has(point) ? 'missingOnSomePaths' : 'missingOnAllPaths';
  }
}

function reachableSegments(initial: TSESLint.CodePathSegment): TSESLint.CodePathSegment[] {
  const seen = new Set([initial]);
  for (const segment of seen) for (const next of segment.nextSegments) seen.add(next);
  return [...seen];
}

/**
 * Whether every run of a function goes through callers in this file that log around the call:
 * the function is not exported, every reference to it is a call, and each call is covered in its
 * caller (or, in turn, by that caller's callers).
 */
class CallerJudge {
  constructor(
    private readonly sourceCode: Readonly<TSESLint.SourceCode>,
    private readonly callPoints: ReadonlyMap<TSESTree.CallExpression, Point>,
  ) {}

  covers(fn: TSESTree.Node, depth: number, visiting: Set<TSESTree.Node>): boolean {
    if (depth >= MAX_CALLER_DEPTH || visiting.has(fn)) return false;
    const variable = this.bindingOf(fn);
    if (variable === undefined) return false;
    const calls = variable.references.filter((reference) => !reference.init);
    if (calls.length === 0) return false;
    visiting.add(fn);
    const result = calls.every((reference) => {
      const parent = reference.identifier.parent;
      if (parent.type !== TSESTree.AST_NODE_TYPES.CallExpression || parent.callee !== reference.identifier) return false;
      const point = this.callPoints.get(parent);
      if (point === undefined) return false;
      return point.verdict === 'covered' || this.covers(point.path.node, depth + 1, visiting);
    });
    visiting.delete(fn);
    return result;
  }

  /** The variable a function is bound to, when nothing outside this file can call it. */
  private bindingOf(fn: TSESTree.Node): TSESLint.Scope.Variable | undefined {
    const { AST_NODE_TYPES } = TSESTree;
    let declaration: TSESTree.Node = fn;
    if (fn.type === AST_NODE_TYPES.FunctionDeclaration) declaration = fn;
    else if ((fn.type === AST_NODE_TYPES.ArrowFunctionExpression || fn.type === AST_NODE_TYPES.FunctionExpression) && fn.parent.type === AST_NODE_TYPES.VariableDeclarator) {
      if (fn.parent.parent.kind !== 'const' || fn.parent.id.type !== AST_NODE_TYPES.Identifier) return undefined;
      declaration = fn.parent;
    } else return undefined;
    const exported = [declaration.parent, declaration.parent.parent].some(
      (ancestor) => ancestor?.type === AST_NODE_TYPES.ExportNamedDeclaration || ancestor?.type === AST_NODE_TYPES.ExportDefaultDeclaration,
    );
    if (exported) return undefined;
    return this.sourceCode.getDeclaredVariables(declaration).find((variable) => variable.defs.some((definition) => definition.node === declaration));
  }
}

/** Where a suggested log call goes: after the statement that makes the call, or before a `return`/`throw`. */
function placementOf(call: TSESTree.CallExpression, lines: readonly string[]): { statement: TSESTree.Node; where: 'after' | 'before'; indent: string } | undefined {
  const { AST_NODE_TYPES } = TSESTree;
  let node: TSESTree.Node = call;
  for (;;) {
    const parent: TSESTree.Node = node.parent;
    // Under a condition the call may not run: an unconditional "done" event would be wrong.
    if (parent.type === AST_NODE_TYPES.ConditionalExpression && parent.test !== node) return undefined;
    if (parent.type === AST_NODE_TYPES.LogicalExpression && parent.right === node) return undefined;
    if (parent.type === AST_NODE_TYPES.ChainExpression || isFunction(parent)) return undefined;
    if (parent.type === AST_NODE_TYPES.BlockStatement || parent.type === AST_NODE_TYPES.Program || parent.type === AST_NODE_TYPES.StaticBlock || parent.type === AST_NODE_TYPES.SwitchCase) {
      if (parent.type === AST_NODE_TYPES.SwitchCase && parent.test === node) return undefined;
      break;
    }
    node = parent;
  }
  if (!node.type.endsWith('Statement') && !node.type.endsWith('Declaration')) return undefined;
  const where = node.type === AST_NODE_TYPES.ReturnStatement || node.type === AST_NODE_TYPES.ThrowStatement ? 'before' : 'after';
  const indent = /^\s*/.exec(lines[node.loc.start.line - 1] ?? '')?.[0] ?? '';
  return { statement: node, where, indent };
}

function isFunction(node: TSESTree.Node): boolean {
  return node.type === TSESTree.AST_NODE_TYPES.FunctionDeclaration || node.type === TSESTree.AST_NODE_TYPES.FunctionExpression || node.type === TSESTree.AST_NODE_TYPES.ArrowFunctionExpression;
}

/** A name, a property chain or a literal: repeating it in the log call evaluates nothing twice. */
function isSideEffectFree(node: TSESTree.Node): boolean {
  switch (node.type) {
    case TSESTree.AST_NODE_TYPES.Identifier:
    case TSESTree.AST_NODE_TYPES.Literal:
    case TSESTree.AST_NODE_TYPES.ThisExpression:
      return true;
    case TSESTree.AST_NODE_TYPES.MemberExpression:
      return !node.computed && isSideEffectFree(node.object);
    case TSESTree.AST_NODE_TYPES.TemplateLiteral:
      return node.expressions.every(isSideEffectFree);
    default:
      return false;
  }
}

/** How reports name the function a code path belongs to. */
function functionName(node: TSESTree.Node): string {
  const { AST_NODE_TYPES } = TSESTree;
  if (node.type === AST_NODE_TYPES.Program) return 'the module';
  if (node.type === AST_NODE_TYPES.FunctionDeclaration && node.id !== null) return `\`${node.id.name}\``;
  const parent = node.parent;
  if (parent.type === AST_NODE_TYPES.VariableDeclarator && parent.id.type === AST_NODE_TYPES.Identifier) return `\`${parent.id.name}\``;
  if ((parent.type === AST_NODE_TYPES.MethodDefinition || parent.type === AST_NODE_TYPES.Property) && parent.key.type === AST_NODE_TYPES.Identifier) return `\`${parent.key.name}\``;
  return 'this function';
}
