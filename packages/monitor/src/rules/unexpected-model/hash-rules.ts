import type { JsonValue } from '@mlx-audit/runtime';
import { makeAlert, type RuleIdentity, type Severity } from '../../alert.js';
import { ATLAS } from '../../atlas.js';
import { bindingOf } from '../../fields.js';
import type { Rule } from '../../rule.js';
import { ModelHashes, type FileLoad } from './model-hashes.js';
import { MODEL_RECORDS, modelRecord } from './model-record.js';
import { modelRuleSettings, type UnexpectedModelOptions } from './options.js';
import { CATEGORY, evidenceOf, loadFields, loadVerb, shortHash } from './shared.js';

// What a model file's hash says: the same path with another hash than at its last load (a
// swapped file), and a hash new to the path (not allowed, or not seen since its baseline).

const HASH_CHANGED: RuleIdentity = {
  id: 'unexpected-model.hash-changed',
  name: 'A model file changed between two loads',
  description: 'A model file was loaded with a different SHA-256 than at its last load of the same path: the file was replaced or rewritten.',
  category: CATEGORY,
  threat: [ATLAS.backdoorModel],
};

const NEW_HASH: RuleIdentity = {
  id: 'unexpected-model.new-hash',
  name: 'A model file with a hash not seen before',
  description:
    'A model file was loaded with a SHA-256 outside the allowed hashes or, with no list, one its path had not been loaded with since its baseline (the first load of a path is its baseline, never an alert).',
  category: CATEGORY,
  threat: [ATLAS.backdoorModel],
};

/** What a rule says of a file it alerts for: the end of the sentence, and fields of its own. */
interface Finding {
  readonly says: string;
  readonly fields: Readonly<Record<string, JsonValue | undefined>>;
}

/** The files of a hashed load a rule alerts for, and what it says of one. */
interface Verdict {
  readonly files: readonly FileLoad[];
  readonly finding: (file: FileLoad) => Finding;
}

/** A rule over the hashes of loads: one alert a load, naming its first file the verdict is about. */
function hashRule(identity: RuleIdentity, severity: Severity, options: UnexpectedModelOptions, judge: (files: readonly FileLoad[]) => Verdict): Rule {
  const hashes = new ModelHashes(modelRuleSettings(options).maxKeys);
  return {
    ...identity,
    reads: MODEL_RECORDS,
    observe({ event, timestamp, sequence }, emit) {
      const record = modelRecord(event);
      const load = record === undefined ? undefined : hashes.observe(event, record, sequence);
      if (record === undefined || load === undefined) return;
      const verdict = judge(load.files);
      const [first] = verdict.files;
      if (first === undefined) return;
      const { says, fields } = verdict.finding(first);
      const count = verdict.files.length;
      const others = count > 1 ? ` (and ${count - 1} more of its files)` : '';
      emit(
        makeAlert(identity, {
          timestamp,
          severity,
          reason: `${loadVerb(load.link?.binding ?? bindingOf(event), false)} ${first.path ?? 'a model file'} with SHA-256 ${shortHash(first.file.sha256)}${others}, ${says}`,
          evidence: evidenceOf(verdict.files.flatMap((file) => file.evidence)),
          fields: {
            ...loadFields(event, record, load.link),
            'file.path': first.path,
            'file.hash.sha256': first.file.sha256,
            // A load of several files: how many of them the alert is about.
            'mlx_audit.files': record.files.length > 1 ? count : undefined,
            ...fields,
          },
        }),
      );
    },
    state: () => ({ keys: hashes.size, evicted: hashes.evicted }),
  };
}

/** The same path loaded with another hash than at its last load. */
export function hashChangedRule(options: UnexpectedModelOptions = {}): Rule {
  return hashRule(HASH_CHANGED, 'high', options, (files) => ({
    files: files.filter((file) => file.previous !== undefined && file.previous !== file.file.sha256),
    finding: ({ previous = '' }) => ({ says: `where its last load had ${shortHash(previous)}`, fields: { 'mlx_audit.previous.sha256': previous } }),
  }));
}

/** A hash not in `allowedHashes`, or with none, one a path with a baseline was not loaded with before; once a path and hash. */
export function newHashRule(options: UnexpectedModelOptions = {}): Rule {
  const allowed = modelRuleSettings(options).allowedHashes;
  if (allowed !== undefined) {
    const says = `which is not among the ${allowed.size} allowed hashes`;
    return hashRule(NEW_HASH, 'medium', options, (files) => ({
      files: files.filter((file) => !file.known && !allowed.has(file.file.sha256)),
      finding: ({ previous }) => ({ says, fields: { 'mlx_audit.previous.sha256': previous, 'mlx_audit.allowed_hashes': allowed.size } }),
    }));
  }
  return hashRule(NEW_HASH, 'medium', options, (files) => ({
    files: files.filter((file) => !file.known && file.previous !== undefined),
    finding: ({ previous, knownCount }) => ({
      says: `new to this path (${knownCount} ${knownCount === 1 ? 'hash' : 'hashes'} known since its baseline)`,
      fields: { 'mlx_audit.previous.sha256': previous, 'mlx_audit.known_hashes': knownCount },
    }),
  }));
}
