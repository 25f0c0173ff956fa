import { remember, type CatalogueMatcher } from '@mlx-audit/catalogue';
import type * as TS from 'typescript';
import type { ProgramServices } from '../program/services.js';
import { ReachSearch } from '../program/reach-search.js';
import { HELPER_DEPTH } from './events.js';
import { sinkOfCall, type Sink, type SinkSpecifier } from './sinks.js';

/**
 * The log calls of one rule's configuration, over one program: what a call logs, and whether a
 * piece of code logs, directly or through the program's functions up to HELPER_DEPTH calls deep.
 */
export class LogCalls {
  private readonly reach: ReachSearch;
  private readonly sinks: WeakMap<TS.CallExpression, Sink | null>;

  constructor(
    private readonly services: Pick<ProgramServices, 'ts' | 'checker' | 'matcher'>,
    /** Extra log calls: the rule's `sinks` option. */
    private readonly configured: readonly SinkSpecifier[],
    /**
     * Whether a write to stdout is a log call. It is for "does this code log" (the default): a
     * failure or an event written there is not silent. A leak rule says no unless told that its
     * program's stdout is shipped as logs, since stdout is otherwise the program's output.
     */
    private readonly stdoutIsLog = true,
  ) {
    this.reach = this.search((node) => this.isLogCall(node));
    this.sinks = sinkAnswers(services.matcher, configured);
  }

  /** The log call a call is: a logger's method, `console`, process output, or a configured sink. */
  sinkOf(call: TS.CallExpression): Sink | undefined {
    const { ts, checker, matcher } = this.services;
    const sink = remember(this.sinks, call, () => sinkOfCall(ts, checker, matcher, this.configured, call));
    return sink?.programOutput === true && !this.stdoutIsLog ? undefined : sink;
  }

  isLogCall(node: TS.Node): boolean {
    return this.services.ts.isCallExpression(node) && this.sinkOf(node) !== undefined;
  }

  /** Whether code runs a log call, itself or in a function of the program it calls. */
  logs(node: TS.Node): boolean {
    return this.reach.reaches(node);
  }

  /** A search through the program's functions as deep as the one for log calls, for another test (a `throw`, an MLX call). */
  search(test: (node: TS.Node) => boolean): ReachSearch {
    return new ReachSearch(this.services.ts, this.services.checker, test, HELPER_DEPTH);
  }
}

const answersByMatcher = new WeakMap<CatalogueMatcher, Map<string, WeakMap<TS.CallExpression, Sink | null> | null> | null>();

/**
 * What each call logs, kept per program (its matcher) and configured sinks: both taint engines
 * and the other rules ask it of the same calls, and the analyses revisit calls (loop bodies,
 * summaries, class members), 5–6 asks per call in all.
 */
function sinkAnswers(matcher: CatalogueMatcher, configured: readonly SinkSpecifier[]): WeakMap<TS.CallExpression, Sink | null> {
  const byConfiguration = remember(answersByMatcher, matcher, () => new Map<string, WeakMap<TS.CallExpression, Sink | null> | null>());
  return remember(byConfiguration, JSON.stringify(configured), () => new WeakMap<TS.CallExpression, Sink | null>());
}
