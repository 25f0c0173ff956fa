import { codeText, html, joined } from './html-escape.js';
import { chartFigure, type DrawnSection } from './html-figure.js';
import { formatCount, plural } from './html-format.js';
import { emptyState, facts, section, table } from './html-table.js';
import type { AlertRow, ClientRow, ReportModel } from './model.js';

// Who calls the model, by the pseudonymous client id the application sets, and what the extraction
// rules made of it: the busiest clients as a bar chart and a table, each with the alerts naming it.

const TITLE = 'Clients: inference volume';

export function clientsSection(model: ReportModel): DrawnSection {
  const { clients } = model;
  const volume = facts([
    ['Inference calls with a client id', formatCount(clients.inferenceWithClient)],
    ['Without one', formatCount(clients.inferenceWithoutClient)],
    ['Distinct clients', clients.exact ? formatCount(clients.distinct) : `at least ${formatCount(clients.distinct)}`],
  ]);
  if (clients.top.length === 0) {
    const empty = emptyState('No inference call carried a client id (client.id): nothing to count per client. An application sets one per request (withAuditContext) to see who uses the model.');
    return { markup: section('clients', TITLE, html`${volume}${empty}`), charts: [] };
  }
  const flagged = clients.top.filter((client) => client.extractionAlerts > 0).length;
  const description =
    `The ${plural(clients.top.length, 'busiest client')} by inference calls, most first${clients.exact ? '' : ' (counts are upper bounds: more clients than the report tracks exactly)'}. ` +
    (flagged === 0 ? 'No extraction alert names any of them.' : `${plural(flagged, 'client')} named by an extraction alert: red bars, marked (!).`);
  const figure = chartFigure({
    canvas: 'chart-clients',
    title: 'Top clients by inference calls',
    description,
    size: 'tall',
    numbers: table(
      'Inference calls per client',
      [{ header: 'Client id' }, { header: 'Calls', numeric: true }],
      clients.top.map((client) => [client.id, formatCount(client.calls)]),
    ),
  });
  const rows = clients.top.map((client, index) => [
    formatCount(index + 1),
    codeText(client.id),
    client.error > 0 ? `${formatCount(client.calls)} (up to ${formatCount(client.error)} too many)` : formatCount(client.calls),
    extractionView(client, model.alerts.rows),
  ]);
  const markup = html`${volume}${figure}
${table('The busiest clients and the extraction rules\u2019 view of them', [{ header: '#', numeric: true }, { header: 'Client id' }, { header: 'Inference calls', numeric: true }, { header: 'Extraction alerts' }], rows)}`;
  return {
    markup: section('clients', TITLE, markup),
    charts: [{ kind: 'clients', canvas: 'chart-clients', ids: clients.top.map((client) => client.id), calls: clients.top.map((client) => client.calls), flagged: clients.top.map((client) => client.extractionAlerts > 0) }],
  };
}

/** The extraction alerts naming a client: how many, by which rules, and links to those listed. */
function extractionView(client: ClientRow, alerts: readonly AlertRow[]) {
  if (client.extractionAlerts === 0) return 'none';
  const naming = alerts.filter((alert) => isExtraction(alert) && Object.values(alert.fields).includes(client.id));
  return html`${plural(client.extractionAlerts, 'alert')} (${joined(client.extractionRules.map((rule) => codeText(rule)))})${
    naming.length > 0 ? html`: ${joined(naming.map((alert) => html`<a href="#${alert.id}">${alert.id}</a>`))}` : null
  }`;
}

function isExtraction(alert: AlertRow): boolean {
  return alert.category === 'extraction' || alert.rule.startsWith('extraction.');
}
