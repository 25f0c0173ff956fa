import { remember } from '@mlx-audit/catalogue';
import type * as TS from 'typescript';

const checkers = new WeakMap<TS.Program, TS.TypeChecker | null>();

/**
 * The program's type checker, with the answers the analyses ask for most kept per node. The
 * checker re-checks an expression's whole subtree each time its type is asked for, and the
 * analyses ask about the same nodes again and again (loop bodies until they settle, function
 * summaries, the leak and the injection policies, every rule): without this, most of the lint
 * time was the checker answering questions it had already answered (5–20 asks per node).
 * A program never changes under its checker, so an answer stays right for the program's life.
 */
export function memoChecker(program: TS.Program): TS.TypeChecker {
  return remember(checkers, program, () => createMemoChecker(program.getTypeChecker()));
}

function createMemoChecker(checker: TS.TypeChecker): TS.TypeChecker {
  const types = new WeakMap<TS.Node, TS.Type | null>();
  const symbols = new WeakMap<TS.Node, TS.Symbol | null>();
  const signatures = new WeakMap<TS.Node, TS.Signature | null>();
  // Every other method is the checker's own (its methods are closures, not `this`-bound).
  const memo = Object.create(checker) as TS.TypeChecker;
  memo.getTypeAtLocation = (node) => remember(types, node, () => checker.getTypeAtLocation(node));
  memo.getSymbolAtLocation = (node) => remember(symbols, node, () => checker.getSymbolAtLocation(node));
  memo.getResolvedSignature = (node, candidatesOutArray, argumentCount) => {
    // Asked for candidates or a partial argument count, the answer is another question.
    if (candidatesOutArray !== undefined || argumentCount !== undefined) return checker.getResolvedSignature(node, candidatesOutArray, argumentCount);
    return remember(signatures, node, () => checker.getResolvedSignature(node));
  };
  return memo;
}
