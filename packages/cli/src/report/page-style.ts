// The report page's stylesheet. Colours are CSS variables: the light set, the dark set for a reader
// who prefers it on screen, and the light set again when printing (`.printing` is what the page's
// script sets on `beforeprint`, before the print media applies); the charts read the same variables.

export const PAGE_STYLE = `
:root, :root.printing {
  color-scheme: light;
  --bg: #ffffff; --surface: #f4f6f8; --text: #1b1f24; --muted: #545d68; --border: #cdd3da; --grid: #e3e7ec;
  --link: #0a58b0; --focus: #0a58b0; --target: #fff4c2;
  --events: #5b84bd; --failures: #c4312a; --failures-fill: rgba(196, 49, 42, 0.18); --alerts: #b35900;
  --p50: #23794a; --p95: #6f43b0; --p99: #b0246f; --flagged: #c4312a;
  --ok-bg: #dcf3e3; --ok-text: #145c31; --bad-bg: #fbe0de; --bad-text: #8f1d17; --warn-bg: #fdefd5; --warn-text: #7a4300;
  --sev-critical: #8f1d17; --sev-high: #b3361d; --sev-medium: #8a5a00; --sev-low: #3d5a80;
}
@media screen and (prefers-color-scheme: dark) {
  :root:not(.printing) {
    color-scheme: dark;
    --bg: #111418; --surface: #1a1f25; --text: #e4e7eb; --muted: #a3acb7; --border: #38414b; --grid: #2a3139;
    --link: #80b8ff; --focus: #80b8ff; --target: #3d3513;
    --events: #7ea6dd; --failures: #ff7a70; --failures-fill: rgba(255, 122, 112, 0.22); --alerts: #f2a444;
    --p50: #5fd18f; --p95: #b898f2; --p99: #f27bbd; --flagged: #ff7a70;
    --ok-bg: #183a26; --ok-text: #9be3b5; --bad-bg: #4a1a17; --bad-text: #ffb3ad; --warn-bg: #43300c; --warn-text: #fbd38a;
    --sev-critical: #ff9a92; --sev-high: #ffad8a; --sev-medium: #f2c46b; --sev-low: #9dbbe6;
  }
}
* { box-sizing: border-box; }
html { background: var(--bg); color: var(--text); }
body { margin: 0; font: 15px/1.5 system-ui, -apple-system, "Segoe UI", "DejaVu Sans", sans-serif; overflow-wrap: break-word; }
main, .page-header { max-width: 76rem; margin: 0 auto; padding: 0 1.25rem; }
h1 { font-size: 1.6rem; margin: 1.25rem 0 0.25rem; }
h2 { font-size: 1.3rem; margin: 2.25rem 0 0.75rem; padding-bottom: 0.25rem; border-bottom: 1px solid var(--border); }
h3 { font-size: 1.05rem; margin: 1.25rem 0 0.5rem; }
a { color: var(--link); }
/* Code wraps at its separators (codeText's <wbr>), and inside a word only where one is longer than the line. */
code { font-family: "DejaVu Sans Mono", ui-monospace, Menlo, Consolas, monospace; font-size: 0.88em; overflow-wrap: break-word; }
.muted, .note { color: var(--muted); }
.empty { padding: 0.75rem 1rem; background: var(--surface); border: 1px dashed var(--border); border-radius: 6px; }
.visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden; clip-path: inset(50%); white-space: nowrap; }
:focus-visible { outline: 3px solid var(--focus); outline-offset: 2px; }
.skip-link { position: absolute; left: 1rem; top: -3rem; padding: 0.5rem 0.75rem; background: var(--bg); border: 2px solid var(--focus); z-index: 2; }
.skip-link:focus { top: 0.5rem; }
nav.toc { position: sticky; top: 0; z-index: 1; background: var(--bg); border-bottom: 1px solid var(--border); }
nav.toc ul { max-width: 76rem; margin: 0 auto; padding: 0.4rem 1.25rem; display: flex; flex-wrap: wrap; gap: 0.25rem 1.1rem; list-style: none; }
[id] { scroll-margin-top: 3.5rem; }
:target { background: var(--target); outline: 2px solid var(--link); }
.badge { display: inline-block; padding: 0.05rem 0.5rem; border-radius: 999px; font-weight: 600; white-space: nowrap; border: 1px solid currentColor; }
.chain-intact, .load-allowed { background: var(--ok-bg); color: var(--ok-text); }
.chain-tampered, .load-not-allowed, .load-refused { background: var(--bad-bg); color: var(--bad-text); }
.chain-incomplete, .chain-unverifiable { background: var(--warn-bg); color: var(--warn-text); }
.load-no-allow-list, .load-other, .sev-other { color: var(--muted); }
/* A word of the trail's, not one of the report's: it may be long. */
.load-other, .sev-other { white-space: normal; border-radius: 6px; }
.sev-critical { color: var(--sev-critical); } .sev-high { color: var(--sev-high); }
.sev-medium { color: var(--sev-medium); } .sev-low { color: var(--sev-low); }
.verdict { padding: 1rem 1.25rem; border: 2px solid var(--border); border-left-width: 0.5rem; border-radius: 8px; background: var(--surface); }
.verdict-intact { border-left-color: var(--ok-text); }
.verdict-tampered { border-left-color: var(--bad-text); }
.verdict-incomplete, .verdict-unverifiable { border-left-color: var(--warn-text); }
.summary { font-size: 1.2rem; font-weight: 600; margin: 0 0 0.75rem; }
.summary .badge { font-size: 1rem; margin-right: 0.4rem; vertical-align: 0.1em; }
.facts { display: grid; grid-template-columns: repeat(auto-fill, minmax(15rem, 1fr)); gap: 0.5rem 1.5rem; margin: 0.75rem 0; }
.facts dt { color: var(--muted); font-size: 0.85rem; }
.facts dd { margin: 0; font-weight: 600; }
.inline-list, .plain-list { list-style: none; margin: 0; padding: 0; }
.inline-list { display: flex; flex-wrap: wrap; gap: 0.3rem 0.6rem; }
.inline-list a { text-decoration: none; }
.problems li { margin: 0.2rem 0; }
.problem-tampered { color: var(--bad-text); font-weight: 600; }
.problem-incomplete, .problem-unverifiable { color: var(--warn-text); font-weight: 600; }
figure.chart { margin: 0.75rem 0 1.25rem; padding: 0.75rem 1rem; border: 1px solid var(--border); border-radius: 8px; background: var(--bg); }
figure.chart figcaption { margin-bottom: 0.5rem; }
figure.chart figcaption strong { display: block; overflow-wrap: anywhere; }
.chart-box { position: relative; height: 18rem; }
.chart-small .chart-box { height: 14rem; }
.chart-grid { display: grid; grid-template-columns: repeat(auto-fill, minmax(22rem, 1fr)); gap: 0 1rem; }
details { margin-top: 0.5rem; }
summary { cursor: pointer; color: var(--link); }
.table-scroll { overflow-x: auto; margin: 0.5rem 0 1rem; }
table { border-collapse: collapse; width: 100%; font-size: 0.9rem; }
th, td { text-align: left; vertical-align: top; padding: 0.3rem 0.6rem; border-bottom: 1px solid var(--border); }
thead th { background: var(--surface); }
.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
.hash { font-size: 0.78em; overflow-wrap: anywhere; }
ol.alerts { list-style: none; padding: 0; }
.alert { margin: 0 0 0.9rem; padding: 0.6rem 1rem; border: 1px solid var(--border); border-radius: 8px; }
.alert h3 { margin: 0 0 0.2rem; }
.alert p { margin: 0.25rem 0; }
.fields { display: flex; flex-wrap: wrap; gap: 0.2rem 1.25rem; margin: 0.4rem 0; font-size: 0.88rem; }
.fields dt { color: var(--muted); }
.fields dd { margin: 0; }
.page-footer { max-width: 76rem; margin: 2.5rem auto 1.5rem; padding: 0 1.25rem; color: var(--muted); font-size: 0.85rem; }
@media print {
  body { font-size: 10.5pt; }
  nav.toc, .skip-link { display: none; }
  main, .page-header { max-width: none; padding: 0; }
  h2, h3 { break-after: avoid; }
  figure.chart, .alert, tr, .verdict { break-inside: avoid; }
  thead { display: table-header-group; }
  /* Paper does not scroll: a table too wide for it wraps its words anywhere instead. */
  .table-scroll { overflow: visible; }
  td, th { overflow-wrap: anywhere; }
  /* One chart a row, at the width the page's script gives them on beforeprint. */
  .chart-grid { grid-template-columns: 1fr; }
  a { color: inherit; }
  :target { background: none; outline: none; }
}
`;
