import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildReport } from '../src/report/build.js';
import { renderHtml } from '../src/report/html.js';
import { launchReportBrowser, type OpenedReport, type ReportBrowser } from './support/browser.js';
import { emptyReportModel, hostileReportModel, realisticReportModel } from './support/report-model.js';
import { writeTrail } from './trail-writer.js';

// The HTML rendering of `mlx-audit report`, opened in headless Chromium as a reader opens it: from
// a file, with no network. Each page must draw every chart, log no error, request nothing but
// itself, and render the trail's strings as text whatever they hold; screenshots of each are left
// in test-artefacts/ for a person to look at.

/** The built runtime, for the trail-writing program's `withAuditContext`. */
const RUNTIME = fileURLToPath(new URL('../../runtime/dist/index.js', import.meta.url));

let browser: ReportBrowser;
let work: string;
beforeAll(async () => {
  browser = await launchReportBrowser();
  work = mkdtempSync(join(tmpdir(), 'mlx-audit-report-html-'));
  chmodSync(work, 0o700);
});
afterAll(async () => {
  await browser.close();
  rmSync(work, { recursive: true, force: true });
});

/** Opens the page and checks what every page must: no error, no request but its own, every chart drawn. */
async function openClean(name: string, html: string): Promise<OpenedReport> {
  const opened = await browser.open(name, html);
  expect(opened.record.errors).toEqual([]);
  expect(opened.record.console).toEqual([]);
  expect(opened.record.failedRequests).toEqual([]);
  expect(opened.record.requests.filter((url) => url !== opened.url && !/^(data|about):/.test(url))).toEqual([]);
  await expectEveryChartDrawn(opened);
  // Nothing the trail writes widens the page past the window.
  const widths = await opened.page.evaluate(() => {
    const root = (globalThis as unknown as { document: { documentElement: { scrollWidth: number; clientWidth: number } } }).document.documentElement;
    return { scroll: root.scrollWidth, client: root.clientWidth };
  });
  expect(widths.scroll).toBeLessThanOrEqual(widths.client);
  return opened;
}

async function expectEveryChartDrawn(opened: OpenedReport): Promise<void> {
  for (const chart of await opened.chartMarks()) {
    expect(chart, chart.canvas).toMatchObject({ charted: true });
    expect(chart.marks, `${chart.canvas}: marks`).toBeGreaterThan(0);
    expect(chart.painted, `${chart.canvas}: painted pixels`).toBeGreaterThan(0);
  }
}

/** The page's own `--text` colour, which the charts' labels must be drawn in. */
function textColour(opened: OpenedReport): Promise<string> {
  return opened.page.evaluate(() => {
    const page = globalThis as unknown as { getComputedStyle(element: unknown): { getPropertyValue(name: string): string }; document: { documentElement: unknown } };
    return page.getComputedStyle(page.document.documentElement).getPropertyValue('--text').trim();
  });
}

/** Resource URLs to the network: in an attribute that loads or links (src, href…), or in CSS. */
const NETWORK_RESOURCE = /\b(?:src|href|srcset|action|formaction|poster|data|background|xlink:href)\s*=\s*["']?\s*(?:https?:)?\/\/|url\(\s*["']?\s*(?:https?:)?\/\/|@import\s+["']?(?:https?:)?\/\//i;

const SECTIONS = ['verdict', 'timeline', 'bindings', 'loads', 'clients', 'alerts', 'evidence', 'plan', 'input'];

describe('renderHtml', () => {
  it('writes every section of a realistic report; the page draws every chart with no error and no request', async () => {
    const html = renderHtml(realisticReportModel());
    const opened = await openClean('report-realistic', html);
    const page = opened.page;
    expect(await page.locator('main > section').evaluateAll((sections) => sections.map((section) => (section as unknown as { id: string }).id))).toEqual(SECTIONS);
    // A timeline, six busy bindings, the clients.
    expect(await opened.chartMarks()).toHaveLength(8);
    await expect(page.locator('#verdict').innerText()).resolves.toMatch(/Chain intact[\s\S]*every seal verified[\s\S]*1 critical[\s\S]*1 high[\s\S]*2 medium/);
    await expect(page.locator('#loads tbody tr').count()).resolves.toBe(4);
    await expect(page.locator('#loads').innerText()).resolves.toMatch(/not allowed[\s\S]*refused[\s\S]*no allow-list/);
    await expect(page.locator('#clients').innerText()).resolves.toMatch(/c-7f3a9b2e[\s\S]*extraction\.volume/);
    await expect(page.locator('#alerts li.alert').count()).resolves.toBe(4);
    await expect(page.locator('#evidence tbody tr[id^="ev-"]').count()).resolves.toBe(8);
    await expect(page.locator('#plan').innerText()).resolves.toMatch(/src\/admin\.ts:88:5[\s\S]*src\/experimental\.ts:7:14/);
    // Every link of the page lands on an element of the page.
    const targets = await page.locator('a[href]').evaluateAll((links) => links.map((link) => (link as unknown as { getAttribute(name: string): string }).getAttribute('href')));
    for (const target of targets) {
      expect(target).toMatch(/^#/);
      await expect(page.locator(`[id="${target.slice(1)}"]`).count(), target).resolves.toBe(1);
    }
    expect(html).not.toMatch(NETWORK_RESOURCE);
    expect(statSync(await opened.screenshot()).size).toBeGreaterThan(0);
    await opened.close();
  });

  it('reaches the charts and the alerts with Tab, and Enter on an evidence link lands on its row', async () => {
    const opened = await browser.open('report-keyboard', renderHtml(realisticReportModel()));
    const { page } = opened;
    const focused = (): Promise<{ tag: string; href: string | null; inAlert: boolean }> =>
      page.evaluate(() => {
        const element = (globalThis as unknown as { document: { activeElement: { tagName: string; getAttribute(name: string): string | null; closest(selector: string): unknown } | null } }).document.activeElement;
        return { tag: element?.tagName ?? '', href: element?.getAttribute('href') ?? null, inAlert: element?.closest('li.alert') != null };
      });
    let figures = 0;
    let link: string | null = null;
    for (let presses = 0; presses < 200 && link === null; presses++) {
      await page.keyboard.press('Tab');
      const element = await focused();
      if (element.tag === 'FIGURE') figures++;
      if (element.inAlert && element.href?.startsWith('#ev-') === true) link = element.href;
    }
    expect(figures).toBe(8);
    expect(link).toBe('#ev-4242-2101');
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => (globalThis as unknown as { location: { hash: string } }).location.hash === '#ev-4242-2101');
    const landed = await page.evaluate(() => {
      const document = (globalThis as unknown as { document: { querySelector(selector: string): { id: string } | null; activeElement: { id: string } | null } }).document;
      return { target: document.querySelector(':target')?.id, focus: document.activeElement?.id };
    });
    expect(landed).toEqual({ target: 'ev-4242-2101', focus: 'ev-4242-2101' });
    await opened.close();
  });

  it('redraws the charts in the dark scheme\u2019s colours, and in light ones for print', async () => {
    const opened = await openClean('report-realistic-modes', renderHtml(realisticReportModel()));
    const light = await textColour(opened);
    await opened.page.emulateMedia({ colorScheme: 'dark' });
    const dark = await textColour(opened);
    expect(dark).not.toBe(light);
    await opened.page.waitForFunction((colour) => (globalThis as unknown as { __mlxAuditReport: { charts: { options: { scales: { x: { ticks: { color: string } } } } }[] } }).__mlxAuditReport.charts.every((chart) => chart.options.scales.x.ticks.color === colour), dark);
    await expectEveryChartDrawn(opened);
    await opened.screenshot('-dark');
    // Printing from the dark scheme: the page and the charts turn light.
    await opened.page.emulateMedia({ colorScheme: 'dark', media: 'print' });
    await expect(textColour(opened)).resolves.toBe(light);
    await opened.page.waitForFunction((colour) => (globalThis as unknown as { __mlxAuditReport: { charts: { options: { scales: { x: { ticks: { color: string } } } } }[] } }).__mlxAuditReport.charts.every((chart) => chart.options.scales.x.ticks.color === colour), light);
    await expectEveryChartDrawn(opened);
    await opened.screenshot('-print');
    expect(opened.record.console).toEqual([]);
    expect(opened.record.errors).toEqual([]);
    await opened.close();
  });

  it('renders a hostile trail\u2019s strings as text: nothing runs, no element is injected, no marker stands unescaped', async () => {
    const hostile = `<script>alert(1)</script><img src=x onerror=alert(2)>"onmouseover="alert(3)' javascript:alert(4) \u2028\u2029 \u001b[31mred\u001b[0m \u202eevil </script><!-- `;
    const html = renderHtml(hostileReportModel(hostile));
    const opened = await openClean('report-hostile', html);
    const { page } = opened;
    expect(opened.record.dialogs).toEqual([]);
    const dom = await page.evaluate(() => {
      const document = (globalThis as unknown as { document: { querySelectorAll(selector: string): ArrayLike<{ attributes: ArrayLike<{ name: string; value: string }>; tagName: string }> } }).document;
      const elements = Array.from(document.querySelectorAll('*'));
      return {
        scripts: document.querySelectorAll('script').length,
        images: document.querySelectorAll('img, iframe, object, embed').length,
        handlers: elements.flatMap((element) => Array.from(element.attributes).filter((attribute) => attribute.name.startsWith('on')).map((attribute) => `${element.tagName} ${attribute.name}`)),
        links: Array.from(document.querySelectorAll('[href], [src]'), (element) => Array.from(element.attributes).find((attribute) => attribute.name === 'href' || attribute.name === 'src')?.value ?? ''),
      };
    });
    // The data, Chart.js and the page's script.
    expect(dom.scripts).toBe(3);
    expect(dom.images).toBe(0);
    expect(dom.handlers).toEqual([]);
    for (const link of dom.links) expect(link).toMatch(/^#/);
    // The markers are in the page's text, as text.
    await expect(page.locator('#verdict').innerText()).resolves.toContain('<script>alert(1)</script>');
    await expect(page.locator('#clients').innerText()).resolves.toContain('⟨U+001B⟩[31mred');
    // Outside the scripts no marker stands as written; in the data every `<` is escaped.
    const markup = html.replace(/<script\b[^>]*>[\s\S]*?<\/script>/g, '<script></script>');
    // (`onerror=` stands as text, harmless, in `&lt;img src=x onerror=…`: the `<` and the quotes are what must not.)
    for (const marker of ['<script>alert', '<img', '"onmouseover=', '\u2028', '\u2029', '\u001b', '\u202e', '</script><!--']) expect(markup.includes(marker), JSON.stringify(marker)).toBe(false);
    for (const marker of ['<script>alert', '<img', '\u2028', '\u2029', '\u001b']) expect(html.includes(marker), JSON.stringify(marker)).toBe(false);
    expect(html.match(/<\/script/gi)).toHaveLength(3);
    expect(html).not.toMatch(NETWORK_RESOURCE);
    await opened.screenshot();
    await opened.close();
  });

  it('links nothing on the network: Chart.js\u2019s URLs are in its comments, none is a resource, and the policy allows none', () => {
    const html = renderHtml(realisticReportModel());
    expect(html).not.toMatch(NETWORK_RESOURCE);
    // The only http(s) text of the page: Chart.js's banner and its colour library's readme, in comments.
    expect(html.match(/https?:\/\/[^\s"'`)]*/g)).toEqual(['https://www.chartjs.org', 'https://github.com/kurkle/color#readme']);
    expect(html).not.toContain('sourceMappingURL');
    const policy = /<meta http-equiv="Content-Security-Policy" content="([^"]*)">/.exec(html)?.[1]?.replaceAll('&#39;', "'");
    expect(policy).toMatch(/^default-src 'none'; script-src 'sha256-[\w+/=]+' 'sha256-[\w+/=]+'; style-src 'sha256-[\w+/=]+'; img-src data:;/);
  });

  it('says so where the trail has nothing to show: no event, alert, load, client or plan', async () => {
    const opened = await openClean('report-empty', renderHtml(emptyReportModel()));
    const { page } = opened;
    expect(await opened.chartMarks()).toEqual([]);
    expect(await page.locator('main > section').evaluateAll((sections) => sections.map((section) => (section as unknown as { id: string }).id))).toEqual(SECTIONS.filter((id) => id !== 'plan'));
    await expect(page.locator('#timeline .empty').innerText()).resolves.toMatch(/No event with a readable @timestamp/);
    await expect(page.locator('#bindings .empty').innerText()).resolves.toMatch(/No MLX call/);
    await expect(page.locator('#loads .empty').innerText()).resolves.toMatch(/No model was loaded/);
    await expect(page.locator('#clients .empty').innerText()).resolves.toMatch(/No inference call carried a client id/);
    await expect(page.locator('#alerts .empty').innerText()).resolves.toMatch(/No alert/);
    await expect(page.locator('#input').innerText()).resolves.toMatch(/Audit plan\s+none given/);
    await opened.screenshot();
    await opened.close();
  });
});

describe('renderHtml of buildReport', () => {
  it('names the tampered file and line in the verdict of a trail with one changed byte, and draws every chart', async () => {
    const trail = writeTrail(
      join(work, 'tampered'),
      `const { withAuditContext } = await import(${JSON.stringify(RUNTIME)});
for (let i = 0; i < 30; i++) withAuditContext({ clientId: 'c-' + (i % 3) }, () => auditEvent('model.inference', { kind: 'inference', outcome: i % 7 === 0 ? 'failure' : 'success' }));`,
      { MLX_AUDIT_SERVICE_NAME: 'report-html-test' },
    );
    expect(trail.stderr).toBe('');
    expect(trail.status).toBe(0);
    const file = join(trail.directory, 'audit.jsonl');
    const lines = readFileSync(file, 'utf8').split('\n');
    // One byte of one line (from the fifth on): the `c` of a "success" made a capital.
    const tamperedLine = lines.findIndex((line, index) => index >= 4 && line.includes('"success"'));
    lines[tamperedLine] = (lines[tamperedLine] ?? '').replace('"success"', '"sucCess"');
    writeFileSync(file, lines.join('\n'));

    const model = await buildReport([trail.directory]);
    expect(model.verdict.chain).toBe('tampered');
    const opened = await openClean('report-tampered-trail', renderHtml(model));
    const verdict = await opened.page.locator('#verdict').innerText();
    expect(verdict).toContain('Chain tampered');
    expect(verdict).toContain(`${file}, line ${tamperedLine + 1}`);
    expect((await opened.chartMarks()).length).toBeGreaterThan(0);
    await opened.screenshot();
    await opened.close();
  });
});
