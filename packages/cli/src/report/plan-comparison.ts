import { readFile } from 'node:fs/promises';
import type { AuditEvent } from '@mlx-audit/runtime';
import { REPORT_LIMITS, type PlanComparison, type PlanSiteRow } from './model.js';

// The call sites the trail shows against the audit plan (`mlx-audit plan --json`): planned sites
// no event came from (code never run in the period, or instrumentation that did not take; only the
// sites that record every call: a site in `errors` mode is silent while its calls succeed), and
// sites events came from that the plan does not list (a build from other sources, or events
// written by hand). The plan's paths are relative to its project's root and the events' to where
// the build ran, so a site matches on its line and column and on a path that ends the other.

/** Distinct sites the trail's events are counted for; beyond, events of new sites are not placed. */
const MAX_SEEN_SITES = 20_000;

export class PlanError extends Error {}

interface PlannedSite {
  readonly file: string;
  readonly line: number;
  readonly column: number;
  readonly binding: string;
  /** Mode `event`: every call is recorded. Mode `errors` records failed calls only, so its silence says nothing. */
  readonly everyCall: boolean;
}

/** The instrumented sites of a plan file, or a PlanError saying what is wrong with it. */
export async function readPlan(path: string): Promise<PlannedSite[]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new PlanError(`cannot read the plan ${path}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
  let plan: unknown;
  try {
    plan = JSON.parse(text);
  } catch {
    throw new PlanError(`the plan ${path} is not JSON: write it with mlx-audit plan --json`);
  }
  const sites = typeof plan === 'object' && plan !== null ? (plan as { sites?: unknown }).sites : undefined;
  if (!Array.isArray(sites)) throw new PlanError(`the plan ${path} has no sites list: write it with mlx-audit plan --json`);
  return sites.flatMap((site: unknown): PlannedSite[] => {
    if (typeof site !== 'object' || site === null) return [];
    const { file, line, column, id, instrumented, mode } = site as Record<string, unknown>;
    if (typeof file !== 'string' || typeof line !== 'number' || typeof column !== 'number' || typeof id !== 'string' || instrumented === false) return [];
    return [{ file, line, column, binding: id, everyCall: mode !== 'errors' }];
  });
}

export class SiteTally {
  readonly #seen = new Map<string, { file: string; line: number; column: number; binding: string; events: number }>();

  add(event: AuditEvent): void {
    const file = event['code.filepath'];
    const line = event['code.lineno'];
    const column = event['code.column'];
    const binding = event['mlx.binding'];
    if (typeof file !== 'string' || typeof line !== 'number' || typeof column !== 'number' || typeof binding !== 'string') return;
    const key = `${file}:${line}:${column}`;
    const site = this.#seen.get(key);
    if (site !== undefined) site.events++;
    else if (this.#seen.size < MAX_SEEN_SITES) this.#seen.set(key, { file, line, column, binding, events: 1 });
  }

  compare(planPath: string, planned: readonly PlannedSite[]): PlanComparison {
    const byPosition = new Map<string, PlannedSite[]>();
    for (const site of planned) {
      const key = `${site.line}:${site.column}`;
      byPosition.set(key, [...(byPosition.get(key) ?? []), site]);
    }
    const exercised = new Map<PlannedSite, number>();
    const notInPlan: PlanSiteRow[] = [];
    for (const seen of this.#seen.values()) {
      const match = byPosition.get(`${seen.line}:${seen.column}`)?.find((site) => samePath(site.file, seen.file));
      if (match === undefined) notInPlan.push({ ...seen });
      else exercised.set(match, (exercised.get(match) ?? 0) + seen.events);
    }
    const everyCall = planned.filter((site) => site.everyCall);
    const neverExercised = everyCall.filter((site) => !exercised.has(site)).map(({ file, line, column, binding }) => ({ file, line, column, binding, events: 0 }));
    const order = (a: PlanSiteRow, b: PlanSiteRow) => a.file.localeCompare(b.file) || a.line - b.line || a.column - b.column;
    return {
      plan: planPath,
      planned: everyCall.length,
      exercised: everyCall.filter((site) => exercised.has(site)).length,
      neverExercised: capped(neverExercised.sort(order)),
      notInPlan: capped(notInPlan.sort(order)),
    };
  }
}

/** The same source file, written from two roots: equal, or one ends with `/` and the other. */
function samePath(a: string, b: string): boolean {
  return a === b || a.endsWith(`/${b}`) || b.endsWith(`/${a}`);
}

function capped(rows: PlanSiteRow[]): { rows: PlanSiteRow[]; omitted: number } {
  return { rows: rows.slice(0, REPORT_LIMITS.planSites), omitted: Math.max(0, rows.length - REPORT_LIMITS.planSites) };
}
