import { chainBadge, SEVERITIES, severityBadge } from './html-badges.js';
import { codeText, html, type Html } from './html-escape.js';
import { formatCount, plural } from './html-format.js';
import { facts, omittedNote, section } from './html-table.js';
import type { ChainProblem, ReportModel, Verdict } from './model.js';

// The top of the page: what a reviewer reads first. Whether the chain holds (and the first places
// it breaks, by file and line), the seals, the gaps, the alerts by severity.

/** Problems listed before the rest fold into a disclosure. */
const PROBLEMS_SHOWN = 10;

const SEALING: Readonly<Record<Verdict['sealing'], string>> = {
  verified: 'every seal verified with the key',
  unverified: 'sealed, but no --key-file was given: seals not checked',
  unsealed: 'not sealed',
};

export function verdictSection(model: ReportModel): Html {
  const { verdict } = model;
  const problems = verdict.problems.length + verdict.problemsOmitted;
  const alerts = SEVERITIES.reduce((sum, severity) => sum + verdict.alertsBySeverity[severity], 0);
  const severityCounts =
    alerts === 0
      ? 'none'
      : html`<ul class="inline-list">${SEVERITIES.filter((severity) => verdict.alertsBySeverity[severity] > 0).map(
          (severity) => html`<li><a href="#alerts">${severityBadge(severity, `${formatCount(verdict.alertsBySeverity[severity])} ${severity}`)}</a></li>`,
        )}</ul>`;
  const content = html`<div class="verdict verdict-${verdict.chain}">
<p class="summary">${chainBadge(verdict.chain)} <span>${verdict.summary}</span></p>
${facts([
  ['Hash chain', `${verdict.chain} — ${plural(verdict.lines, 'line')} verified, ${problems === 0 ? 'no problem' : plural(problems, 'problem')}`],
  ['Seals', SEALING[verdict.sealing]],
  ['Auditing gaps', verdict.gaps === 0 ? 'none' : html`<a href="#alerts">${plural(verdict.gaps, 'gap')}</a>`],
  ['Alerts', severityCounts],
])}
${problemList(verdict)}
</div>`;
  return section('verdict', 'Verdict', content);
}

function problemList(verdict: Verdict): Html | null {
  if (verdict.problems.length === 0) return null;
  const first = verdict.problems.slice(0, PROBLEMS_SHOWN);
  const rest = verdict.problems.slice(PROBLEMS_SHOWN);
  return html`<h3>Where the chain breaks</h3>
<ol class="problems">${first.map(problemItem)}</ol>
${rest.length > 0 ? html`<details><summary>${plural(rest.length, 'more problem')}</summary><ol class="problems" start="${PROBLEMS_SHOWN + 1}">${rest.map(problemItem)}</ol></details>` : null}
${omittedNote(verdict.problemsOmitted, 'problems')}`;
}

/** `modified (tampered) in /var/log/app/audit.jsonl, line 3: the line's hash does not match`. */
function problemItem(problem: ChainProblem): Html {
  const where = problem.line > 0 ? `line ${problem.line}` : 'the whole file';
  return html`<li><strong>${problem.kind}</strong> <span class="problem-${problem.class}">(${problem.class})</span> in ${codeText(problem.file)}, ${where}: ${problem.detail}</li>`;
}
