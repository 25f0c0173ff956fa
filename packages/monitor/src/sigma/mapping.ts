import type { Severity } from '../alert.js';
import type { RuleOptions } from '../index.js';
import type { NotExpressible, SigmaPlan } from './build.js';

/** What the export knows of one rule of the monitor: its severity, and its Sigma rule or why there is none. */
export interface RuleMapping {
  /** The severity of the rule's alerts (Sigma's `level`); the docs test checks it against the rule's example alert. */
  readonly severity: Severity;
  /** Known false positives of the Sigma rule, short (Sigma's `falsepositives`). */
  readonly falsepositives: readonly string[];
  /** The Sigma plan for these options (the same object `defaultRules(options)` takes), or why there is none. */
  sigma(options: RuleOptions): SigmaPlan | NotExpressible;
}

/** A rule Sigma cannot express whatever its options. */
export function notExpressible(severity: Severity, reason: string): RuleMapping {
  return { severity, falsepositives: [], sigma: () => ({ reason }) };
}

/** Matches what the runtime writes itself: the application cannot write these actions (`auditEvent` refuses them). */
export const RUNTIME_RECORDS = { 'event.action|startswith': 'mlx-audit.' } as const;

/** `selection` and not `filter`: the plain condition most rules need. */
export const SELECTION_NOT_FILTER = 'selection and not filter';
