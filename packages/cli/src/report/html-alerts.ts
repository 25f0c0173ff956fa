import { severityBadge } from './html-badges.js';
import { codeText, html, joined, type Html } from './html-escape.js';
import { formatMs, formatTime, plural } from './html-format.js';
import { emptyState, omittedNote, section, table } from './html-table.js';
import type { AlertRow, EvidenceEvent, ReportModel } from './model.js';

// The alerts the rules raised, each with an anchor (`#alert-3`) and links to the events that raised
// it, and those events in one table whose rows are the links' targets (`#ev-<pid>-<sequence>`).

export function alertsSection(model: ReportModel): Html {
  const { alerts } = model;
  if (alerts.rows.length === 0) {
    return section('alerts', 'Alerts', alerts.omitted > 0 ? omittedNote(alerts.omitted, 'alerts') : emptyState('No alert: the rules found nothing in the events read.'));
  }
  const resolved = new Set(model.evidence.map((event) => event.id));
  const content = html`<p class="note">${`${plural(alerts.rows.length + alerts.omitted, 'alert')}, in the order they were raised. Each links to the events that raised it, in the evidence table below.`}</p>
<ol class="alerts">${alerts.rows.map((alert) => alertItem(alert, resolved))}</ol>
${omittedNote(alerts.omitted, 'alerts')}`;
  return section('alerts', 'Alerts', content);
}

function alertItem(alert: AlertRow, resolved: ReadonlySet<string>): Html {
  const fields = Object.entries(alert.fields);
  const cited = alert.evidence.map((id) => (resolved.has(id) ? html`<a href="#${id}">${id}</a>` : codeText(id)));
  const unresolved = alert.evidenceUnresolved.map((sequence) => html`sequence ${sequence}`);
  const evidence =
    cited.length + unresolved.length === 0
      ? 'none cited'
      : html`${joined(cited)}${unresolved.length > 0 ? html`${cited.length > 0 ? '; ' : ''}${joined(unresolved)} <span class="muted">(too far back in the trail to be kept)</span>` : null}`;
  return html`<li id="${alert.id}" class="alert" tabindex="-1">
<h3>${severityBadge(alert.severity)} ${codeText(alert.rule)} <span class="muted">${alert.ruleName}</span></h3>
<p class="muted">${alert.id} · ${formatTime(alert.time)} · ${alert.category}</p>
<p>${alert.reason}</p>
${fields.length > 0 ? html`<dl class="fields">${fields.map(([name, value]) => html`<div><dt>${name}</dt><dd>${codeText(value)}</dd></div>`)}</dl>` : null}
<p class="evidence">Evidence: ${evidence}</p>
</li>`;
}

export function evidenceSection(model: ReportModel): Html {
  if (model.evidence.length === 0) {
    return section('evidence', 'Evidence', emptyState(model.alerts.rows.length === 0 ? 'No alert, so no evidence.' : 'The alerts cite no event the report kept.'));
  }
  const intro = html`<p class="note">${`The ${plural(model.evidence.length, 'event')} the alerts cite, each once. A row's last column is where it is in the trail.`}</p>`;
  const rows = model.evidence.map((event) => ({ id: event.id, cells: evidenceCells(event) }));
  // The event's id names its process and sequence (`ev-<pid>-<sequence>`).
  const columns = ['Event', 'Time', 'Action', 'Outcome', 'Binding', 'Call site', 'Duration', 'In the trail'].map((header) => ({ header, numeric: header === 'Duration' }));
  return section('evidence', 'Evidence', html`${intro}${table('The events the alerts cite', columns, rows)}`);
}

function evidenceCells(event: EvidenceEvent): readonly (Html | string)[] {
  return [
    html`<code>${event.id}</code>`,
    formatTime(event.time),
    codeText(event.action),
    event.outcome,
    event.binding === null ? '—' : codeText(event.binding),
    event.code === null ? '—' : codeText(event.code),
    formatMs(event.durationMs),
    codeText(event.at),
  ];
}
