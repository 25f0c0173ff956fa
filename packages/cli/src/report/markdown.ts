import type { Capped, ReportModel } from './model.js';

// The report as Markdown, for a pull request or a ticket: the verdict and the tables, no charts.
// Every string from the trail is written as code or escaped, so a crafted file path or reason
// cannot close a table cell, start a link or ping someone.

export function renderMarkdown(model: ReportModel): string {
  const { verdict, input } = model;
  const out: string[] = [];
  out.push(`# mlx-audit report`, '');
  out.push(`**${CHAIN_WORDS[verdict.chain]}** — ${text(verdict.summary)}`, '');
  out.push(
    table(
      ['', ''],
      [
        ['Chain', `${CHAIN_WORDS[verdict.chain]} (${verdict.lines} lines)`],
        ['Seals', SEALING_WORDS[verdict.sealing]],
        ['Auditing gaps', String(verdict.gaps)],
        ['Alerts', (['critical', 'high', 'medium', 'low'] as const).map((word) => `${verdict.alertsBySeverity[word]} ${word}`).join(', ')],
        ['Events', `${input.events}${input.first === undefined ? '' : ` from ${code(input.first)} to ${code(input.last ?? input.first)}`}`],
        ['Files', input.files.map(code).join(', ')],
      ],
    ),
  );
  if (verdict.problems.length > 0) {
    out.push('## Chain problems', '');
    out.push(table(['Class', 'Kind', 'File', 'Line', 'Detail'], verdict.problems.map((problem) => [problem.class, code(problem.kind), code(problem.file), String(problem.line), text(problem.detail)])));
    if (verdict.problemsOmitted > 0) out.push(`…and ${verdict.problemsOmitted} more.`, '');
  }

  listSection(out, '## Alerts', 'No alert.', model.alerts, 'alerts', ['Time', 'Severity', 'Rule', 'Reason', 'Fields', 'Evidence'], (alert) => [
    code(alert.time),
    alert.severity,
    code(alert.rule),
    text(alert.reason),
    Object.entries(alert.fields).map(([field, value]) => `${code(field)}=${code(value)}`).join(' '),
    [...alert.evidence.map(code), ...alert.evidenceUnresolved.map((sequence) => `#${sequence}`)].join(' '),
  ]);
  listSection(out, '## Calls per binding', 'No MLX call in the trail.', { rows: model.bindings, omitted: 0 }, 'bindings', ['Binding', 'Kind', 'Calls', 'Failures', 'Failure rate', 'p50 ms', 'p95 ms', 'p99 ms'], (binding) => [
    code(binding.binding),
    binding.kind === undefined ? '' : code(binding.kind),
    String(binding.calls),
    String(binding.failures),
    binding.calls === 0 ? '' : `${((100 * binding.failures) / binding.calls).toFixed(2)} %`,
    String(binding.latency?.p50 ?? ''),
    String(binding.latency?.p95 ?? ''),
    String(binding.latency?.p99 ?? ''),
  ]);
  listSection(out, '## Model loads', 'No model load in the trail.', model.loads, 'loads', ['Time', 'Binding', 'Source', 'SHA-256', 'Allowed', 'Outcome'], (load) => [
    code(load.time),
    code(load.binding),
    load.source === null ? '' : code(load.source),
    load.sha256 === null ? '' : code(load.sha256),
    ALLOWED_WORDS[load.allowed],
    load.outcome,
  ]);

  const { clients } = model;
  out.push('## Inference per client', '');
  out.push(`${clients.inferenceWithClient} inference calls with a client id (${clients.exact ? '' : 'at least '}${clients.distinct} clients), ${clients.inferenceWithoutClient} without.`, '');
  if (clients.top.length > 0) {
    out.push(
      table(
        ['Client', 'Calls', 'Extraction alerts', 'Rules'],
        clients.top.map((client) => [code(client.id), client.error === 0 ? String(client.calls) : `${client.calls}–${client.calls + client.error}`, String(client.extractionAlerts), client.extractionRules.map(code).join(' ')]),
      ),
    );
  }

  if (model.plan !== undefined) {
    const { plan } = model;
    out.push('## Sites against the audit plan', '');
    out.push(`${plan.exercised} of the ${plan.planned} planned sites were exercised (plan ${code(plan.plan)}).`, '');
    for (const [title, list] of [
      ['### Planned, never exercised', plan.neverExercised],
      ['### Seen, not in the plan', plan.notInPlan],
    ] as const) {
      listSection(out, title, 'None.', list, 'sites', ['Site', 'Binding', 'Events'], (site) => [code(`${site.file}:${site.line}:${site.column}`), code(site.binding), String(site.events)]);
    }
  }

  if (input.malformed > 0 || input.skipped.length > 0 || input.since !== undefined) {
    out.push('## Input', '');
    if (input.since !== undefined) out.push(`- Since ${code(input.since)}: ${input.beforeSince} earlier events left out.`);
    if (input.malformed > 0) out.push(`- ${input.malformed} lines that are not a JSON object skipped (the first at ${code(input.firstMalformed ?? '')}).`);
    for (const skipped of input.skipped) out.push(`- Skipped ${code(skipped.file)}: ${text(skipped.reason)}`);
    out.push('');
  }
  out.push(`Made by mlx-audit ${model.version} on ${model.generated}.`, '');
  return out.join('\n');
}

const CHAIN_WORDS: Readonly<Record<ReportModel['verdict']['chain'], string>> = {
  intact: 'Intact',
  tampered: 'Tampered',
  incomplete: 'Incomplete',
  unverifiable: 'Unverifiable',
};

const SEALING_WORDS: Readonly<Record<ReportModel['verdict']['sealing'], string>> = {
  verified: 'verified',
  unverified: 'present, not checked (no --key-file given)',
  unsealed: 'none',
};

const ALLOWED_WORDS: Readonly<Record<ReportModel['loads']['rows'][number]['allowed'], string>> = {
  allowed: 'allowed',
  'not-allowed': '**not allowed**',
  refused: '**refused**',
  'no-allow-list': 'no allow-list',
  unknown: 'unknown',
};

function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const line = (cells: readonly string[]) => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line), ''].join('\n');
}

/** A heading, then the list as a table (and how many it left out), or what is said when it is empty. */
function listSection<T>(out: string[], heading: string, empty: string, list: Capped<T>, noun: string, header: readonly string[], row: (item: T) => readonly string[]): void {
  out.push(heading, '');
  if (list.rows.length === 0) {
    out.push(empty, '');
    return;
  }
  out.push(table(header, list.rows.map(row)));
  if (list.omitted > 0) out.push(`…and ${list.omitted} more ${noun} (not listed).`, '');
}

/** A string of the trail as inline code: backticks, pipes and line ends cannot break out of it. */
function code(value: string): string {
  const flat = flatten(value).replaceAll('|', '\\|');
  const longest = Math.max(0, ...[...flat.matchAll(/`+/g)].map((match) => match[0].length));
  const fence = '`'.repeat(longest + 1);
  return flat.includes('`') ? `${fence} ${flat} ${fence}` : `${fence}${flat}${fence}`;
}

/** A string of the trail as text: Markdown's punctuation escaped, HTML's too, one line. */
function text(value: string): string {
  return flatten(value).replace(/[\\`*_{}[\]()#+\-.!|<>&~@:]/g, (character) => (character === '<' ? '&lt;' : character === '>' ? '&gt;' : character === '&' ? '&amp;' : `\\${character}`));
}

/** One line, no control character: a trail string must not start a new row or a new block. */
function flatten(value: string): string {
  // eslint-disable-next-line no-control-regex
  return value.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, ' ');
}
