import { makeAlert, type RuleIdentity } from '../../alert.js';
import { bindingOf, text } from '../../fields.js';
import { KeyedState } from '../../keyed-state.js';
import type { Rule } from '../../rule.js';
import { MODEL_RECORDS, modelRecord } from './model-record.js';
import { modelRuleSettings, type UnexpectedModelOptions } from './options.js';
import { CATEGORY, evidenceOf, loadFields, MINUTE } from './shared.js';

// One model loaded again and again: a crash loop that restarts the service (each run loads its
// model), a hot-reload gone wrong, or someone cycling files under a path. Counted per service and
// path across processes; the runtime's follow-up records of a load are not loads.

const FREQUENT_RELOADS: RuleIdentity = {
  id: 'unexpected-model.frequent-reloads',
  name: 'One model loaded many times in a short window',
  description: 'The same model path (or URL) of one service was loaded successfully at least the threshold number of times within the window.',
  category: CATEGORY,
};

interface Reloads {
  /** The times and sequences of the newest `threshold` loads, oldest first. */
  readonly times: number[];
  readonly sequences: (number | undefined)[];
  firing: boolean;
}

/** `reloadThreshold` successful loads of one path within `reloadWindowMs`; one alert an episode. */
export function frequentReloadsRule(options: UnexpectedModelOptions = {}): Rule {
  const { reloadThreshold: threshold, reloadWindowMs: windowMs, maxKeys } = modelRuleSettings(options);
  const paths = new KeyedState<string, Reloads>(maxKeys);
  return {
    ...FREQUENT_RELOADS,
    reads: MODEL_RECORDS,
    observe({ event, time, timestamp, sequence }, emit) {
      const record = modelRecord(event);
      const source = record?.source;
      if (record?.kind !== 'load' || record.failed || source?.key === undefined || time === undefined) return;
      const state = paths.obtain(`${text(event, 'service.name') ?? ''}\n${source.key}`, () => ({ times: [], sequences: [], firing: false }));
      state.times.push(time);
      state.sequences.push(sequence);
      if (state.times.length > threshold) {
        state.times.shift();
        state.sequences.shift();
      }
      const first = state.times.findIndex((at) => time - at < windowMs);
      const loads = first < 0 ? 0 : state.times.length - first;
      const over = loads >= threshold;
      // One alert an episode: re-armed by a load that finds fewer than `threshold` in its window.
      if (over && !state.firing) {
        const where = source.shown ?? source.domain ?? 'a model whose path the trail does not show';
        emit(
          makeAlert(FREQUENT_RELOADS, {
            timestamp,
            severity: 'low',
            reason: `${bindingOf(event) ?? 'a model load'} loaded ${where} ${loads} times within ${duration(windowMs)}`,
            evidence: evidenceOf(state.sequences.slice(first)),
            fields: {
              ...loadFields(event, record, undefined),
              'file.path': source.remote ? undefined : source.shown,
              'url.domain': source.domain,
              'mlx_audit.url': source.remote ? source.shown : undefined,
              'mlx_audit.loads': loads,
            },
          }),
        );
      }
      state.firing = over;
    },
    state: () => ({ keys: paths.size, evicted: paths.evicted }),
  };
}

function duration(ms: number): string {
  return ms % MINUTE === 0 ? `${ms / MINUTE} min` : `${ms / 1000} s`;
}
