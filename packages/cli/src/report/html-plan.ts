import { codeText, html, type Html } from './html-escape.js';
import { formatCount, formatRate, plural } from './html-format.js';
import { emptyState, facts, omittedNote, section, table } from './html-table.js';
import type { Capped, PlanComparison, PlanSiteRow, ReportInput, ReportModel } from './model.js';

// The call sites the audit plan lists against those the trail shows calls from, and what the
// report read: which files, what it left out, and why.

export function planSection(plan: PlanComparison): Html {
  const content = html`${facts([
    ['Plan', codeText(plan.plan)],
    ['Planned sites', formatCount(plan.planned)],
    ['Exercised', `${formatCount(plan.exercised)} (${formatRate(plan.exercised, plan.planned)})`],
  ])}
<h3>Planned sites never exercised</h3>
${siteTable(plan.neverExercised, 'Planned sites with no event in the trail', 'Every planned site has at least one event.', false)}
<h3>Sites seen that the plan does not list</h3>
${siteTable(plan.notInPlan, 'Sites with events that the plan does not list', 'Every site the trail shows calls from is in the plan.', true)}`;
  return section('plan', 'Call sites against the audit plan', content);
}

function siteTable(sites: Capped<PlanSiteRow>, caption: string, none: string, withEvents: boolean): Html {
  if (sites.rows.length === 0 && sites.omitted === 0) return emptyState(none);
  const columns = [{ header: 'Site' }, { header: 'Binding' }, ...(withEvents ? [{ header: 'Events', numeric: true }] : [])];
  const rows = sites.rows.map((site) => [codeText(`${site.file}:${site.line}:${site.column}`), codeText(site.binding), ...(withEvents ? [formatCount(site.events)] : [])]);
  return html`${table(caption, columns, rows)}${omittedNote(sites.omitted, 'sites')}`;
}

export function inputSection(model: ReportModel): Html {
  const { input } = model;
  const content = html`${facts([
    ['Files read', input.files.length === 0 ? 'none' : html`<ul class="plain-list">${input.files.map((file) => html`<li>${codeText(file)}</li>`)}</ul>`],
    ['Events read', formatCount(input.events)],
    ['Time span', input.first === undefined || input.last === undefined ? 'no event had a readable @timestamp' : `${input.first} to ${input.last}`],
    ['Since', input.since === undefined ? 'all events (no --since)' : `${input.since} (${plural(input.beforeSince, 'earlier event')} left out)`],
    ['Malformed lines', malformed(input)],
    ['Audit plan', model.plan === undefined ? 'none given (--plan compares call sites with the plan)' : html`<a href="#plan">${codeText(model.plan.plan)}</a>`],
    ['Report', `made ${model.generated} by @mlx-audit/cli ${model.version}`],
  ])}
${input.skipped.length > 0 ? html`<h3>Files left out</h3>${table('Files of a directory left out', [{ header: 'File' }, { header: 'Why' }], input.skipped.map((skipped) => [codeText(skipped.file), skipped.reason]))}` : null}`;
  return section('input', 'Input', content);
}

function malformed(input: ReportInput): Html | string {
  if (input.malformed === 0) return 'none';
  return html`${plural(input.malformed, 'line')} not a JSON object, skipped${input.firstMalformed === undefined ? null : html` (the first at ${codeText(input.firstMalformed)})`}`;
}

