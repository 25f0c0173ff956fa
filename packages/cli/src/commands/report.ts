import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { MonitorConfigError, ruleOptionsFrom } from '../monitor-config.js';
import { sealKeysFrom } from '../seal-keys.js';
import { parseCommandArgs, usageError, type Command } from './command.js';

// `mlx-audit report`: the review report of a trail, as one self-contained HTML page and, for a
// pull request or a ticket, as Markdown. The reading is report/build.ts; the pages are report/html.ts
// and report/markdown.ts; this file is the command line.

const USAGE = `mlx-audit report <files or directories>... [-o report.html] [--markdown report.md] [--since T] [--plan plan.json] [--key-file F]... [--live] [--config F]
    The review report of audit trails: the verdict (the chain verified, or where it breaks; gaps;
    alerts by severity), a timeline, failure rates and latency percentiles per binding, model loads
    with their hashes, inference per client, the alerts with the events that raised them, and the
    sites seen against the audit plan. One HTML file that needs no network to open.
    -o F           the HTML page (default: mlx-audit-report.html)
    --markdown F   also the verdict and the tables as Markdown (- for stdout)
    --since T      leave out events before T (ISO 8601); the chain is verified whole
    --plan F       the audit plan (mlx-audit plan --json > plan.json): sites never exercised, sites not in it
    --key-file F   an initial seal key (mlx-audit keygen): the seals are checked with it (repeatable)
    --live         the trails are being written (as for detect)
    --config F     the detection rules' options (as for detect)
    Exit 0 written (whatever the trail holds: read the verdict), 2 cannot read or write.`;

export const reportCommand: Command = {
  name: 'report',
  usage: USAGE,
  async run(argv) {
    const parsed = parseCommandArgs(this, {
      args: [...argv],
      allowPositionals: true,
      options: {
        output: { type: 'string', short: 'o', default: 'mlx-audit-report.html' },
        markdown: { type: 'string' },
        since: { type: 'string' },
        plan: { type: 'string' },
        live: { type: 'boolean', default: false },
        config: { type: 'string' },
        'key-file': { type: 'string', multiple: true },
        help: { type: 'boolean', short: 'h' },
      },
    });
    if (typeof parsed === 'number') return parsed;
    const { values, positionals } = parsed;
    if (positionals.length === 0) return usageError(this, 'no trail given: name its files or its directory');
    const rules = await ruleOptionsFrom(values.config);
    if (rules instanceof MonitorConfigError) return usageError(this, rules.message);
    const keys = sealKeysFrom(values['key-file']);
    if (typeof keys === 'string') {
      process.stderr.write(`mlx-audit report: ${keys}\n`);
      return 2;
    }
    // Loaded when a report is made: the other commands do not pay for the charting library.
    const [{ buildReport, ReportInputError }, { renderHtml }, { renderMarkdown }] = await Promise.all([import('../report/build.js'), import('../report/html.js'), import('../report/markdown.js')]);
    let model;
    try {
      model = await buildReport(positionals, { ...(values.since === undefined ? {} : { since: values.since }), ...(values.plan === undefined ? {} : { plan: values.plan }), live: values.live, rules, keys });
    } catch (error) {
      if (!(error instanceof ReportInputError)) throw error;
      process.stderr.write(`mlx-audit report: ${error.message}\n`);
      return 2;
    }
    const html = resolve(values.output);
    try {
      await writeFile(html, renderHtml(model));
      if (values.markdown === '-') process.stdout.write(renderMarkdown(model));
      else if (values.markdown !== undefined) await writeFile(values.markdown, renderMarkdown(model));
    } catch (error) {
      process.stderr.write(`mlx-audit report: cannot write: ${(error as Error).message}\n`);
      return 2;
    }
    process.stderr.write(`mlx-audit report: ${model.verdict.summary}\n`);
    if (values.markdown !== '-') process.stdout.write(`${html}\n`);
    return 0;
  },
};
