import type * as TS from 'typescript';
import { KIND_TRAITS, type BindingKind, type BindingMatch } from '@mlx-audit/catalogue';
import { TSESLint, TSESTree, type JSONSchema } from '@typescript-eslint/utils';
import { LogCalls } from '../logging/log-calls.js';
import { configuredSinks, deprecatedSinksSchema, sinksSchema, type DeprecatedSinkOptions } from '../logging/options.js';
import { reportMissingTypeInformation } from '../program/missing-type-information.js';
import { calleeBody } from '../program/callee-body.js';
import { matcherOptionsSchema, programServices, type MatcherOptions } from '../program/services.js';
import { typedServices } from '../program/typed-services.js';
import { ts } from '../program/typescript.js';
import { createRule, DOCS_BASE_URL } from '../util/create-rule.js';
import { shortCallee } from '../util/syntax.js';
import { CallerJudge, type CallPoint } from './require-mlx-event-logging/caller-judge.js';
import { EVENT, judgePoints, type Entry, type Verdict } from './require-mlx-event-logging/path-solver.js';
import { EventSuggester, isSideEffectFree } from './require-mlx-event-logging/suggestion.js';
import { DEFAULT_TRIGGER_KINDS, functionName, TRIGGER_KINDS, wordingOf } from './require-mlx-event-logging/triggers.js';

export type Options = [
  MatcherOptions &
    DeprecatedSinkOptions & {
    readonly kinds?: readonly BindingKind[];
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
            items: { type: 'string', enum: [...TRIGGER_KINDS] },
            uniqueItems: true,
            description: 'The kinds of MLX call that need a log event (default: model-load and inference).',
          },
          sinks: { ...sinksSchema, description: 'Calls that count as a log event besides the built-in loggers and auditEvent.' },
          eventCalls: deprecatedSinksSchema('sinks'),
          sameFileCallers: {
            type: 'boolean',
            description: 'Whether a function is covered when every call of it in the same file is covered by an event of its caller (default true).',
          },
          requireSource: {
            type: 'boolean',
            description: 'Whether a load whose source is a variable or property must have it in one of the events of its function (default true).',
          },
          ...matcherOptionsSchema,
        } as Record<string, JSONSchema.JSONSchema4>,
      },
    ],
  },
  create(context, [options]) {
    const typed = typedServices(context);
    if (typed === undefined) return reportMissingTypeInformation(context);
    // Named apart so that the function declarations below see it narrowed.
    const services = typed;
    const { kinds: kindOption, sameFileCallers, requireSource } = options;
    const program = programServices(services.program, options);
    const { checker, matcher } = program;
    const kinds = new Set<string>(kindOption ?? DEFAULT_TRIGGER_KINDS);
    const logCalls = new LogCalls(program, configuredSinks(options));
    const { sourceCode } = context;

    const triggerOf = (call: TS.CallExpression): BindingMatch | undefined => {
      const match = matcher.match(call);
      return match !== undefined && kinds.has(match.kind) ? match : undefined;
    };
    const runsTriggers = logCalls.search((node) => ts.isCallExpression(node) && triggerOf(node) !== undefined);
    /** A log call, or a call of a function of the program that logs and is no MLX wrapper itself. */
    const isEvent = (call: TS.CallExpression): boolean => {
      if (logCalls.isLogCall(call)) return true;
      const body = calleeBody(ts, checker, call)?.body;
      return body !== undefined && logCalls.logs(body) && !runsTriggers.reaches(body);
    };

    const paths: CodePathState[] = [];
    const triggers: Trigger[] = [];
    const callPoints = new Map<TSESTree.CallExpression, Point>();
    const judgeCallers = new CallerJudge(sourceCode, callPoints);
    const suggester = new EventSuggester(sourceCode);

    function reportAll(): void {
      for (const trigger of triggers) {
        const { verdict } = trigger.point;
        const { kind } = trigger.match;
        if (verdict === 'covered') {
          if (requireSource !== false && kind === 'model-load') reportMissingSource(trigger);
          continue;
        }
        // A forward pass in a function that is differentiated is a training step, not a request.
        if (KIND_TRAITS[kind].forwardPass && program.differentiation.inDifferentiated(services.esTreeNodeToTSNodeMap.get(trigger.point.node))) continue;
        if (sameFileCallers !== false && judgeCallers.covers(trigger.point.caller)) continue;
        const wording = wordingOf(kind);
        const source = kind === 'model-load' ? sourceArgument(trigger.match) : undefined;
        const suggestion = suggester.suggest(trigger.point.node, wording, source, 'addLogEvent' as const);
        context.report({
          node: trigger.point.node,
          messageId: verdict,
          data: {
            call: `\`${shortCallee(ts, services.esTreeNodeToTSNodeMap.get(trigger.point.node).expression)}\``,
            kind: wording.label,
            fn: functionName(trigger.point.caller),
            what: kind === 'model-load' ? ', with the model source (path or URL) and the outcome' : ', with its outcome',
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
          fn: functionName(trigger.point.caller),
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

    /** Notes the logger of an event that is a log call, for the suggestions. */
    function noteLogger(node: TSESTree.CallExpression, call: TS.CallExpression): void {
      const sink = logCalls.sinkOf(call);
      if (sink === undefined) return;
      const receiverType = checker.getTypeAtLocation(ts.isPropertyAccessExpression(call.expression) ? call.expression.expression : call.expression);
      suggester.noteLogger(node, sink, receiverType.getProperty('info') !== undefined);
    }

    const current = (): CodePathState | undefined => paths.at(-1);
    const add = (entry: Entry<Point>): void => {
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
    const newPoint = (path: CodePathState, node: TSESTree.CallExpression): Point => {
      const point: Point = { node, path, caller: path.node, verdict: 'covered' };
      path.points.push(point);
      add(point);
      return point;
    };

    const listener = {
      onCodePathStart(codePath: TSESLint.CodePath, node: TSESTree.Node) {
        paths.push({ codePath, node, current: new Set(), entries: new Map(), points: [], events: [], suspended: new Set() });
      },
      onCodePathEnd(codePath: TSESLint.CodePath) {
        const state = paths.pop();
        if (state === undefined) return;
        judgePoints(state.codePath, state.entries, state.points, state.suspended);
        if (codePath.upper === null) reportAll();
      },
      onCodePathSegmentStart: enter,
      onUnreachableCodePathSegmentStart: enter,
      onCodePathSegmentEnd: leave,
      onUnreachableCodePathSegmentEnd: leave,
      // The code-path analysis has just split the path at the yield (before this listener runs):
      // the current segments are where the generator resumes, the ones before them where it waits.
      'YieldExpression:exit'() {
        const state = current();
        if (state === undefined) return;
        for (const segment of state.current) {
          // At an unreachable yield nothing is split, and the segments before are no suspension.
          if (segment.reachable) segment.prevSegments.forEach((before) => state.suspended.add(before));
        }
      },
      // Exit order is evaluation order: `logger.info({ w: mx.load(p) })` loads, then logs.
      'CallExpression:exit'(node: TSESTree.CallExpression) {
        const state = current();
        if (state === undefined) return;
        const call = services.esTreeNodeToTSNodeMap.get(node);
        const match = triggerOf(call);
        if (match !== undefined) {
          triggers.push({ point: newPoint(state, node), match });
        } else if (isEvent(call)) {
          add(EVENT);
          state.events.push(node);
          noteLogger(node, call);
        } else if (node.callee.type === TSESTree.AST_NODE_TYPES.Identifier) {
          callPoints.set(node, newPoint(state, node));
        }
      },
    };
    // typescript-eslint's listener type has no code-path events; ESLint calls them by name.
    return listener as unknown as TSESLint.RuleListener;
  },
});

/** A call whose paths are judged: an MLX trigger, or a call of a function of this file. */
interface Point extends CallPoint {
  readonly node: TSESTree.CallExpression;
  readonly path: CodePathState;
  verdict: Verdict;
}

interface Trigger {
  readonly point: Point;
  readonly match: BindingMatch;
}

interface CodePathState {
  readonly codePath: TSESLint.CodePath;
  /** The function (or Program) the code path belongs to. */
  readonly node: TSESTree.Node;
  /** Segments the traversal is in (ESLint 10 no longer tells). */
  readonly current: Set<TSESLint.CodePathSegment>;
  /** Events and points per segment id, in evaluation order. */
  readonly entries: Map<string, Entry<Point>[]>;
  readonly points: Point[];
  /** The event calls of the function, to check what they carry. */
  readonly events: TSESTree.CallExpression[];
  /** Segments that end at a `yield`, where the generator waits for its consumer. */
  readonly suspended: Set<TSESLint.CodePathSegment>;
}
