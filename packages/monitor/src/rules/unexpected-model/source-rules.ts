import type { AuditEvent, JsonValue } from '@mlx-audit/runtime';
import { makeAlert, type RuleIdentity } from '../../alert.js';
import { ATLAS } from '../../atlas.js';
import { bindingOf, text } from '../../fields.js';
import { STATELESS, type Rule } from '../../rule.js';
import { LoadLinks } from './load-links.js';
import { MODEL_RECORDS, modelRecord, type ModelRecord, type ModelSource } from './model-record.js';
import { allowedHost, modelRuleSettings, underAllowedPath, type ModelRuleSettings, type UnexpectedModelOptions } from './options.js';
import { CATEGORY, evidenceOf, loadFields, loadVerb } from './shared.js';

// Where a model comes from: a path or host outside the operator's allow-list (or outside the
// runtime's own, which says so in `mlx-audit.model-not-allowed`), and any load from a URL.

const UNLISTED_SOURCE: RuleIdentity = {
  id: 'unexpected-model.unlisted-source',
  name: 'A model loaded from outside the allow-list',
  description:
    'A model load from a path outside the allowed path prefixes or from a host outside the allowed hosts, or a load the runtime’s own allow-list of model hashes did not allow (mlx-audit.model-not-allowed).',
  category: CATEGORY,
  // A model where the vetted ones are not kept is how a planted or tampered model gets served.
  threat: [ATLAS.backdoorModel],
};

const REMOTE_SOURCE: RuleIdentity = {
  id: 'unexpected-model.remote-source',
  name: 'A model loaded from a URL',
  description: 'A model load from a URL rather than a local file, while no allowed hosts are configured to say which hosts are expected.',
  category: CATEGORY,
};

/** Why a load is outside the operator's lists (the part of a sentence after `from`), or undefined when it is not. */
function outsideLists(source: ModelSource | undefined, settings: ModelRuleSettings): string | undefined {
  // A load that names no path or URL (weights passed as arrays) read no file.
  if (source === undefined) return undefined;
  const { allowedPaths, allowedHosts } = settings;
  if (source.remote) {
    if (allowedHosts === undefined) return undefined;
    if (source.domain === undefined) return `${source.shown ?? 'a URL'}, a URL with no host, which no allowed host can vouch for`;
    return allowedHost(source.domain, allowedHosts) ? undefined : `${source.domain}, a host not in the allowed hosts (${plural(allowedHosts.length, 'entry', 'entries')})`;
  }
  if (allowedPaths === undefined) return undefined;
  const { shown } = source;
  if (shown === undefined) return 'a path the trail does not show (paths policy hash), which cannot be checked against the allowed paths';
  if (!shown.startsWith('/')) return `${shown}, a relative path or a file's name alone (paths policy basename), which no allowed path can vouch for`;
  return underAllowedPath(shown, allowedPaths) ? undefined : `${shown}, outside the allowed paths (${plural(allowedPaths.length, 'prefix', 'prefixes')})`;
}

/**
 * A load from a path or host outside the configured lists (off for the kind of source with no
 * list), and every `mlx-audit.model-not-allowed` record of the runtime. One alert a load: the
 * runtime's record of a load this rule already judged by its path is the same load again.
 */
export function unlistedSourceRule(options: UnexpectedModelOptions = {}): Rule {
  const settings = modelRuleSettings(options);
  const listed = settings.allowedPaths !== undefined || settings.allowedHosts !== undefined;
  const links = new LoadLinks(settings.maxKeys);
  return {
    ...UNLISTED_SOURCE,
    reads: MODEL_RECORDS,
    observe({ event, timestamp, sequence }, emit) {
      const record = modelRecord(event);
      if (record === undefined || record.kind === 'hashed') return;
      // Loads are linked with no list too: the runtime's record of one then names its binding.
      const link = links.linkOf(event, record);
      if (link?.judged === true || (record.kind === 'load' && !listed)) return;
      const runtime = record.kind === 'not-allowed';
      const outside = runtime ? undefined : outsideLists(record.source, settings);
      if (!runtime && outside === undefined) return;
      if (link !== undefined) link.judged = true;
      const source = record.source;
      const fields: Record<string, JsonValue | undefined> = {
        ...loadFields(event, record, link),
        'file.path': source?.remote === true ? undefined : source?.shown,
        'file.hash.sha256': record.files[0]?.sha256,
        'url.domain': source?.domain,
        'mlx_audit.url': source?.remote === true ? source.shown : undefined,
        'mlx_audit.allow_list': runtime ? 'runtime' : source?.remote === true ? 'hosts' : 'paths',
        'mlx_audit.refused': runtime ? record.failed : undefined,
        'mlx_audit.runtime.reason': runtime ? text(event, 'event.reason') : undefined,
      };
      const reason = runtime ? runtimeVerdict(event, record) : `${loadVerb(link?.binding ?? bindingOf(event), record.failed)} a model from ${outside ?? ''}`;
      emit(makeAlert(UNLISTED_SOURCE, { timestamp, severity: 'high', reason, evidence: evidenceOf([record.loadSequence, sequence]), fields }));
    },
    state: () => ({ keys: links.size, evicted: links.evicted }),
  };
}

/** The sentence for the runtime's own alert, with its reason as the runtime wrote it (also in `mlx_audit.runtime.reason`). */
function runtimeVerdict(event: AuditEvent, record: ModelRecord): string {
  const said = text(event, 'event.reason');
  const what = record.source?.shown === undefined ? 'a model' : `the model at ${record.source.shown}`;
  const files = record.files.length > 1 ? ` (${record.files.length} files)` : '';
  return `The runtime's allow-list of model hashes ${record.failed ? 'refused' : 'did not allow'} ${what}${files}${said === undefined ? '' : `: ${said}`}`;
}

/** A load from a URL, while no allowed hosts say which are expected (with them, unlisted-source judges URL loads). */
export function remoteSourceRule(options: UnexpectedModelOptions = {}): Rule {
  const { allowedHosts } = modelRuleSettings(options);
  return {
    ...REMOTE_SOURCE,
    reads: MODEL_RECORDS,
    observe({ event, timestamp, sequence }, emit) {
      if (allowedHosts !== undefined) return;
      const record = modelRecord(event);
      const source = record?.source;
      if (record?.kind !== 'load' || source?.remote !== true) return;
      const binding = bindingOf(event);
      const fields = { ...loadFields(event, record, undefined), 'url.domain': source.domain, 'mlx_audit.url': source.shown };
      emit(makeAlert(REMOTE_SOURCE, { timestamp, severity: 'medium', reason: `${loadVerb(binding, record.failed)} a model from ${urlOf(source)}`, evidence: evidenceOf([sequence]), fields }));
    },
    state: () => STATELESS,
  };
}

/** A URL as a sentence names it: as shown, with its host when the shown text lacks it (a file's name alone, or nothing). */
function urlOf({ shown, domain }: ModelSource): string {
  if (domain === undefined) return shown ?? 'a URL';
  if (shown === undefined) return `a URL of ${domain}`;
  return shown.includes(domain) ? shown : `${shown} (host ${domain})`;
}

function plural(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}
