import { mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { RuleOptions } from '@mlx-audit/monitor';
import { LOGSOURCE, SIGMA_FILE_PATTERN, type RuleExport, type SigmaDocument } from '@mlx-audit/monitor/sigma';
import { stringify } from 'yaml';

// `mlx-audit rules --sigma DIR`: the Sigma files of the exported rules, and a README.md of the
// export. One file per rule: its correlation and the detection rule under it as one multi-document
// YAML file (the form of the Sigma specification's examples, which sigma-cli reads: it resolves a
// correlation's rules by name across all the files it is given).

const README = 'README.md';

/** Sigma's YAML style: four-space indents, strings in single quotes, no folded lines. */
export function sigmaYaml(documents: readonly SigmaDocument[]): string {
  return documents.map((document) => stringify(document, { indent: 4, lineWidth: 0, defaultStringType: 'QUOTE_SINGLE', defaultKeyType: 'PLAIN' })).join('---\n');
}

/** What the directory holds that stops an export into it, or undefined when it may be written (missing or empty). */
export async function occupied(directory: string): Promise<string[] | undefined> {
  try {
    const entries = await readdir(directory);
    return entries.length === 0 ? undefined : entries;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/**
 * Writes the export into `directory` (made if missing; its parent must exist). An earlier export's files there (the
 * README and `mlx_audit_*.yml`, `mr_mlx_audit_*.yml`) are removed first, so a rule no longer
 * exported leaves no stale file for a SIEM to load; other files are left as they are.
 * Resolves to the names of the files written.
 */
export async function writeSigmaExport(directory: string, listing: readonly RuleExport[], options: RuleOptions): Promise<string[]> {
  // Not recursive: Node's recursive mkdir loops for ever where the kernel answers ENOENT for a
  // parent that exists (/proc), and a mistyped parent is better refused than created.
  try {
    await mkdir(directory);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  for (const entry of await readdir(directory)) {
    if (entry === README || SIGMA_FILE_PATTERN.test(entry)) await rm(join(directory, entry), { force: true });
  }
  const written: string[] = [];
  for (const rule of listing) {
    if (!rule.exported) continue;
    await writeFile(join(directory, rule.sigma.file), sigmaYaml(rule.sigma.documents));
    written.push(rule.sigma.file);
  }
  await writeFile(join(directory, README), exportReadme(listing, options));
  return [...written, README];
}

/** The README of an export: how to convert it, what each file is, what was left out and why. */
export function exportReadme(listing: readonly RuleExport[], options: RuleOptions): string {
  const exported = listing.filter((rule) => rule.exported);
  const left = listing.filter((rule) => !rule.exported);
  const lines = [
    '# mlx-audit rules in Sigma',
    '',
    'Written by `mlx-audit rules --sigma`: the rules of `@mlx-audit/monitor` that Sigma can express, as Sigma detection and correlation rules over the fields of the mlx-audit trail, for a SIEM (through sigma-cli). Each file is one rule: a correlation and the detection rule it counts, as one multi-document YAML file, or a detection rule alone.',
    '',
    `- Log source: \`product: ${LOGSOURCE.product}\`, \`category: ${LOGSOURCE.category}\`. Map it to where the trail is stored with a processing pipeline of your own (its index, source type or table); the fields keep the trail's names (\`event.action\`, \`mlx.kind\`, \`service.name\`...).`,
    '- Convert with sigma-cli, giving it the whole directory so that each correlation finds its rule: `sigma convert -t <backend> -p <your pipeline> .`',
    "- Sigma compares strings case-insensitively, where the monitor compares them exactly. A SIEM raises a correlation for every window that reaches its count; the monitor raises one alert for each episode and re-arms when the count is back under.",
    '- ATLAS techniques are tagged `atlas.t0018` for AML.T0018: Sigma has no namespace for ATLAS, and `sigma check` reports the namespace.',
    '- A rule marked as an approximation does not mean exactly what the monitor rule means: its description says how it differs.',
    '',
    `Options: \`${JSON.stringify(options)}\` (the defaults where none is given).`,
    '',
    '## Exported',
    '',
    '| File | Rule | Level | Approximation |',
    '| --- | --- | --- | --- |',
    ...exported.map((rule) => `| \`${rule.sigma.file}\` | \`${rule.id}\` | ${rule.severity} | ${cell(rule.sigma.approximation ?? 'no')} |`),
    '',
    '## Not exported',
    '',
    'Run these in the monitor: in the process (`watch`) or over the trail files (`mlx-audit detect`).',
    '',
    '| Rule | Severity | Why Sigma cannot express it |',
    '| --- | --- | --- |',
    ...left.map((rule) => `| \`${rule.id}\` | ${rule.severity} | ${cell(rule.reason)} |`),
    '',
  ];
  return lines.join('\n');
}

/** Text in a Markdown table cell: a `|` would end the cell. */
function cell(text: string): string {
  return text.replaceAll('|', '\\|');
}
