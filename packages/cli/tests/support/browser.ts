import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

// Report pages in a real browser: the system's Chromium (Debian's `chromium`, which .ci/setup
// installs; `MLX_AUDIT_CHROMIUM` points elsewhere), driven by playwright-core, never a downloaded
// browser. One browser per test file; a context per page, so each page has its own emulation.

const CHROMIUM = process.env.MLX_AUDIT_CHROMIUM ?? '/usr/bin/chromium';
/** Screenshots, kept after the tests for a person to look at (the repository ignores the folder). */
export const ARTEFACTS = fileURLToPath(new URL('../../../../test-artefacts/', import.meta.url));

/** What a page did while it was open. */
export interface PageRecord {
  /** Console messages of type error or warning (a CSP violation is one). */
  readonly console: string[];
  /** Uncaught exceptions. */
  readonly errors: string[];
  /** Every URL the page requested, its own included. */
  readonly requests: string[];
  readonly failedRequests: string[];
  /** alert/confirm/prompt dialogs, dismissed. */
  readonly dialogs: string[];
}

export interface ChartMarks {
  readonly canvas: string;
  /** Whether Chart.js has a chart on the canvas. */
  readonly charted: boolean;
  /** Data elements drawn with a size: bars of non-zero length, points not skipped. */
  readonly marks: number;
  /** Pixels of the canvas that are not transparent. */
  readonly painted: number;
  /** The colour of the x axis's tick labels, which the chart takes from the page's `--text`. */
  readonly tickColour: string | null;
}

export interface OpenedReport {
  readonly page: Page;
  readonly url: string;
  readonly record: PageRecord;
  /** What each canvas of the page shows. */
  chartMarks(): Promise<ChartMarks[]>;
  /** A full-page screenshot to test-artefacts/<name><suffix>.png; resolves to its path. */
  screenshot(suffix?: string): Promise<string>;
  close(): Promise<void>;
}

export interface ReportBrowser {
  /** Writes `html` to a file and opens it by its file: URL. */
  open(name: string, html: string): Promise<OpenedReport>;
  close(): Promise<void>;
}

export async function launchReportBrowser(): Promise<ReportBrowser> {
  if (!existsSync(CHROMIUM)) throw new Error(`no Chromium at ${CHROMIUM}: run .ci/setup (it installs Debian's chromium), or set MLX_AUDIT_CHROMIUM to a Chromium's path`);
  const root = process.getuid?.() === 0;
  // Chromium refuses to run as root with its sandbox (a CI container's usual user).
  const browser: Browser = await chromium.launch({ executablePath: CHROMIUM, args: root ? ['--no-sandbox'] : [] });
  const pages = mkdtempSync(join(tmpdir(), 'mlx-audit-report-pages-'));
  mkdirSync(ARTEFACTS, { recursive: true });
  return {
    async open(name, html) {
      const file = join(pages, `${name}.html`);
      writeFileSync(file, html);
      const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, colorScheme: 'light' });
      return openPage(context, name, pathToFileURL(file).href);
    },
    async close() {
      await browser.close();
      rmSync(pages, { recursive: true, force: true });
    },
  };
}

async function openPage(context: BrowserContext, name: string, url: string): Promise<OpenedReport> {
  const page = await context.newPage();
  const record: PageRecord = { console: [], errors: [], requests: [], failedRequests: [], dialogs: [] };
  page.on('console', (message) => {
    if (message.type() === 'error' || message.type() === 'warning') record.console.push(`${message.type()}: ${message.text()}`);
  });
  page.on('pageerror', (error) => record.errors.push(error.message));
  page.on('request', (request) => record.requests.push(request.url()));
  page.on('requestfailed', (request) => record.failedRequests.push(`${request.url()}: ${request.failure()?.errorText ?? 'failed'}`));
  page.on('dialog', (dialog) => {
    record.dialogs.push(`${dialog.type()}: ${dialog.message()}`);
    void dialog.dismiss();
  });
  await page.goto(url, { waitUntil: 'load' });
  return {
    page,
    url,
    record,
    chartMarks: () => page.evaluate(countMarks),
    async screenshot(suffix = '') {
      const path = join(ARTEFACTS, `${name}${suffix}.png`);
      await page.screenshot({ path, fullPage: true });
      return path;
    },
    close: () => context.close(),
  };
}

// The browser's side of `chartMarks`. It runs in the page (Playwright sends its source), so it
// names the page's objects through these few shapes rather than the DOM's types.
interface ChartElement {
  readonly x: number;
  readonly y: number;
  readonly skip?: boolean;
  /** Bars: where the bar starts, and whether it lies along x. */
  readonly base?: number;
  readonly horizontal?: boolean;
}
interface PageChart {
  getSortedVisibleDatasetMetas(): { readonly data: readonly ChartElement[] }[];
  readonly options: { readonly scales?: Record<string, { readonly ticks?: { readonly color?: unknown } }> };
}
interface PageCanvas {
  readonly id: string;
  width: number;
  height: number;
  getContext(kind: '2d', options: { willReadFrequently: boolean }): {
    drawImage(image: PageCanvas, x: number, y: number): void;
    getImageData(x: number, y: number, width: number, height: number): { readonly data: ArrayLike<number> };
  } | null;
}
interface PageGlobals {
  readonly Chart?: { getChart(canvas: PageCanvas): PageChart | undefined };
  readonly document: { querySelectorAll(selector: 'canvas'): ArrayLike<PageCanvas>; createElement(tag: 'canvas'): PageCanvas };
}

function countMarks(): ChartMarks[] {
  const page = globalThis as unknown as PageGlobals;
  return Array.from(page.document.querySelectorAll('canvas'), (canvas) => {
    const chart = page.Chart?.getChart(canvas);
    let marks = 0;
    for (const meta of chart?.getSortedVisibleDatasetMetas() ?? []) {
      for (const element of meta.data) {
        if (element.skip === true || !Number.isFinite(element.x) || !Number.isFinite(element.y)) continue;
        const length = element.base === undefined ? 1 : Math.abs((element.horizontal === true ? element.x : element.y) - element.base);
        if (length >= 0.5) marks += 1;
      }
    }
    // Read from a copy: reading the chart's own canvas back makes Chromium warn (willReadFrequently).
    const copy = page.document.createElement('canvas');
    copy.width = canvas.width;
    copy.height = canvas.height;
    const context = copy.getContext('2d', { willReadFrequently: true });
    context?.drawImage(canvas, 0, 0);
    const pixels = context?.getImageData(0, 0, canvas.width, canvas.height).data ?? [];
    let painted = 0;
    for (let alpha = 3; alpha < pixels.length; alpha += 4) if ((pixels[alpha] ?? 0) > 0) painted += 1;
    const tickColour = chart?.options.scales?.x?.ticks?.color;
    return { canvas: canvas.id, charted: chart !== undefined, marks, painted, tickColour: typeof tickColour === 'string' ? tickColour : null };
  });
}
