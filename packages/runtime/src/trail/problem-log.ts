import { PROBLEM_KINDS, type ProblemKind, type TrailProblem } from './problems.js';

// The problems one verification finds, in the order found. Every check reports through the same
// log, so `maxProblems` holds across all the files and trails verified; past it, problems are
// only counted.

/** Where a problem is: a file and its 1-based line (0 for the file as a whole). */
export interface Location {
  readonly file: string;
  readonly line: number;
}

export function trailProblem(kind: ProblemKind, at: Location, message: string): TrailProblem {
  return { kind, class: PROBLEM_KINDS[kind], file: at.file, line: at.line, message };
}

export class ProblemLog {
  readonly problems: TrailProblem[] = [];
  /** Problems found past the limit. */
  omitted = 0;
  readonly #max: number;

  constructor(max: number) {
    this.#max = max;
  }

  report(kind: ProblemKind, at: Location, message: string): void {
    if (this.problems.length >= this.#max) this.omitted++;
    else this.problems.push(trailProblem(kind, at, message));
  }
}
