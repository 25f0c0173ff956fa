import { createHash } from 'node:crypto';
import { alertsSection, evidenceSection } from './html-alerts.js';
import { bindingsSection, timelineSection } from './html-activity.js';
import { chartJsScript } from './html-chartjs.js';
import { clientsSection } from './html-clients.js';
import { html, Html, jsonForScriptElement, scriptElementText } from './html-escape.js';
import type { PageData } from './html-figure.js';
import { formatCount } from './html-format.js';
import { loadsSection } from './html-loads.js';
import { inputSection, planSection } from './html-plan.js';
import { verdictSection } from './html-verdict.js';
import type { ReportModel } from './model.js';
import { PAGE_CLIENT_SCRIPT } from './page-client.js';
import { PAGE_STYLE } from './page-style.js';

// `mlx-audit report`'s HTML rendering: one self-contained file. The styles, Chart.js, the page's
// script and the charts' numbers are all inline, so the page opens with no network; its
// Content-Security-Policy allows exactly those inline scripts and that style (by hash) and nothing
// else, so even a string of the trail that escaped its escaping could neither run nor fetch.

/** The report as an HTML page. */
export function renderHtml(model: ReportModel): string {
  const timeline = timelineSection(model);
  const bindings = bindingsSection(model);
  const clients = clientsSection(model);
  const data: PageData = { charts: [...timeline.charts, ...bindings.charts, ...clients.charts] };

  const contents: readonly (readonly [id: string, title: string])[] = [
    ['verdict', 'Verdict'],
    ['timeline', 'Timeline'],
    ['bindings', 'Bindings'],
    ['loads', `Model loads (${formatCount(model.loads.rows.length + model.loads.omitted)})`],
    ['clients', 'Clients'],
    ['alerts', `Alerts (${formatCount(model.alerts.rows.length + model.alerts.omitted)})`],
    ['evidence', 'Evidence'],
    ...(model.plan === undefined ? [] : [['plan', 'Audit plan'] as const]),
    ['input', 'Input'],
  ];
  const main = [
    verdictSection(model),
    timeline.markup,
    bindings.markup,
    loadsSection(model),
    clients.markup,
    alertsSection(model),
    evidenceSection(model),
    model.plan === undefined ? null : planSection(model.plan),
    inputSection(model),
  ];

  const scripts = [chartJsScript(), scriptElementText(PAGE_CLIENT_SCRIPT)];
  const policy = [
    "default-src 'none'",
    `script-src ${scripts.map(sourceHash).join(' ')}`,
    `style-src ${sourceHash(PAGE_STYLE)}`,
    'img-src data:',
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');

  const page = html`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${policy}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<meta name="generator" content="${`@mlx-audit/cli ${model.version}`}">
<title>${`mlx-audit report: chain ${model.verdict.chain}, ${model.generated}`}</title>
<style>${new Html(PAGE_STYLE)}</style>
</head>
<body>
<a class="skip-link" href="#verdict">Skip to the verdict</a>
<header class="page-header">
<h1>mlx-audit report</h1>
<p class="muted">${`Made ${model.generated} by @mlx-audit/cli ${model.version} from ${formatCount(model.input.events)} events in ${formatCount(model.input.files.length)} ${model.input.files.length === 1 ? 'file' : 'files'}.`}</p>
</header>
<nav class="toc" aria-label="Contents"><ul>${contents.map(([id, title]) => html`<li><a href="#${id}">${title}</a></li>`)}</ul></nav>
<main id="main">
${main}
</main>
<footer class="page-footer">Every string in this page comes from the trail as written; the page runs no code but its own and loads nothing.</footer>
<script type="application/json" id="report-data">${new Html(jsonForScriptElement(data))}</script>
${scripts.map((script) => html`<script>${new Html(script)}</script>`)}
</body>
</html>
`;
  return page.markup;
}

/** A Content-Security-Policy source for an inline script or style: the hash of its exact text. */
function sourceHash(text: string): string {
  return `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;
}
