// The report page's own script, as the page carries it: it reads the charts' numbers from the
// page's JSON (`PageData`, html-figure.ts) and draws them with Chart.js, in the colours of the CSS
// variables, again when the reader's colour scheme changes and when the page is printed. Plain
// JavaScript for any current browser; no template literal, so it can stand in this string.

export const PAGE_CLIENT_SCRIPT = String.raw`'use strict';
(() => {
  const data = JSON.parse(document.getElementById('report-data').textContent);
  const root = document.documentElement;
  // What a test (or a curious reader's console) can look at: the charts drawn, current ones only.
  const report = { charts: [] };
  window.__mlxAuditReport = report;

  const DAY_MS = 86400000;
  // The width a chart gets on paper (A4 or Letter at the browser's default margins, less the figure's padding).
  const PRINT_WIDTH = 640;

  function palette() {
    const style = getComputedStyle(root);
    const colour = (name) => style.getPropertyValue('--' + name).trim();
    const names = ['text', 'muted', 'grid', 'bg', 'events', 'failures', 'failures-fill', 'alerts', 'p50', 'p95', 'p99', 'flagged'];
    return Object.fromEntries(names.map((name) => [name, colour(name)]));
  }

  const pad = (number, width) => String(number).padStart(width || 2, '0');

  /** Epoch milliseconds as the tick of an axis spanning spanMs: the date only when it spans days, seconds when minutes. */
  function timeFormat(spanMs) {
    return (ms) => {
      const date = new Date(ms);
      const minutes = pad(date.getUTCHours()) + ':' + pad(date.getUTCMinutes());
      if (spanMs > DAY_MS) return pad(date.getUTCMonth() + 1) + '-' + pad(date.getUTCDate()) + ' ' + minutes;
      if (spanMs <= 10000) return pad(date.getUTCMinutes()) + ':' + pad(date.getUTCSeconds()) + '.' + pad(date.getUTCMilliseconds(), 3);
      if (spanMs <= 600000) return minutes + ':' + pad(date.getUTCSeconds());
      return minutes;
    };
  }

  // Tick spacings a reader counts in: 1, 2, 5, 10, 15, 30 of a unit, from milliseconds to weeks.
  const TICK_STEPS = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1e3, 2e3, 5e3, 1e4, 15e3, 3e4, 6e4, 12e4, 3e5, 6e5, 9e5, 18e5, 36e5, 72e5, 108e5, 216e5, 432e5, DAY_MS, 2 * DAY_MS, 7 * DAY_MS];

  /** Ticks on round times (UTC) between min and max, at most count of them. */
  function timeTicks(min, max, count) {
    const step = TICK_STEPS.find((candidate) => (max - min) / candidate <= count) || Math.ceil((max - min) / count);
    const ticks = [];
    for (let value = Math.ceil(min / step) * step; value <= max; value += step) ticks.push({ value: value });
    return ticks;
  }

  // A linear axis of epoch milliseconds (Chart.js's time scale would need a date adapter).
  function timeAxis(axis, buckets, colours) {
    const span = Math.max(1, axis.bucketMs) * buckets;
    const format = timeFormat(span);
    return {
      type: 'linear', min: axis.start, max: axis.start + span, offset: false,
      // As many as fit: a label (09:12:30.310) is about 70 pixels wide, whatever the chart's width.
      afterBuildTicks: (scale) => { scale.ticks = timeTicks(scale.min, scale.max, Math.max(1, Math.min(7, Math.floor(scale.width / 75)))); },
      title: { display: true, text: 'time (UTC)', color: colours.muted },
      ticks: { color: colours.text, maxRotation: 0, callback: (value) => format(value) },
      grid: { color: colours.grid },
    };
  }

  function valueAxis(colours, title, position, extra) {
    const options = extra || {};
    return {
      type: 'linear', position: position, display: options.display !== false, beginAtZero: true,
      min: options.min, max: options.max, suggestedMax: options.suggestedMax,
      title: { display: true, text: title, color: colours.muted },
      ticks: { color: colours.text, precision: options.precision, callback: options.tick },
      // A right-hand scale draws no grid of its own: one grid reads better.
      grid: { color: colours.grid, drawOnChartArea: position !== 'right' },
    };
  }

  const bucketCentres = (axis, values) => values.map((y, index) => ({ x: axis.start + (index + 0.5) * axis.bucketMs, y: y }));

  function bucketTitle(axis) {
    return (items) => {
      if (items.length === 0) return '';
      const start = items[0].parsed.x - axis.bucketMs / 2;
      return new Date(start).toISOString() + ' + ' + axis.bucketMs + ' ms';
    };
  }

  // With point styles the legend takes a dataset's style from its first point, which has no dash:
  // a line is shown as its dashed stroke (legendStyle), anything else as its point.
  function dashedLabels(chart) {
    return Chart.defaults.plugins.legend.labels.generateLabels(chart).map((item) => {
      const dataset = chart.data.datasets[item.datasetIndex];
      return Object.assign(item, { lineDash: dataset.borderDash || [], pointStyle: dataset.legendStyle || item.pointStyle });
    });
  }

  function baseOptions(colours, legend) {
    return {
      responsive: true, maintainAspectRatio: false, animation: false,
      interaction: { mode: 'nearest', axis: 'x', intersect: false },
      plugins: {
        // The legend draws each dataset's own mark (a bar's square, the alerts' triangle, a line's dash),
        // in the datasets' order, so that it reads without its colours.
        legend: { display: legend, labels: { color: colours.text, usePointStyle: true, pointStyleWidth: 28, sort: (a, b) => a.datasetIndex - b.datasetIndex, generateLabels: dashedLabels } },
        tooltip: { callbacks: {} },
      },
    };
  }

  function timelineChart(spec, colours) {
    const alerts = bucketCentres(spec.axis, spec.alerts).filter((point) => point.y > 0);
    const bar = { grouped: false, barPercentage: 1, categoryPercentage: 0.9, pointStyle: 'rect' };
    const options = baseOptions(colours, true);
    options.plugins.tooltip.callbacks.title = bucketTitle(spec.axis);
    options.scales = {
      x: timeAxis(spec.axis, spec.events.length, colours),
      y: valueAxis(colours, 'events', 'left', { precision: 0 }),
      alerts: valueAxis(colours, 'alerts', 'right', { precision: 0, display: alerts.length > 0 }),
    };
    return {
      type: 'bar',
      data: {
        datasets: [
          // Lower order is drawn last: the alerts over the failures over the events of their bucket.
          Object.assign({ label: 'events', data: bucketCentres(spec.axis, spec.events), backgroundColor: colours.events, order: 2 }, bar),
          Object.assign({ label: 'failures', data: bucketCentres(spec.axis, spec.failures), backgroundColor: colours.failures, order: 1 }, bar),
          {
            type: 'line', label: 'alerts raised (right scale)', data: alerts, yAxisID: 'alerts', showLine: false, order: 0,
            pointStyle: 'triangle', pointRadius: 7, pointHoverRadius: 9, backgroundColor: colours.alerts, borderColor: colours.text, borderWidth: 1,
          },
        ],
      },
      options: options,
    };
  }

  function bindingChart(spec, colours) {
    const rate = spec.calls.map((calls, index) => (calls > 0 ? (100 * spec.failures[index]) / calls : null));
    // Lines without dots, but a value between two gaps (no call on either side) gets one, or it would not show.
    const alone = (values) => (context) => (values[context.dataIndex - 1] == null && values[context.dataIndex + 1] == null ? 3 : 0);
    const latency = (label, values, colour, dash) => ({
      label: label, data: bucketCentres(spec.axis, values), yAxisID: 'ms', borderColor: colour, backgroundColor: colour,
      borderDash: dash, borderWidth: 2, pointRadius: alone(values), legendStyle: 'line', spanGaps: false, order: 0,
    });
    const options = baseOptions(colours, true);
    options.plugins.tooltip.callbacks.title = bucketTitle(spec.axis);
    options.scales = {
      x: timeAxis(spec.axis, spec.calls.length, colours),
      ms: valueAxis(colours, 'latency (ms)', 'left'),
      rate: valueAxis(colours, 'failure rate', 'right', { min: 0, max: 100, suggestedMax: 10, tick: (value) => value + '%' }),
    };
    return {
      type: 'line',
      data: {
        datasets: [
          latency('p50', spec.p50, colours.p50, []),
          latency('p95', spec.p95, colours.p95, [6, 3]),
          latency('p99', spec.p99, colours.p99, [2, 3]),
          {
            label: 'failures %', data: bucketCentres(spec.axis, rate), yAxisID: 'rate', stepped: 'middle', fill: 'origin', pointStyle: 'rect',
            borderColor: colours.failures, backgroundColor: colours['failures-fill'], borderWidth: 1.5, pointRadius: alone(rate), order: 1,
          },
        ],
      },
      options: options,
    };
  }

  function clientsChart(spec, colours) {
    const label = (id, index) => (id.length > 28 ? id.slice(0, 27) + '\u2026' : id) + (spec.flagged[index] ? ' (!)' : '');
    const options = baseOptions(colours, false);
    options.indexAxis = 'y';
    options.interaction = { mode: 'nearest', axis: 'y', intersect: false };
    options.plugins.tooltip.callbacks.title = (items) => (items.length === 0 ? '' : spec.ids[items[0].dataIndex]);
    options.scales = {
      x: valueAxis(colours, 'inference calls', 'bottom', { precision: 0 }),
      y: { ticks: { color: colours.text, autoSkip: false }, grid: { display: false } },
    };
    return {
      type: 'bar',
      data: {
        labels: spec.ids.map(label),
        datasets: [{ label: 'inference calls', data: spec.calls, backgroundColor: spec.flagged.map((flagged) => (flagged ? colours.flagged : colours.events)), barPercentage: 0.8 }],
      },
      options: options,
    };
  }

  const BUILDERS = { timeline: timelineChart, binding: bindingChart, clients: clientsChart };

  /** (Re)draws every chart in the colours in force. */
  function draw() {
    for (const chart of report.charts) chart.destroy();
    const colours = palette();
    Chart.defaults.animation = false;
    Chart.defaults.color = colours.text;
    Chart.defaults.borderColor = colours.grid;
    Chart.defaults.font.family = getComputedStyle(document.body).fontFamily;
    report.charts = data.charts.flatMap((spec) => {
      const canvas = document.getElementById(spec.canvas);
      if (!(canvas instanceof HTMLCanvasElement)) return [];
      // A row of the clients chart per client, however many there are.
      if (spec.kind === 'clients') canvas.parentElement.style.height = spec.ids.length * 24 + 72 + 'px';
      return [new Chart(canvas, BUILDERS[spec.kind](spec, colours))];
    });
  }

  function beforePrint() {
    root.classList.add('printing');
    draw();
    for (const chart of report.charts) chart.resize(PRINT_WIDTH, chart.canvas.parentElement.clientHeight);
  }

  function afterPrint() {
    root.classList.remove('printing');
    draw();
  }

  draw();
  window.addEventListener('beforeprint', beforePrint);
  window.addEventListener('afterprint', afterPrint);
  window.matchMedia('print').addEventListener('change', (event) => (event.matches ? beforePrint() : afterPrint()));
  window.matchMedia('(prefers-color-scheme: dark)').addEventListener('change', draw);
})();
`;
