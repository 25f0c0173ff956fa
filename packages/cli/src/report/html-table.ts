import { html, type Html, type HtmlValue } from './html-escape.js';
import { formatCount } from './html-format.js';

// The report page's building blocks: tables, lists of facts, empty states. Every section writes
// its numbers through these, so the page reads (and prints, and is read aloud) the same throughout.

export interface TableColumn {
  readonly header: string;
  /** Right-aligned, in tabular figures. */
  readonly numeric?: boolean;
}

export interface TableRow {
  /** The row's anchor, for links to it (`#ev-…`). */
  readonly id?: string;
  readonly cells: readonly HtmlValue[];
}

/** A table with its header row; `caption` names it for a reader that lists a page's tables. */
export function table(caption: string, columns: readonly TableColumn[], rows: readonly (TableRow | readonly HtmlValue[])[]): Html {
  const numeric = columns.map((column) => column.numeric === true);
  const body = rows.map((row) => {
    const { id, cells } = 'cells' in row ? row : { id: undefined, cells: row };
    const tds = cells.map((cell, index) => (numeric[index] === true ? html`<td class="num">${cell}</td>` : html`<td>${cell}</td>`));
    // A row that links land on can take the focus they move, so that Tab goes on from it.
    return id === undefined ? html`<tr>${tds}</tr>` : html`<tr id="${id}" tabindex="-1">${tds}</tr>`;
  });
  const headers = columns.map((column) => (column.numeric === true ? html`<th scope="col" class="num">${column.header}</th>` : html`<th scope="col">${column.header}</th>`));
  // A table wider than the page (a long word of the trail) scrolls in its box rather than widening the page.
  return html`<div class="table-scroll"><table><caption class="visually-hidden">${caption}</caption><thead><tr>${headers}</tr></thead><tbody>${body}</tbody></table></div>`;
}

/** Term and value pairs: the headline numbers of a section. */
export function facts(pairs: readonly (readonly [string, HtmlValue])[]): Html {
  return html`<dl class="facts">${pairs.map(([term, value]) => html`<div><dt>${term}</dt><dd>${value}</dd></div>`)}</dl>`;
}

/** What a section says when the trail gave it nothing to show. */
export function emptyState(text: HtmlValue): Html {
  return html`<p class="empty">${text}</p>`;
}

/** The note under a capped list: how many it leaves out. */
export function omittedNote(omitted: number, what: string): Html | null {
  return omitted > 0 ? html`<p class="note">${`…and ${formatCount(omitted)} more ${what} not listed (the report keeps the first ones).`}</p>` : null;
}

/** A section of the page: its anchor (the table of contents links to it), heading and content. */
export function section(id: string, title: string, content: HtmlValue): Html {
  return html`<section id="${id}" aria-labelledby="${id}-title"><h2 id="${id}-title">${title}</h2>${content}</section>`;
}
