import type * as TS from 'typescript';
import { isDeferredCode } from '../util/syntax.js';
import { calleeBody } from './callee-body.js';

/**
 * Whether a piece of code runs something a test accepts (a log call, a `throw`, an MLX call),
 * directly or through the functions of the program it calls, in this file or another, up to
 * `maxDepth` calls deep. Answers are cached per node, so one search serves a whole file.
 */
export class ReachSearch {
  private readonly cache = new Map<TS.Node, boolean>();

  constructor(
    private readonly ts: typeof TS,
    private readonly checker: TS.TypeChecker,
    private readonly test: (node: TS.Node) => boolean,
    private readonly maxDepth: number,
  ) {}

  reaches(node: TS.Node, depth = 0): boolean {
    const { ts } = this;
    const cached = this.cache.get(node);
    if (cached !== undefined) return cached;
    // A recursive function is answered from what it does before it recurses.
    this.cache.set(node, false);
    let result = false;
    const visit = (current: TS.Node): void => {
      if (result) return;
      if (this.test(current)) result = true;
      else if ((ts.isCallExpression(current) || ts.isNewExpression(current)) && depth < this.maxDepth) {
        const body = calleeBody(ts, this.checker, current)?.body;
        if (body !== undefined && this.reaches(body, depth + 1)) result = true;
      }
      if (current !== node && isDeferredCode(ts, current)) return;
      ts.forEachChild(current, visit);
    };
    visit(node);
    this.cache.set(node, result);
    return result;
  }
}
