import type { TrailProblem } from '@mlx-audit/runtime/trail';
import { makeAlert, type Alert, type RuleIdentity } from '../alert.js';

// A chain that does not verify: the one auditing gap the events cannot show by themselves, since
// a line changed or removed leaves events that look whole. It is read off the verifier's result
// (`verifyTrail` of @mlx-audit/runtime/trail) where the trail's files are at hand: `mlx-audit
// detect` runs it over the files it reads. In the process the runtime writes the chain itself,
// so there is nothing there to verify.

export const CHAIN_RULE: RuleIdentity = {
  id: 'auditing-gap.chain',
  name: 'A trail whose chain does not verify',
  description: 'The hash chain of a trail file is broken: lines were changed, inserted, deleted, reordered or replaced, a file of the trail is missing or cut, or a seal does not verify.',
  category: 'auditing-gap',
};

/** The verifier's problems that say the trail is not what was written. */
const TAMPERED = 'tampered';

/** Lines of one kind of problem in one file kept as the alert's evidence. */
const LINES_KEPT = 10;

/**
 * One alert per file and kind of problem the verifier found that says the trail was tampered
 * with, in the verifier's order; `timestamp` is the input's last. A trail that carries no chain
 * at all raises `auditing-gap.no-chain` instead (its files' `no-chain` problems are left out).
 */
export function chainAlerts(problems: readonly TrailProblem[], timestamp: string): Alert[] {
  const tampered = problems.filter((problem) => problem.class === TAMPERED);
  if (tampered.every((problem) => problem.kind === 'no-chain')) return [];
  const groups = new Map<string, TrailProblem[]>();
  for (const problem of tampered) {
    const key = `${problem.file}\n${problem.kind}`;
    const group = groups.get(key);
    if (group === undefined) groups.set(key, [problem]);
    else group.push(problem);
  }
  return [...groups.values()].map((group) => {
    const [first] = group as [TrailProblem, ...TrailProblem[]];
    const more = group.length > 1 ? ` (and ${group.length - 1} more of this kind)` : '';
    return makeAlert(CHAIN_RULE, {
      timestamp,
      severity: 'high',
      reason: `${first.kind} in ${first.file}${first.line > 0 ? ` at line ${first.line}` : ''}: ${first.message}${more}`,
      evidence: [],
      fields: {
        'log.file.path': first.file,
        'mlx_audit.problem.kind': first.kind,
        'mlx_audit.problem.count': group.length,
        'mlx_audit.trail.lines': group.slice(0, LINES_KEPT).map((problem) => problem.line),
      },
    });
  });
}
