import type { PlannedSite } from './collect.js';

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

/** The plan as a Markdown table, one row per call site. */
export function renderPlanTable(sites: readonly PlannedSite[]): string {
  const lines = [
    '| Location | Binding | Kind | Logged | Function | Arguments (role: what is logged) |',
    '| --- | --- | --- | --- | --- | --- |',
    ...sites.map(
      (site) =>
        `| ${site.file}:${site.line}:${site.column} | \`${site.id}\` | ${site.kind} | ${site.mode === 'event' ? 'every call' : site.mode === 'errors' ? 'errors only' : 'not instrumented'} | ${site.fn ?? '(module)'} | ${argumentsText(site)} |`,
    ),
  ];
  const counts = { event: 0, errors: 0, off: 0 };
  for (const site of sites) counts[site.mode]++;
  lines.push('', `${sites.length} MLX call sites: ${counts.event} log every call, ${counts.errors} log errors only, ${counts.off} are not instrumented.`);
  return lines.join('\n');
}
