import { ALERT_ACTION, ECS_VERSION, type AuditEvent, type JsonValue } from '@mlx-audit/runtime';

/**
 * `event.severity` is a number in ECS. The scale is the one Elastic's detection rules give their
 * severities as risk scores, so a SIEM ranks these alerts with its own.
 */
export const SEVERITY = { low: 21, medium: 47, high: 73, critical: 99 } as const;
export type Severity = keyof typeof SEVERITY;

/**
 * `mlx-audit.alert`: the runtime reserves actions that start with `mlx-audit.` for itself
 * (`auditEvent` refuses them), so an application cannot write an event that passes for an alert.
 */
export { ALERT_ACTION };

/** An alert: an event of the trail's format, with `event.kind: "alert"` and the rule that raised it. */
export interface Alert {
  /** The `@timestamp` of the event that raised the alert (or, at the end of the input, of the last event it concerns). */
  readonly '@timestamp': string;
  readonly 'ecs.version': string;
  readonly 'log.level': 'warn' | 'error';
  readonly 'event.kind': 'alert';
  readonly 'event.category': readonly string[];
  readonly 'event.type': readonly string[];
  readonly 'event.action': typeof ALERT_ACTION;
  readonly 'event.severity': number;
  readonly 'event.reason': string;
  readonly 'rule.id': string;
  readonly 'rule.name': string;
  readonly 'rule.description': string;
  readonly 'rule.category': string;
  /**
   * The `event.sequence` of the events that raised the alert, oldest first. Not `event.sequence`
   * itself: an alert written into a trail takes its own place in the process's sequence.
   */
  readonly 'mlx_audit.evidence.sequences': readonly number[];
  readonly [field: string]: JsonValue;
}

/** A MITRE ATLAS technique an alert of the rule is evidence of (`threat.*` in ECS). */
export interface AtlasTechnique {
  /** `AML.T0024` */
  readonly id: string;
  /** `Exfiltration via AI Inference API` */
  readonly name: string;
  /** The technique's page: `https://atlas.mitre.org/techniques/AML.T0024`. */
  readonly reference: string;
  readonly tactic: { readonly id: string; readonly name: string };
}

/** What names a rule in its alerts. */
export interface RuleIdentity {
  readonly id: string;
  readonly name: string;
  readonly description: string;
  /** The family: `auditing-gap`, `error-spike`, `unexpected-model`, `latency-shift`, `extraction`, `resources`, `confidence-drift`. */
  readonly category: string;
  /** The ATLAS techniques its alerts are evidence of, where one applies. */
  readonly threat?: readonly AtlasTechnique[];
}

export interface AlertContent {
  readonly timestamp: string;
  readonly severity: Severity;
  readonly reason: string;
  readonly evidence: readonly number[];
  /** The key fields (`mlx.binding`, `process.pid`, `file.path`...) and figures; undefined ones are left out. */
  readonly fields: Readonly<Record<string, JsonValue | undefined>>;
}

export function makeAlert(rule: RuleIdentity, content: AlertContent): Alert {
  const severity = SEVERITY[content.severity];
  const alert: Record<string, JsonValue> = {
    '@timestamp': content.timestamp,
    'ecs.version': ECS_VERSION,
    'log.level': severity >= SEVERITY.high ? 'error' : 'warn',
    'event.kind': 'alert',
    'event.category': ['process'],
    'event.type': ['info'],
    'event.action': ALERT_ACTION,
    'event.severity': severity,
    'event.reason': content.reason,
    'rule.id': rule.id,
    'rule.name': rule.name,
    'rule.description': rule.description,
    'rule.category': rule.category,
  };
  for (const [field, value] of Object.entries(content.fields)) if (value !== undefined) alert[field] = value;
  if (rule.threat !== undefined && rule.threat.length > 0) Object.assign(alert, threatFields(rule.threat));
  alert['mlx_audit.evidence.sequences'] = content.evidence;
  return alert as Alert;
}

/** ECS `threat.*` for ATLAS techniques: ECS's threat fields take arrays where an alert names several. */
function threatFields(techniques: readonly AtlasTechnique[]): Record<string, JsonValue> {
  return {
    'threat.framework': 'MITRE ATLAS',
    'threat.technique.id': techniques.map((technique) => technique.id),
    'threat.technique.name': techniques.map((technique) => technique.name),
    'threat.technique.reference': techniques.map((technique) => technique.reference),
    'threat.tactic.id': [...new Set(techniques.map((technique) => technique.tactic.id))],
    'threat.tactic.name': [...new Set(techniques.map((technique) => technique.tactic.name))],
  };
}

/** The fields that place an event in its process and service, copied onto the alerts it raises. */
export function originOf(event: AuditEvent): Record<string, JsonValue | undefined> {
  return { 'service.name': event['service.name'], 'process.pid': event['process.pid'] };
}
