// Compares a run's medians with the goals.
import { GOALS } from './goals.mjs';

/**
 * @typedef {object} Verdict
 * @property {string} id
 * @property {string} label
 * @property {string} unit
 * @property {number} median
 * @property {import('./goals.mjs').Goal} goal
 * @property {boolean} pass
 * @property {number} missedBy by how much the median is past the goal's limit (above a maximum, below a minimum), as a fraction of it (0 when met)
 * @property {number | undefined} resolution the largest |A/A control| sample, where the goal has a control
 * @property {boolean} resolved whether the method resolves the goal (no control, or its spread within the goal)
 */

/**
 * @param {{ scenarios: { figures: import('./results.mjs').Figure[] }[] }} results
 * @returns {Verdict[]} one per goal; throws when a figure with a goal is missing
 */
export function checkGoals(results) {
  const byId = new Map(results.scenarios.flatMap((scenario) => scenario.figures).map((figure) => [figure.id, figure]));
  return Object.entries(GOALS).map(([id, goal]) => {
    const figure = byId.get(id);
    if (figure === undefined) throw new Error(`the results have no figure ${id}: the run is incomplete`);
    const { median } = figure.summary;
    const pass = goal.kind === 'max' ? median <= goal.limit : median >= goal.limit;
    const missedBy = pass ? 0 : goal.limit === 0 ? Number.POSITIVE_INFINITY : Math.abs(median - goal.limit) / goal.limit;
    let resolution;
    if (goal.control !== undefined) {
      const control = byId.get(goal.control);
      if (control === undefined) throw new Error(`the results have no figure ${goal.control}: the run is incomplete`);
      resolution = Math.max(Math.abs(control.summary.min), Math.abs(control.summary.max));
    }
    const resolved = resolution === undefined || resolution <= goal.limit;
    return { id, label: figure.label, unit: figure.unit, median, goal, pass, missedBy, resolution, resolved };
  });
}

/**
 * The verdict as the report and bench:check word it.
 * @param {Verdict} verdict
 * @param {(value: number, unit: string) => string} format
 */
export function verdictText(verdict, format) {
  if (!verdict.pass) return `${verdict.goal.text}: **missed**`;
  if (verdict.resolved) return `${verdict.goal.text}: met`;
  return `${verdict.goal.text}: met, but not resolved (the A/A control reads up to ${format(verdict.resolution ?? 0, verdict.unit)})`;
}
