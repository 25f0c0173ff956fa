/** A piece of straight-line code of a code path, as ESLint's code-path analysis gives it. */
export interface Segment {
  readonly id: string;
  readonly prevSegments: readonly Segment[];
  readonly nextSegments: readonly Segment[];
}

/** A function's (or the module's) code path: where it starts, and the segments that return or end it. */
export interface SegmentGraph {
  readonly initialSegment: Segment;
  /**
   * Segments that end in a `return` or the end of the function; and, since ESLint 10, those that
   * end at a `yield`: a generator suspended there returns if its consumer calls `return()`.
   */
  readonly returnedSegments: readonly Segment[];
  /** Segments that end the path, returns and throws (ESLint 10 counts a `yield` as both). */
  readonly finalSegments: readonly Segment[];
}

export type Verdict = 'covered' | 'missingOnAllPaths' | 'missingOnSomePaths';

/** A call whose paths are judged; a point in unreachable code stays covered: it never runs. */
export interface JudgedPoint {
  verdict: Verdict;
}

/** The event marker in a segment's entries. */
export const EVENT = 'event';

/** What a segment runs, in evaluation order: events and points. */
export type Entry<Point extends JudgedPoint> = Point | typeof EVENT;

/**
 * Judges every point of a finished code path. A path runs from the start of the function to a
 * `return` or its end; a path that ends in a `throw` hands the failure to the caller and needs no
 * event (no-silent-mlx-catch sees that whoever catches it logs it). A point is covered when every
 * such path through it has an event, before or after it. That fails exactly when an event-free
 * path reaches the point and an event-free path leads from it to a return, so four "may" facts
 * per segment, solved to a fixed point over the whole graph (loops included), decide it.
 *
 * `suspended` are the segments that end at a `yield` (or `yield*`): the generator goes on from
 * there, so they are no return. A consumer that stops at a yield (`return()` or `throw()`) ends the
 * generator where it chose, as an exception would: such a path, like one that throws, needs no event
 * (and its edges into an enclosing `catch` or `finally` stay, as for any exception).
 */
export function judgePoints<Point extends JudgedPoint>(
  graph: SegmentGraph,
  entries: ReadonlyMap<string, readonly Entry<Point>[]>,
  points: readonly Point[],
  suspended: ReadonlySet<Segment> = new Set(),
): void {
  const segments = reachableSegments(graph.initialSegment);
  const inGraph = new Set(segments);
  const returned = new Set(graph.returnedSegments.filter((segment) => !suspended.has(segment)));
  const final = new Set(graph.finalSegments);
  const hasEvent = (segment: Segment): boolean => entries.get(segment.id)?.includes(EVENT) === true;

  /** An event-free path from the start reaches the segment's start. */
  const freeIn = new Set<Segment>([graph.initialSegment]);
  /** A path from the start with an event reaches the segment's start. */
  const eventIn = new Set<Segment>();
  /** An event-free path leads from the segment's end to a return. */
  const freeOut = new Set<Segment>();
  /** A path with an event leads from the segment's end to a return or a throw. */
  const eventOut = new Set<Segment>();
  const toReturn = new Set<Segment>();
  const toFinal = new Set<Segment>();
  const raise = (set: Set<Segment>, segment: Segment, value: boolean): boolean => value && set.size !== set.add(segment).size;

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
  for (const point of points) {
    if (uncovered.has(point)) point.verdict = withEvent.has(point) ? 'missingOnSomePaths' : 'missingOnAllPaths';
  }
}

function reachableSegments(initial: Segment): Segment[] {
  const seen = new Set([initial]);
  for (const segment of seen) for (const next of segment.nextSegments) seen.add(next);
  return [...seen];
}
