import { describe, expect, it } from 'vitest';
import { EVENT, judgePoints, type Entry, type JudgedPoint, type Segment, type SegmentGraph } from '../../../src/rules/require-mlx-event-logging/path-solver.js';

interface FakeSegment extends Segment {
  readonly prevSegments: FakeSegment[];
  readonly nextSegments: FakeSegment[];
}

/**
 * A code path from its edges (`a>b`), the segments that return and those that throw; the first
 * segment named starts it.
 */
function codePath(edges: readonly string[], returned: readonly string[], thrown: readonly string[] = []): { graph: SegmentGraph; segment: (id: string) => FakeSegment } {
  const segments = new Map<string, FakeSegment>();
  const segment = (id: string): FakeSegment => {
    let found = segments.get(id);
    if (found === undefined) {
      found = { id, prevSegments: [], nextSegments: [] };
      segments.set(id, found);
    }
    return found;
  };
  for (const edge of edges) {
    const [from = '', to = ''] = edge.split('>');
    segment(from).nextSegments.push(segment(to));
    segment(to).prevSegments.push(segment(from));
  }
  for (const id of [...returned, ...thrown]) segment(id);
  const initialSegment = segment(edges[0]?.split('>')[0] ?? returned[0] ?? '');
  return { graph: { initialSegment, returnedSegments: returned.map(segment), finalSegments: [...returned, ...thrown].map(segment) }, segment };
}

/** Judges one point placed in `at`, with events in the segments `events` (before the point when in the same segment). */
function verdictOf(graph: SegmentGraph, at: string, events: readonly string[]): JudgedPoint['verdict'] {
  const point: JudgedPoint = { verdict: 'covered' };
  const entries = new Map<string, Entry<JudgedPoint>[]>();
  for (const id of events) entries.set(id, [EVENT]);
  entries.set(at, [...(entries.get(at) ?? []), point]);
  judgePoints(graph, entries, [point]);
  return point.verdict;
}

describe('the path solver of require-mlx-event-logging', () => {
  it('covers a point with an event on its only path', () => {
    const { graph } = codePath([], ['start']);
    expect(verdictOf(graph, 'start', ['start'])).toBe('covered');
  });

  it('finds a point with no event on any path', () => {
    const { graph } = codePath(['start>end'], ['end']);
    expect(verdictOf(graph, 'start', [])).toBe('missingOnAllPaths');
  });

  it('finds a point with an event on one branch only', () => {
    const { graph } = codePath(['start>then', 'start>else', 'then>end', 'else>end'], ['end']);
    expect(verdictOf(graph, 'start', ['then'])).toBe('missingOnSomePaths');
    expect(verdictOf(graph, 'start', ['then', 'else'])).toBe('covered');
  });

  it('needs no event on a path that throws: the caller handles the failure', () => {
    const { graph } = codePath(['start>logged', 'start>fails'], ['logged'], ['fails']);
    expect(verdictOf(graph, 'start', ['logged'])).toBe('covered');
  });

  it('follows loops to a fixed point', () => {
    const { graph } = codePath(['start>loop', 'loop>loop', 'loop>after', 'after>end'], ['end']);
    expect(verdictOf(graph, 'loop', ['after'])).toBe('covered');
    expect(verdictOf(graph, 'loop', [])).toBe('missingOnAllPaths');
  });

  it('leaves a point in unreachable code covered: it never runs', () => {
    const { graph, segment } = codePath(['start>end'], ['end']);
    segment('dead').nextSegments.push(segment('end'));
    expect(verdictOf(graph, 'dead', [])).toBe('covered');
  });
});
