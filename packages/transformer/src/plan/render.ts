import type { Plan, PlannedSite } from './collect.js';

/** How the runtime summarises an argument of each role (by construction, never its contents). */
export const REDACTION_BY_ROLE: Readonly<Record<string, string>> = {
  tensor: 'shape, dtype, size, nbytes',
  weights: 'count and first names',
  'path-or-weights': 'path as configured, or count and first names',
  path: 'as given (MLX_AUDIT_PATHS=basename|hash to reduce)',
  text: 'length; keyed HMAC if MLX_AUDIT_HMAC_KEY is set',
  shape: 'value',
  axis: 'value',
  dtype: 'value',
  stream: 'value',
  option: 'value',
  callback: 'function name',
  module: 'class name',
  other: 'type and sorted key names',
  spread: 'per element, by type',
};

function argumentsText(site: PlannedSite): string {
  if (site.args.length === 0) return '—';
  return site.args.map((role, index) => `#${index + 1} ${role}: ${REDACTION_BY_ROLE[role] ?? 'type only'}`).join('; ');
}

function logged(site: PlannedSite): string {
  if (site.why !== undefined) return `left as written: ${site.why}`;
  return site.mode === 'event' ? 'every call' : 'errors only';
}

/** The plan as a Markdown table, one row per call site, then the counts of `--json`. */
export function renderPlanTable(plan: Plan): string {
  const { sites } = plan;
  const lines = [
    '| Location | Binding | Kind | Logged | Function | Arguments (role: what is logged) |',
    '| --- | --- | --- | --- | --- | --- |',
    ...sites.map((site) => `| ${site.file}:${site.line}:${site.column} | \`${site.id}\` | ${site.phase === undefined ? site.kind : `${site.kind} (${site.phase})`} | ${logged(site)} | ${site.fn ?? '(module)'} | ${argumentsText(site)} |`),
  ];
  const event = sites.filter((site) => site.instrumented && site.mode === 'event').length;
  const errors = sites.filter((site) => site.instrumented && site.mode === 'errors').length;
  lines.push(
    '',
    `${plan.found} MLX call sites found: ${plan.instrumented} instrumented (${event} log every call, ${errors} log errors only), ${plan.leftAsWritten.length} left as written.`,
  );
  if (plan.trainingScopes.length > 0) {
    const count = plan.trainingScopes.length === 1 ? '1 call runs' : `${plan.trainingScopes.length} calls run`;
    lines.push(
      '',
      `${count} a function a gradient transform returned, as a training scope: the forward passes it runs, in any file, are labelled training:`,
      ...plan.trainingScopes.map((scope) => `- ${scope.file}:${scope.line}:${scope.column} \`${scope.callee}(…)\` in ${scope.fn ?? '(module)'}`),
    );
  }
  if (plan.problems.length > 0) {
    const count = plan.problems.length === 1 ? '1 configured entry matches' : `${plan.problems.length} configured entries match`;
    lines.push('', `${count} nothing:`, ...plan.problems.map((problem) => `- ${problem.message}`));
  }
  return lines.join('\n');
}
