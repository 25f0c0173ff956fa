import type { AuditEvent } from '@mlx-audit/runtime';
import { expect } from 'vitest';
import { Monitor, SEVERITY, type Alert, type Rule, type RuleOptions } from '../../src/index.js';
import { RULE_MAPPINGS, sigmaExport, type RuleExport, type SigmaDocument } from '../../src/sigma/index.js';

// What the Sigma tests share: the export's rules by id, and the monitor's rules run over the
// events an exported rule is tested with.

/** The rules of a listing that are exported, typed as such. */
export function exported(listing: readonly RuleExport[]): Extract<RuleExport, { exported: true }>[] {
  return listing.filter((rule): rule is Extract<RuleExport, { exported: true }> => rule.exported);
}

/** A rule of a listing by id; throws when it is not listed. */
export function find(listing: readonly RuleExport[], id: string): RuleExport {
  const rule = listing.find((candidate) => candidate.id === id);
  if (rule === undefined) throw new Error(`${id} is not listed`);
  return rule;
}

/** The Sigma documents of a rule for the options; throws, with the reason, when it is not exported. */
export function sigmaOf(id: string, options: RuleOptions = {}): readonly SigmaDocument[] {
  const rule = find(sigmaExport(options), id);
  if (!rule.exported) throw new Error(`${id} is not exported: ${rule.reason}`);
  return rule.sigma.documents;
}

/** A copy of an object without one of its keys. */
export function without<T extends Readonly<Record<string, unknown>>>(object: T, key: string): T {
  return Object.fromEntries(Object.entries(object).filter(([name]) => name !== key)) as T;
}

/** The alerts of one rule over the events, the end of the input included. */
export function alertsOf(rule: Rule, events: readonly AuditEvent[]): Alert[] {
  const monitor = new Monitor([rule]);
  return [...monitor.pushAll(events), ...monitor.end()];
}

/** Whether the monitor's rule alerts for the event on its own, event by event (a fresh rule for each). */
export function judged(rule: () => Rule, events: readonly AuditEvent[]): boolean[] {
  return events.map((event) => alertsOf(rule(), [event]).length > 0);
}

/**
 * A correlation's count and window mean the rule's: `threshold` events the detection matches
 * within the window raise one alert (of the mapping's severity); one fewer, or the same number
 * spread wider than the window, none.
 */
export function expectCountsLike(rule: () => Rule, event: (at: number) => AuditEvent, threshold: number, windowMs: number, id: string): void {
  const spaced = (count: number, spacing: number): AuditEvent[] => Array.from({ length: count }, (_unused, index) => event(index * spacing));
  const spacing = Math.floor((windowMs - 1000) / (threshold - 1));
  const fired = alertsOf(rule(), spaced(threshold, spacing));
  expect(fired).toHaveLength(1);
  expect(fired[0]?.['event.severity']).toBe(SEVERITY[RULE_MAPPINGS[id]?.severity ?? 'low']);
  expect(alertsOf(rule(), spaced(threshold - 1, spacing))).toEqual([]);
  expect(alertsOf(rule(), spaced(threshold, Math.ceil(windowMs / (threshold - 1)) + 1000))).toEqual([]);
}
