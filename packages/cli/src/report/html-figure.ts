import { html, type Html } from './html-escape.js';

// A chart of the report page: the figure the page writes (focusable, described in words, with its
// numbers as a table) and the data its script draws from. The script (page-client.ts) reads the
// `PageChart`s from the page's JSON and finds each chart's canvas by id.

/** A time axis: bucket `i` covers [start + i·bucketMs, start + (i+1)·bucketMs). */
export interface TimeAxis {
  readonly start: number;
  readonly bucketMs: number;
}

interface ChartOnCanvas {
  /** The id of the canvas it is drawn on. */
  readonly canvas: string;
}

/** Counts per bucket of a time axis, failures among them. */
interface ChartOverTime extends ChartOnCanvas {
  readonly axis: TimeAxis;
  readonly failures: readonly number[];
}

export type PageChart =
  | (ChartOverTime & { readonly kind: 'timeline'; readonly events: readonly number[]; readonly alerts: readonly number[] })
  | (ChartOverTime & {
      readonly kind: 'binding';
      readonly calls: readonly number[];
      readonly p50: readonly (number | null)[];
      readonly p95: readonly (number | null)[];
      readonly p99: readonly (number | null)[];
    })
  | (ChartOnCanvas & {
      readonly kind: 'clients';
      readonly ids: readonly string[];
      readonly calls: readonly number[];
      /** Whether an extraction alert names the client (drawn in the alert colour, and marked). */
      readonly flagged: readonly boolean[];
    });

/** What the page's script reads from `<script type="application/json" id="report-data">`. */
export interface PageData {
  readonly charts: readonly PageChart[];
}

export interface ChartFigure {
  /** The canvas id, which its `PageChart` names. */
  readonly canvas: string;
  readonly title: string;
  /** What the chart shows, in words: the figure's accessible name with the title. */
  readonly description: string;
  /** The chart's numbers, for a reader that cannot see it. */
  readonly numbers: Html;
  /** `tall` for a chart of many rows (the clients), `small` for one of several side by side. */
  readonly size?: 'small' | 'tall';
}

/** A chart's figure: Tab stops on it, and its label and table say what it draws. */
export function chartFigure(figure: ChartFigure): Html {
  const sizeClass = figure.size === undefined ? 'chart' : `chart chart-${figure.size}`;
  return html`<figure class="${sizeClass}" tabindex="0" aria-label="${`${figure.title}. ${figure.description}`}">
<figcaption><strong>${figure.title}</strong> <span class="muted">${figure.description}</span></figcaption>
<div class="chart-box"><canvas id="${figure.canvas}" aria-hidden="true"></canvas></div>
<details><summary>The numbers</summary>${figure.numbers}</details>
</figure>`;
}

/** A section's markup and the charts its figures hold. */
export interface DrawnSection {
  readonly markup: Html;
  readonly charts: readonly PageChart[];
}

/** The start of bucket `index` as an ISO 8601 time (UTC), as the numbers tables write it. */
export function bucketStart(axis: TimeAxis, index: number): string {
  return new Date(axis.start + index * axis.bucketMs).toISOString();
}
