import type { TrailVerification } from '@mlx-audit/runtime/trail';
import { alertsText, plural } from '../words.js';
import { REPORT_LIMITS, type ChainProblem, type SeverityWord, type Verdict } from './model.js';

// The verdict a reviewer reads first: the chain's state, named by the worst class of problem the
// verifier found, the auditing gaps and the alerts by severity, and one sentence saying what holds
// or where the trail first breaks (a file and a line to open).

const CLASS_ORDER = ['tampered', 'incomplete', 'unverifiable'] as const;

export function verdictOf(verification: TrailVerification, gaps: number, alertsBySeverity: Readonly<Record<SeverityWord, number>>): Verdict {
  const problems: ChainProblem[] = verification.problems.slice(0, REPORT_LIMITS.problems).map((problem) => ({
    kind: problem.kind,
    class: problem.class,
    file: problem.file,
    line: problem.line,
    detail: problem.message,
  }));
  const problemsOmitted = verification.problemsOmitted + Math.max(0, verification.problems.length - REPORT_LIMITS.problems);
  const chain = CLASS_ORDER.find((kind) => problems.some((problem) => problem.class === kind)) ?? (problemsOmitted > 0 ? 'tampered' : 'intact');
  return {
    chain,
    sealing: verification.sealing,
    lines: verification.lines,
    problems,
    problemsOmitted,
    gaps,
    alertsBySeverity,
    summary: summaryOf(chain, problems, problemsOmitted, verification, gaps, alertsBySeverity),
  };
}

function summaryOf(
  chain: Verdict['chain'],
  problems: readonly ChainProblem[],
  omitted: number,
  verification: TrailVerification,
  gaps: number,
  alerts: Readonly<Record<SeverityWord, number>>,
): string {
  const alertText = alertsText(Object.entries(alerts));
  const gapText = gaps === 0 ? 'no auditing gap' : plural(gaps, 'auditing gap');
  if (chain === 'intact') {
    const sealing = verification.sealing === 'verified' ? ', its seals verified' : verification.sealing === 'unverified' ? ', sealed (seals not checked: no --key-file given)' : '';
    return `The chain verified over ${verification.lines} lines in ${plural(verification.files.length, 'file')}${sealing}; ${gapText}; ${alertText}.`;
  }
  const first = problems.find((problem) => problem.class === chain);
  const more = problems.length + omitted - 1;
  const where = first === undefined ? '' : `: ${first.kind} in ${first.file}${first.line > 0 ? ` at line ${first.line}` : ''} (${first.detail})`;
  const opening =
    chain === 'tampered'
      ? 'The trail is not what was written'
      : chain === 'incomplete'
        ? 'The chain holds but the trail is incomplete'
        : 'The trail could not be verified';
  return `${opening}${where}${more > 0 ? `, and ${plural(more, 'more problem')}` : ''}; ${gapText}; ${alertText}.`;
}
