import { loadBadge } from './html-badges.js';
import { codeText, html, type Html } from './html-escape.js';
import { formatTime, plural } from './html-format.js';
import { emptyState, omittedNote, section, table } from './html-table.js';
import type { ReportModel } from './model.js';

// Every model the trail shows loaded: when, from where, its hash, whether the allow-list let it in,
// and how the load ended. A load cited by an alert links to its row in the evidence table.

export function loadsSection(model: ReportModel): Html {
  const { loads } = model;
  if (loads.rows.length === 0) {
    return section('loads', 'Model loads', loads.omitted > 0 ? omittedNote(loads.omitted, 'loads') : emptyState('No model was loaded in the events read.'));
  }
  const evidence = new Set(model.evidence.map((event) => event.id));
  const rows = loads.rows.map((load) => [
    formatTime(load.time),
    load.source === null ? html`<span class="muted">not named</span>` : codeText(load.source),
    load.sha256 === null ? html`<span class="muted">not hashed</span>` : html`<code class="hash">${load.sha256}</code>`,
    loadBadge(load.allowed),
    load.outcome,
    codeText(load.binding),
    load.pid === null ? '—' : String(load.pid),
    evidence.has(load.event) ? html`<a href="#${load.event}">${load.event}</a>` : codeText(load.event),
  ]);
  const columns = ['Time', 'Source', 'SHA-256', 'Allow-list', 'Outcome', 'Binding', 'pid', 'Event'].map((header) => ({ header, numeric: header === 'pid' }));
  const content = html`<p class="note">${`${plural(loads.rows.length + loads.omitted, 'load')}, oldest first. An event in a link is in the evidence table (an alert cites it).`}</p>
${table('Model loads', columns, rows)}
${omittedNote(loads.omitted, 'loads')}`;
  return section('loads', 'Model loads', content);
}
