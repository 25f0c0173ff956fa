import type { CatalogueMatcher, UnresolvedEntry } from '@mlx-audit/catalogue';

// Said once per entry and process: `tsc --watch` rebuilds many times, `tsc -b` builds many projects.
const said = new Set<string>();

/**
 * The lines to print for the configured entries that match nothing in the program (a mistyped
 * `module` or `name`: the user's `generate()` would be silently left uninstrumented), one each,
 * naming the entry and what to fix; none for those said before in this process.
 */
export function unresolvedEntryLines(matcher: CatalogueMatcher): string[] {
  return matcher.unresolvedEntries().flatMap((problem) => {
    const line = `mlx-audit: ${problem.message}`;
    if (said.has(line)) return [];
    said.add(line);
    return [line];
  });
}

/** An entry that matches nothing, as `mlx-audit plan --json` lists it. */
export interface PlanProblem {
  readonly id: string;
  readonly module: string;
  readonly name: string;
  readonly reason: UnresolvedEntry['reason'];
  readonly message: string;
}

export function planProblemOf({ id, entry, reason, message }: UnresolvedEntry): PlanProblem {
  return { id, module: entry.module, name: entry.name, reason, message };
}
