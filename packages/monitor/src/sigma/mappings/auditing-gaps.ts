import { DROPPED_ACTION } from '@mlx-audit/runtime';
import { TRAIL_ACTIONS } from '@mlx-audit/runtime/trail';
import { notExpressible, type RuleMapping } from '../mapping.js';

// Auditing gaps in Sigma: the rules about one record (a drop record, a configuration without
// sinks) are single-event detections; the rules about what is missing are not expressible, since
// Sigma matches the events that are there.

const ABSENCE =
  'Sigma matches and counts events that are present; it cannot say that an event never came, and a SIEM reads an unending stream, with no end of the input to say it at.';

export const AUDITING_GAP_MAPPINGS: Readonly<Record<string, RuleMapping>> = {
  'auditing-gap.sequence': notExpressible(
    'high',
    "It compares each event's event.sequence with the highest one before it in the same run (a run named by the lifecycle records, or a process). Sigma matches single events and counts them; it cannot compare a field of one event with a field of an earlier one.",
  ),
  'auditing-gap.dropped': {
    severity: 'medium',
    falsepositives: ['A process under sustained overload writes one drop record per drain of its buffer, and each one is an alert'],
    sigma: () => ({
      detection: { selection: { 'event.action': DROPPED_ACTION }, condition: 'selection' },
      fields: ['process.pid', 'count', 'event.sequence'],
    }),
  },
  'auditing-gap.sinks-off': {
    severity: 'high',
    falsepositives: [
      'A program that turns auditing off on purpose before it ends (configure({ sinks: [] }))',
      'Configuration records whose mlx_audit.sinks field was removed on the way to the SIEM',
    ],
    sigma: () => ({
      detection: { selection: { 'event.action': TRAIL_ACTIONS.configured, 'mlx_audit.sinks|exists': false }, condition: 'selection' },
      fields: ['service.name', 'process.pid', 'mlx_audit.run', 'event.sequence'],
      approximation:
        'Sigma cannot test for an empty list. The SIEMs store an empty list as no value, so the rule matches configuration records with no mlx_audit.sinks value: those with an empty list, and also those whose field was removed by a pipeline or an export, which the monitor does not report.',
    }),
  },
  'auditing-gap.not-stopped': notExpressible('medium', `It fires at the end of the input for each run that has no mlx-audit.stopped record. ${ABSENCE}`),
  'auditing-gap.no-chain': notExpressible(
    'low',
    `It fires at the end of the input when none of its events carries the chain (trail.line and event.hash): a statement about every event of the input. ${ABSENCE}`,
  ),
  'auditing-gap.no-lifecycle': notExpressible(
    'low',
    `It fires at the end of the input when none of its events is a lifecycle record (started, configured, stopped): a statement about every event of the input. ${ABSENCE}`,
  ),
  'auditing-gap.chain': notExpressible(
    'high',
    'Verifying a chain needs the lines in order and their exact bytes (SHA-256 over each line and the hash of the one before it); a SIEM rule matches and counts parsed fields. Run mlx-audit verify (or detect) where the files are, and forward its result.',
  ),
};
