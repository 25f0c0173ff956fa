import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SEVERITY, type Alert } from '../src/index.js';
import { sigmaExport, type RuleExport } from '../src/sigma/index.js';

// Every rule of the monitor has its page in rules-docs/detections/, in one form: the title line,
// the sections in order, its severity as the rules raise it, what the Sigma export does with it in
// the export's own words, and an example alert that is the rule's. The rules are those of the
// Sigma listing: allRules() (opt-in rules included) and the chain rule `mlx-audit detect` runs.

const DOCS = new URL('../../../rules-docs/detections/', import.meta.url);
const SECTIONS = ['What it means', 'How it decides', 'Parameters', 'Known false positives', 'Sigma', 'Example alert'];

interface Page {
  readonly title: string;
  readonly intro: string;
  readonly headings: readonly string[];
  /** The text of each `## ` section, by heading. */
  readonly sections: ReadonlyMap<string, string>;
}

function page(id: string): Page {
  const text = readFileSync(new URL(`${id}.md`, DOCS), 'utf8');
  const [head = '', ...parts] = text.split(/^## /m);
  const [title = '', ...intro] = head.split('\n');
  const sections = new Map(parts.map((part) => [part.slice(0, part.indexOf('\n')), part.slice(part.indexOf('\n') + 1)]));
  return { title, intro: intro.join('\n').trim(), headings: parts.map((part) => part.slice(0, part.indexOf('\n'))), sections };
}

/** What the Sigma section must say, in the export's words: the file, or why there is none (with the default options). */
function sigmaWords(rule: RuleExport): string {
  return prose(rule.exported ? rule.sigma.file : rule.reason);
}

/** Text as it reads, whatever its Markdown: code marks, line breaks and capitals aside. */
function prose(text: string): string {
  return text.replaceAll('`', '').replace(/\s+/g, ' ').toLowerCase();
}

describe('the docs pages of the rules', () => {
  const rules = sigmaExport();

  it.each(rules.map((rule) => [rule.id, rule] as const))('%s has its page, in the common form', (id, rule) => {
    expect(existsSync(new URL(`${id}.md`, DOCS)), `rules-docs/detections/${id}.md`).toBe(true);
    const { title, intro, headings, sections } = page(id);
    expect(title).toBe(`# \`${id}\` — ${rule.name}`);
    expect(headings, `the sections of ${id}.md`).toEqual(SECTIONS);
    expect(intro).toMatch(new RegExp(`\\b${rule.severity}\\b`));
    expect(intro).toContain(`\`${rule.family}\``);

    const sigma = prose(sections.get('Sigma') ?? '');
    expect(sigma, 'its Sigma section, in the words of `mlx-audit rules`').toContain(sigmaWords(rule));
    if (rule.exported && rule.sigma.approximation !== undefined) expect(sigma).toMatch(/approximation/i);

    const example = /^```json\n([\s\S]*?)\n```/m.exec(sections.get('Example alert') ?? '')?.[1];
    expect(example, 'a ```json block in Example alert').toBeDefined();
    const alert = JSON.parse(example ?? '') as Alert;
    expect(alert).toMatchObject({ 'rule.id': id, 'rule.name': rule.name, 'rule.category': rule.family, 'event.kind': 'alert', 'event.severity': SEVERITY[rule.severity] });
  });

  it("lists every rule in the package's README, by its page's address (a packed README has no rules-docs/ beside it)", () => {
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    for (const rule of rules) expect(readme).toContain(`| [\`${rule.id}\`](https://github.com/mlx-audit/mlx-audit/blob/main/rules-docs/detections/${rule.id}.md) | ${rule.name} | ${rule.severity} |`);
  });
});
