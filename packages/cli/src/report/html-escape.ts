// Escaping for the report page. Every string of a report comes from the trail, which whoever wrote
// to it controls (file paths, reasons, client ids), so the page is written through `html`, a tag
// that escapes whatever it is given unless it is markup this module already made: forgetting to
// escape takes deliberate work, and the page's Content-Security-Policy covers a mistake anyway.

/** Markup made by `html` (or escaped by it): written into the page as it is. */
export class Html {
  constructor(readonly markup: string) {}

  toString(): string {
    return this.markup;
  }
}

/** What `html` accepts between its markup: text is escaped; nothing is written for null, undefined and false. */
export type HtmlValue = Html | string | number | null | undefined | false | readonly HtmlValue[];

/** Markup from a template whose values are escaped (text) or kept (`Html`, and arrays of either). */
export function html(strings: TemplateStringsArray, ...values: readonly HtmlValue[]): Html {
  let markup = strings[0] ?? '';
  values.forEach((value, index) => {
    markup += markupOf(value) + (strings[index + 1] ?? '');
  });
  return new Html(markup);
}

function markupOf(value: HtmlValue): string {
  if (value instanceof Html) return value.markup;
  if (value === null || value === undefined || value === false) return '';
  if (typeof value === 'number') return String(value);
  if (typeof value === 'string') return escapeText(value);
  return value.map(markupOf).join('');
}

const HTML_SPECIAL: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const INVISIBLE = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/**
 * Text for an element's content or a quoted attribute value. Characters that do not show, or that
 * change how the text around them reads, are written as their code (`⟨U+001B⟩`), so that an ANSI
 * escape reads as `⟨U+001B⟩[31m` and a bidirectional override cannot make `evil.gguf` look like
 * another name: C0 and C1 controls (tab and line ends aside), the line and paragraph separators,
 * and the bidirectional marks, embeddings, overrides and isolates.
 */
export function escapeText(text: string): string {
  return text.replace(/[&<>"']/g, (char) => HTML_SPECIAL[char] ?? char).replace(INVISIBLE, (char) => `⟨U+${char.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}⟩`);
}

/**
 * A value as the content of `<script type="application/json">`: JSON in which no character can
 * end the element or start a comment (`<`, `>`, `&` as `\u` escapes), and without the two line
 * terminators older JavaScript parsers reject in strings.
 */
export function jsonForScriptElement(value: unknown): string {
  return JSON.stringify(value).replace(/[<>&\u2028\u2029]/g, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/**
 * JavaScript source as the content of an inline `<script>`: `</script` would end the element and
 * `<!--` would switch the parser into its escaped state, so both are broken with a backslash (in a
 * string, regular expression or comment, which is where such text stands in code, `<\/` and `<\!`
 * read as `</` and `<!`). Line ends are normalised as the HTML parser does, so that the content
 * hashed for the Content-Security-Policy is the content the browser hashes.
 */
export function scriptElementText(source: string): string {
  return source
    .replace(/\r\n?/g, '\n')
    .replace(/<\/(script)/gi, '<\\/$1')
    .replace(/<!--/g, '<\\!--');
}

/** Values one after another with `separator` between them (`a, b, c`). */
export function joined(values: readonly HtmlValue[], separator = ', '): Html {
  return html`${values.map((value, index) => html`${index > 0 ? separator : ''}${value}`)}`;
}

/**
 * A path, binding or id as `<code>`, with a break opportunity after each `/`, `.`, `:`, `#`, `_`
 * and `-`: a narrow column (or the printed page) wraps `src/serve.ts:42` at a separator, not
 * anywhere in a word.
 */
export function codeText(text: string): Html {
  return new Html(`<code>${text.split(/(?<=[/.:#_-])/).map(escapeText).join('<wbr>')}</code>`);
}
