import { INVALID_ACTION, MODEL_HASHED_ACTION, MODEL_NOT_ALLOWED_ACTION } from '@mlx-audit/runtime';
import type { RuleOptions } from '../../index.js';
import { modelRuleSettings } from '../../rules/unexpected-model/options.js';
import type { SigmaPlan } from '../build.js';
import { notExpressible, RUNTIME_RECORDS, type RuleMapping } from '../mapping.js';

// Unexpected models in Sigma. The rules read a load from any of its records (its event, the
// runtime's follow-ups) and normalise paths; Sigma matches one stored event by its fields. What is
// the same is exported as it is; what is close is exported marked as an approximation; what needs
// the history of a path is not exported.

/** A load's own event: an MLX call or an application's event (the monitor reads an invalid action as one too). */
const LOAD_EVENTS = { runtime: RUNTIME_RECORDS, invalid: { 'event.action': INVALID_ACTION } } as const;
const NOT_RUNTIME = 'not (runtime and not invalid)';
const MODEL_LOAD = { 'mlx.kind': 'model-load' } as const;
/** What the monitor takes for a URL: a scheme of two characters or more (one is a Windows drive). */
const URL_LIKE = '^[A-Za-z][A-Za-z0-9+.-]+:';

const MODEL_FIELDS = ['service.name', 'process.pid', 'client.id', 'mlx.binding', 'file.path', 'file.hash.sha256', 'url.domain'];

function settingsOf(options: RuleOptions): ReturnType<typeof modelRuleSettings> {
  return modelRuleSettings(options.unexpectedModel);
}

/** The runtime's own alert for a load its allow-list of hashes did not allow. */
function runtimeRefusals(approximation: string | undefined): SigmaPlan {
  return {
    detection: { selection: { 'event.action': MODEL_NOT_ALLOWED_ACTION, ...MODEL_LOAD }, condition: 'selection' },
    fields: [...MODEL_FIELDS, 'event.reason', 'event.outcome'],
    ...(approximation === undefined ? {} : { approximation }),
  };
}

export const UNEXPECTED_MODEL_MAPPINGS: Readonly<Record<string, RuleMapping>> = {
  'unexpected-model.unlisted-source': {
    severity: 'high',
    falsepositives: ['A new version of a model deployed before its hash was added to the runtime’s allow-list'],
    sigma: (options) => {
      const { allowedPaths, allowedHosts } = settingsOf(options);
      if (allowedPaths === undefined && allowedHosts === undefined) return runtimeRefusals(undefined);
      return runtimeRefusals(
        'Only the runtime’s own mlx-audit.model-not-allowed records: loads outside unexpectedModel.allowedPaths or allowedHosts are not matched, since Sigma cannot normalise a path (/srv/models/../etc/m is outside /srv/models), compare paths case-sensitively, or tell a relative path or a digest from an allowed one as the monitor does. Run the monitor (watch, mlx-audit detect) for those.',
      );
    },
  },
  'unexpected-model.remote-source': {
    severity: 'medium',
    falsepositives: ['A service that downloads its models from a hub by design: list the hosts in unexpectedModel.allowedHosts'],
    sigma: (options) => {
      if (settingsOf(options).allowedHosts !== undefined) {
        return { reason: 'With unexpectedModel.allowedHosts configured the rule is off: unexpected-model.unlisted-source judges loads from URLs instead.' };
      }
      return {
        // The source as the monitor reads it: url.domain, else the path shown (file.path, or the
        // path of an application event's mlx.source) when it is a URL other than file:.
        detection: {
          selection: MODEL_LOAD,
          domain: { 'url.domain|exists': true },
          url_path: { 'file.path|re': URL_LIKE },
          file_url_path: { 'file.path|startswith': 'file:' },
          path: { 'file.path|exists': true },
          url_source: { 'mlx.source.path|re': URL_LIKE },
          file_url_source: { 'mlx.source.path|startswith': 'file:' },
          ...LOAD_EVENTS,
          condition: `selection and ${NOT_RUNTIME} and (domain or (url_path and not file_url_path) or (not path and url_source and not file_url_source))`,
        },
        fields: [...MODEL_FIELDS, 'mlx.source.path'],
      };
    },
  },
  'unexpected-model.new-hash': {
    severity: 'medium',
    falsepositives: ['A model updated on purpose before its hash was added to unexpectedModel.allowedHashes'],
    sigma: (options) => {
      const { allowedHashes } = settingsOf(options);
      if (allowedHashes === undefined) {
        return {
          reason:
            'With no unexpectedModel.allowedHashes, a hash is new when the path was not loaded with it since its first load (its baseline), however long ago: the history of every path. Sigma correlations see only the events of one timespan. With allowedHashes configured, the rule is exported.',
        };
      }
      return {
        detection: {
          selection: { ...MODEL_LOAD, 'file.hash.sha256|exists': true },
          ...(allowedHashes.size > 0 ? { allowed: { 'file.hash.sha256': [...allowedHashes].sort() } } : {}),
          failed: { 'event.outcome': 'failure' },
          ...LOAD_EVENTS,
          hashed: { 'event.action': MODEL_HASHED_ACTION },
          condition: `selection${allowedHashes.size > 0 ? ' and not allowed' : ''} and not failed and (${NOT_RUNTIME} or hashed)`,
        },
        fields: MODEL_FIELDS,
        approximation:
          'It matches file.hash.sha256 only: a load of several files lists their hashes in mlx.files, which Sigma cannot search, so such loads are not matched. It matches every load of a hash that is not allowed, where the monitor alerts once for each path and hash.',
      };
    },
  },
  'unexpected-model.hash-changed': notExpressible(
    'high',
    'It compares the hash of each load with the hash of the last load of the same path, however long ago (the monitor keeps it per path, across processes). Sigma correlations see only the events of one timespan: a value_count of hashes per path misses a swap whose previous load falls before it, as for a service that loads its model once at start. With unexpectedModel.allowedHashes configured, unexpected-model.new-hash is exported and matches a swapped file whose hash is not allowed.',
  ),
  'unexpected-model.frequent-reloads': {
    severity: 'low',
    falsepositives: ['A crash loop that restarts the service, each run loading its model', 'A service that reloads its model on purpose (a hot reload)'],
    sigma: (options) => {
      const { reloadThreshold, reloadWindowMs } = settingsOf(options);
      return {
        detection: {
          selection: { ...MODEL_LOAD, 'file.path|exists': true },
          failed: { 'event.outcome': 'failure' },
          ...LOAD_EVENTS,
          condition: `selection and not failed and ${NOT_RUNTIME}`,
        },
        fields: MODEL_FIELDS,
        correlation: {
          type: 'event_count',
          eventTitle: 'A model load that did not fail',
          groupBy: ['service.name', 'file.path'],
          windowMs: reloadWindowMs,
          windowOption: 'unexpectedModel.reloadWindowMs',
          atLeast: reloadThreshold,
        },
        approximation:
          'It counts loads by file.path as the trail writes it. The monitor also counts loads from a URL given to auditEvent and loads whose path the trail shows only as a keyed digest (paths policy hash), and counts a path written two ways (/models/./m and /models/m) as one.',
      };
    },
  },
};
