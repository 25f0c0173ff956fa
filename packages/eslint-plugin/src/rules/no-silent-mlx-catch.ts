import type * as TS from 'typescript';
import { type JSONSchema, type TSESTree } from '@typescript-eslint/utils';
import { HELPER_DEPTH } from '../logging/events.js';
import { LogCalls } from '../logging/log-calls.js';
import { sinksSchema, type SinkOptions } from '../logging/options.js';
import { calleeBody } from '../program/callee-body.js';
import { reportMissingTypeInformation } from '../program/missing-type-information.js';
import type { ReachSearch } from '../program/reach-search.js';
import { matcherOptionsSchema, programServices, type MatcherOptions, type ProgramServices } from '../program/services.js';
import { typedServices } from '../program/typed-services.js';
import { ts } from '../program/typescript.js';
import { createRule, DOCS_BASE_URL } from '../util/create-rule.js';
import { isDeferredCode } from '../util/syntax.js';

export type Options = [SinkOptions & MatcherOptions];
export type MessageId = 'silentCatch' | 'silentPromiseCatch' | 'missingTypeInformation';

export default createRule<Options, MessageId>({
  name: 'no-silent-mlx-catch',
  meta: {
    type: 'problem',
    docs: {
      description: 'Require errors caught around MLX calls to be logged or rethrown',
      requiresTypeChecking: true,
      recommended: 'recommended',
    },
    messages: {
      silentCatch: 'This catch swallows errors of MLX calls ({{calls}}): log the failure or rethrow it.',
      silentPromiseCatch: 'This rejection handler swallows errors of MLX calls ({{calls}}): log the failure or rethrow it.',
      missingTypeInformation: `no-silent-mlx-catch needs type information to recognise MLX calls: enable typed linting (parserOptions.projectService). See ${DOCS_BASE_URL}/no-silent-mlx-catch.md.`,
    },
    defaultOptions: [{}],
    schema: [
      {
        type: 'object',
        additionalProperties: false,
        // The shared schema is plain JSON schema; ESLint's type is a stricter union of the same.
        properties: {
          sinks: sinksSchema,
          ...matcherOptionsSchema,
        } as Record<string, JSONSchema.JSONSchema4>,
      },
    ],
  },
  create(context, [options]) {
    const services = typedServices(context);
    if (services === undefined) return reportMissingTypeInformation(context);
    const { sinks, ...matcherOptions } = options;
    const program = programServices(services.program, matcherOptions);
    const facts = new HandlerFacts(program, new LogCalls(program, sinks ?? []));
    return {
      CatchClause(node) {
        const clause = services.esTreeNodeToTSNodeMap.get(node);
        const protectedCalls = facts.mlxCallsIn(clause.parent.tryBlock);
        if (protectedCalls.length === 0 || facts.logsOrRethrows(clause.block)) return;
        const keyword = context.sourceCode.getFirstToken(node);
        context.report({ loc: keyword?.loc ?? node.loc, messageId: 'silentCatch', data: { calls: describe(protectedCalls) } });
      },
      CallExpression(node) {
        const call = services.esTreeNodeToTSNodeMap.get(node);
        const handler = rejectionHandler(call);
        if (handler === undefined || !ts.isPropertyAccessExpression(call.expression)) return;
        const protectedCalls = facts.mlxCallsIn(call.expression.expression);
        if (protectedCalls.length === 0 || facts.logsOrRethrows(handler.body)) return;
        context.report({ node: node as TSESTree.Node, messageId: 'silentPromiseCatch', data: { calls: describe(protectedCalls) } });
      },
    };
  },
});

/** `p.catch(handler)` or `p.then(onFulfilled, handler)` with an inline handler. */
function rejectionHandler(call: TS.CallExpression): TS.ArrowFunction | TS.FunctionExpression | undefined {
  if (!ts.isPropertyAccessExpression(call.expression)) return undefined;
  const method = call.expression.name.text;
  const handler = method === 'catch' ? call.arguments[0] : method === 'then' ? call.arguments[1] : undefined;
  return handler !== undefined && (ts.isArrowFunction(handler) || ts.isFunctionExpression(handler)) ? handler : undefined;
}

function describe(calls: readonly string[]): string {
  const shown = [...new Set(calls)].slice(0, 3).map((call) => `\`${call}\``);
  return calls.length > 3 ? `${shown.join(', ')}, …` : shown.join(', ');
}

/**
 * What protected code and handlers do, following calls into functions of the program (and, for
 * promise chains, the `.then` callbacks before the handler).
 */
class HandlerFacts {
  private readonly mlxCache = new Map<TS.Node, string[]>();
  private readonly logOrThrow: ReachSearch;

  constructor(
    private readonly program: ProgramServices,
    logCalls: LogCalls,
  ) {
    // A throw rethrows, in the handler or in a helper it calls (`fail(error)`).
    this.logOrThrow = logCalls.search((node) => ts.isThrowStatement(node) || logCalls.isLogCall(node));
  }

  /** The MLX calls a piece of code runs (callees as written), directly or through functions of the program. */
  mlxCallsIn(node: TS.Node, depth = 0): string[] {
    const cached = this.mlxCache.get(node);
    if (cached !== undefined) return cached;
    this.mlxCache.set(node, []);
    const found: string[] = [];
    const visit = (current: TS.Node): void => {
      if (ts.isCallExpression(current) || ts.isNewExpression(current)) {
        const match = this.program.matcher.match(current);
        if (match !== undefined && match.kind !== 'metadata' && match.kind !== 'constant') found.push(current.expression.getText());
        else if (depth < HELPER_DEPTH) {
          const body = this.projectBody(current);
          if (body !== undefined && this.mlxCallsIn(body, depth + 1).length > 0) found.push(current.expression.getText());
        }
        // `.then(callback)`: the callback runs as part of the chain a handler protects.
        if (ts.isCallExpression(current) && ts.isPropertyAccessExpression(current.expression) && current.expression.name.text === 'then') {
          const callback = current.arguments[0];
          if (callback !== undefined && (ts.isArrowFunction(callback) || ts.isFunctionExpression(callback))) found.push(...this.mlxCallsIn(callback.body, depth));
        }
      }
      // Functions defined here run later, elsewhere: not protected by this block.
      if (current !== node && isDeferredCode(ts, current)) return;
      ts.forEachChild(current, visit);
    };
    visit(node);
    this.mlxCache.set(node, found);
    return found;
  }

  /** Whether a handler logs (a log call, or a function of the program that logs) or rethrows. */
  logsOrRethrows(node: TS.Node): boolean {
    return this.logOrThrow.reaches(node);
  }

  /** The body of a function of the program (this file or another, not a package) that a call runs. */
  private projectBody(call: TS.CallExpression | TS.NewExpression): TS.Node | undefined {
    return calleeBody(ts, this.program.checker, call)?.body;
  }
}
