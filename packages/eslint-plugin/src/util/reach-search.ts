import type * as TS from 'typescript';
import type { TaintEngine } from '../taint/index.js';
import { ts } from './typescript.js';

/**
 * Whether a piece of code runs something a test accepts (a log call, a `throw`, an MLX call),
 * directly or through the functions of the program it calls, in this file or another, up to
 * `maxDepth` calls deep. Answers are cached per node, so one search serves a whole file.
 */
export class ReachSearch {
  private readonly cache = new Map<TS.Node, boolean>();

  constructor(
    private readonly engine: TaintEngine,
    private readonly test: (node: TS.Node) => boolean,
    private readonly maxDepth: number,
  ) {}

  reaches(node: TS.Node, depth = 0): boolean {
    const cached = this.cache.get(node);
    if (cached !== undefined) return cached;
    // A recursive function is answered from what it does before it recurses.
    this.cache.set(node, false);
    let result = false;
    const visit = (current: TS.Node): void => {
      if (result) return;
      if (this.test(current)) result = true;
      else if ((ts.isCallExpression(current) || ts.isNewExpression(current)) && depth < this.maxDepth) {
        const body = this.engine.calleeBody(current)?.body;
        if (body !== undefined && this.reaches(body, depth + 1)) result = true;
      }
      if (current !== node && isDeferredCode(current)) return;
      ts.forEachChild(current, visit);
    };
    visit(node);
    this.cache.set(node, result);
    return result;
  }
}

/** Functions and classes defined in a piece of code run later, elsewhere: not part of what it runs. */
export function isDeferredCode(node: TS.Node): boolean {
  return ts.isFunctionDeclaration(node) || ts.isFunctionExpression(node) || ts.isArrowFunction(node) || ts.isMethodDeclaration(node) || ts.isClassLike(node);
}
