import type { RuleIdentity, Severity } from '../alert.js';
import { atlasTag, sigmaFileName, sigmaId, timespan, type SigmaDocument, type SigmaValue } from './document.js';

// A rule's Sigma plan (what to match, what to count) made into the documents of its file: the
// detection rule, and the correlation over it where the rule counts. Sigma lets only the outermost
// rule of a correlation carry the meta data (status, level, date...), so the detection rule under a
// correlation has a title, an id, a name and its search, nothing more.

/** The docs page of a rule, by its address: a SIEM shows it beside the alert. */
export function docsPage(ruleId: string): string {
  return `https://github.com/mlx-audit/mlx-audit/blob/main/rules-docs/detections/${ruleId}.md`;
}

/** The date of the export's rules (Sigma's `date`: when the rule was written, not when exported). */
export const SIGMA_DATE = '2026-12-02';
export const SIGMA_AUTHOR = 'mlx-audit';

/** Where the events come from: the trail as the runtime writes it, fields named as in the trail. */
export const LOGSOURCE = {
  product: 'mlx-audit',
  category: 'application',
  definition: 'The audit trail of @mlx-audit/runtime (JSON lines with ECS field names such as event.action, mlx.kind, service.name), ingested with its fields named as they are in the trail.',
} as const;

/** What Sigma says of a rule for given options: the events it matches, and what it counts of them. */
export interface SigmaPlan {
  /** Search identifiers and the `condition` over them: the events, each one of which the rule is about. */
  readonly detection: Readonly<Record<string, SigmaValue>>;
  /** Fields of the matched events an analyst wants to see. */
  readonly fields: readonly string[];
  /** Set for a rule that counts events of a key within a window. */
  readonly correlation?: CorrelationPlan;
  /** Set when the Sigma rule only approximates the monitor's: how it differs, in a sentence or two. */
  readonly approximation?: string;
}

export interface CorrelationPlan {
  readonly type: 'event_count' | 'value_count';
  /** The title of the detection rule under the correlation: one event it counts ("A failed model load"). */
  readonly eventTitle: string;
  readonly groupBy: readonly string[];
  readonly windowMs: number;
  /** The option that sets the window, named in the reason when Sigma cannot write it. */
  readonly windowOption: string;
  /** The count (of events, or of distinct values of `field`) at which the rule fires. */
  readonly atLeast: number;
  /** For `value_count`: the field whose distinct values are counted. */
  readonly field?: string;
}

/** Why a rule has no Sigma rule, for these options or any. */
export interface NotExpressible {
  readonly reason: string;
}

/** A rule's Sigma file: its name and documents, outermost first. */
export interface SigmaFile {
  readonly file: string;
  readonly documents: readonly SigmaDocument[];
  /** How the Sigma rule differs from the monitor's, when it only approximates it. */
  readonly approximation: string | undefined;
}

export interface RuleMeta {
  readonly identity: RuleIdentity;
  readonly severity: Severity;
  readonly falsepositives: readonly string[];
}

/** The documents of one rule's file, or why its plan cannot be written (a window Sigma has no unit for). */
export function sigmaFile(meta: RuleMeta, plan: SigmaPlan): SigmaFile | NotExpressible {
  const { identity } = meta;
  const { correlation } = plan;
  if (correlation === undefined) {
    const rule = { ...head(meta, plan), logsource: LOGSOURCE, detection: plan.detection, ...tail(meta, plan) };
    return { file: sigmaFileName(identity.id, false), documents: [rule], approximation: plan.approximation };
  }
  const span = timespan(correlation.windowMs);
  if (span === undefined) {
    return { reason: `${correlation.windowOption} (${correlation.windowMs} ms) is not a whole number of seconds, the smallest unit of a Sigma timespan.` };
  }
  const name = eventRuleName(identity.id);
  const condition = correlation.field === undefined ? { gte: correlation.atLeast } : { field: correlation.field, gte: correlation.atLeast };
  const outer = {
    ...head(meta, plan),
    correlation: { type: correlation.type, rules: [name], 'group-by': correlation.groupBy, timespan: span, condition },
    ...tail(meta, plan),
  };
  const events = { title: correlation.eventTitle, id: sigmaId(`${identity.id}/event`), name, logsource: LOGSOURCE, detection: plan.detection };
  return { file: sigmaFileName(identity.id, true), documents: [outer, events], approximation: plan.approximation };
}

/** The `name` of the detection rule a correlation refers to. */
export function eventRuleName(ruleId: string): string {
  return `mlx_audit_${ruleId.replace(/[^a-z0-9]+/g, '_')}_event`;
}

function head(meta: RuleMeta, plan: SigmaPlan): Record<string, SigmaValue> {
  const { identity } = meta;
  const description = plan.approximation === undefined ? identity.description : `${identity.description} APPROXIMATION of the mlx-audit rule ${identity.id}: ${plan.approximation}`;
  const tags = (identity.threat ?? []).map(atlasTag);
  return {
    title: identity.name,
    id: sigmaId(identity.id),
    status: 'experimental',
    description,
    references: [docsPage(identity.id)],
    author: SIGMA_AUTHOR,
    date: SIGMA_DATE,
    ...(tags.length > 0 ? { tags: [...new Set(tags)] } : {}),
  };
}

function tail(meta: RuleMeta, plan: SigmaPlan): Record<string, SigmaValue> {
  return { fields: plan.fields, falsepositives: meta.falsepositives, level: meta.severity };
}
