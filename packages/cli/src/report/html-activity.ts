import { codeText, html, type Html } from './html-escape.js';
import { bucketStart, chartFigure, type DrawnSection, type PageChart, type TimeAxis } from './html-figure.js';
import { formatCount, formatMs, formatRate, formatSpan, formatTime, plural } from './html-format.js';
import { emptyState, section, table, type TableColumn } from './html-table.js';
import type { BindingStats, ReportModel } from './model.js';

// What the trail shows happening over time: the timeline of events, failures and alerts, and each
// binding's failure rate and latency. The buckets are the model's; the charts are drawn by the
// page's script from the same numbers the tables here write.

/** Bindings with a chart of their own (the busiest); the table lists them all. */
const CHARTED_BINDINGS = 6;

/** The last columns of both tables of calls: the share that failed and the latency percentiles. */
const RATE_AND_LATENCY: readonly TableColumn[] = ['Failure rate', 'p50', 'p95', 'p99'].map((header) => ({ header, numeric: true }));

export function timelineSection(model: ReportModel): DrawnSection {
  const { timeline } = model;
  const total = (counts: readonly number[]): number => counts.reduce((sum, count) => sum + count, 0);
  const events = total(timeline.events);
  if (events === 0 && total(timeline.alerts) === 0) {
    return { markup: section('timeline', 'Timeline', emptyState('No event with a readable @timestamp: nothing to draw over time.')), charts: [] };
  }
  const axis: TimeAxis = { start: timeline.start, bucketMs: timeline.bucketMs };
  const buckets = timeline.events.length;
  const description =
    `${plural(events, 'event')}, ${plural(total(timeline.failures), 'failure')} and ${plural(total(timeline.alerts), 'alert')} raised, ` +
    `in ${plural(buckets, 'bucket')} of ${formatSpan(timeline.bucketMs)} from ${formatTime(bucketStart(axis, 0))} to ${formatTime(bucketStart(axis, buckets))} (UTC). ` +
    'Failures are drawn over the events of their bucket; alerts are triangles on the right-hand scale.';
  const rows = timeline.events.flatMap((count, index) => {
    const failures = timeline.failures[index] ?? 0;
    const alerts = timeline.alerts[index] ?? 0;
    return count > 0 || alerts > 0 ? [[formatTime(bucketStart(axis, index)), formatCount(count), formatCount(failures), formatCount(alerts)]] : [];
  });
  const figure = chartFigure({
    canvas: 'chart-timeline',
    title: 'Events, failures and alerts over time',
    description,
    numbers: table('Events, failures and alerts per bucket (buckets with none left out)', [{ header: 'Bucket start (UTC)' }, { header: 'Events', numeric: true }, { header: 'Failures', numeric: true }, { header: 'Alerts', numeric: true }], rows),
  });
  const chart: PageChart = { kind: 'timeline', canvas: 'chart-timeline', axis, events: timeline.events, failures: timeline.failures, alerts: timeline.alerts };
  return { markup: section('timeline', 'Timeline', figure), charts: [chart] };
}

export function bindingsSection(model: ReportModel): DrawnSection {
  const bindings = [...model.bindings].sort((a, b) => b.calls - a.calls);
  if (bindings.every((binding) => binding.calls === 0)) {
    return { markup: section('bindings', 'Bindings: failure rate and latency', emptyState('No MLX call in the events read.')), charts: [] };
  }
  const axis: TimeAxis = { start: model.timeline.start, bucketMs: model.timeline.bucketMs };
  const charted = bindings.filter((binding) => binding.series.calls.some((calls) => calls > 0)).slice(0, CHARTED_BINDINGS);
  const figures = charted.map((binding, index) => bindingFigure(binding, axis, `chart-binding-${index + 1}`));
  const drawn = charted.length < bindings.length ? `The ${charted.length} busiest of ${plural(bindings.length, 'binding')} are drawn; the table below lists them all. ` : '';
  const intro = html`<p class="note">${`${drawn}In each chart, latency in milliseconds on the left (p50 solid, p95 dashed, p99 dotted) and the share of calls that failed, shaded, on the right.`}</p>`;
  const markup = html`${intro}<div class="chart-grid">${figures.map((figure) => figure.markup)}</div>
<h3>All bindings</h3>
${table(
  'Calls, failures and latency per binding',
  [
    { header: 'Binding' },
    { header: 'Kind' },
    { header: 'Calls', numeric: true },
    { header: 'Failures', numeric: true },
    ...RATE_AND_LATENCY,
  ],
  bindings.map((binding) => [
    codeText(binding.binding),
    binding.kind ?? '—',
    formatCount(binding.calls),
    formatCount(binding.failures),
    formatRate(binding.failures, binding.calls),
    formatMs(binding.latency?.p50),
    formatMs(binding.latency?.p95),
    formatMs(binding.latency?.p99),
  ]),
)}`;
  return { markup: section('bindings', 'Bindings: failure rate and latency', markup), charts: figures.map((figure) => figure.chart) };
}

function bindingFigure(binding: BindingStats, axis: TimeAxis, canvas: string): { markup: Html; chart: PageChart } {
  const { series } = binding;
  const latency = binding.latency === null ? 'no call had a duration' : `p50 ${formatMs(binding.latency.p50)}, p95 ${formatMs(binding.latency.p95)}, p99 ${formatMs(binding.latency.p99)} overall`;
  const description =
    `${plural(binding.calls, 'call')}, ${formatCount(binding.failures)} failed (${formatRate(binding.failures, binding.calls)}); ${latency}.`;
  const rows = series.calls.flatMap((calls, index) => {
    if (calls === 0) return [];
    const failures = series.failures[index] ?? 0;
    return [[formatTime(bucketStart(axis, index)), formatCount(calls), formatCount(failures), formatRate(failures, calls), formatMs(series.p50[index]), formatMs(series.p95[index]), formatMs(series.p99[index])]];
  });
  const markup = chartFigure({
    canvas,
    title: binding.binding,
    description,
    size: 'small',
    numbers: table(
      `Calls, failures and latency of ${binding.binding} per bucket (buckets without a call left out)`,
      [
        { header: 'Bucket start (UTC)' },
        { header: 'Calls', numeric: true },
        { header: 'Failures', numeric: true },
        ...RATE_AND_LATENCY,
      ],
      rows,
    ),
  });
  return { markup, chart: { kind: 'binding', canvas, axis, calls: series.calls, failures: series.failures, p50: series.p50, p95: series.p95, p99: series.p99 } };
}
