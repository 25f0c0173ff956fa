// The edits of the editor re-lint scenario (lint-editor.mjs), and the check of every re-lint's
// findings: the unedited file's findings, moved down a line below the edit, plus exactly the
// findings the edited line must add under each configuration. A re-lint that returned the previous
// text's answer, linted the file as it is on disk, or ran no rule fails this check.
import { MeasurementError } from './measure.mjs';

/** @typedef {import('./lint-findings.mjs').LintConfig} LintConfig */

/** The file the "user" edits: a request handler whose prompt reaches the log helper of another unit. */
export const EDITED_FILE = 'src/u1/handler.ts';

/** The line of the handler the edits go after (`predict`, once the model has answered). */
export const ANCHOR = '    mx.eval(probabilities);\n';

/**
 * An edit: one line inserted after the anchor, and the rules that must report it, by who runs them.
 * @typedef {object} Edit
 * @property {string} name
 * @property {string} line
 * @property {readonly string[]} ours mlx-audit's rules that report the new line
 * @property {readonly string[]} tse typescript-eslint's rules that report the new line
 */

/**
 * Logging a value, four ways: the editor alternates between them, so consecutive lints never see
 * the same text and every configuration's answer changes from one edit to the next.
 * @type {readonly Edit[]}
 */
export const EDITS = [
  { name: 'a clean field', line: "    logInfo('inference finished', { maxLength });", ours: [], tse: [] },
  { name: 'the prompt, through the log helper of another unit', line: "    auditInfo('prompt answered', { prompt });", ours: ['mlx-audit/no-tainted-log'], tse: [] },
  {
    name: 'the model output in a template',
    line: '    logInfo(`probabilities ${probabilities}`);',
    ours: ['mlx-audit/no-tainted-log'],
    tse: ['@typescript-eslint/no-base-to-string', '@typescript-eslint/restrict-template-expressions'],
  },
  { name: 'the model output as a field', line: "    logInfo('probabilities', { probabilities });", ours: ['mlx-audit/no-tainted-log'], tse: [] },
];

/**
 * The handler's text with an edit applied, and the line number (1-based) of the inserted line.
 * @param {string} original
 * @param {Edit} edit
 */
export function applyEdit(original, edit) {
  const at = original.indexOf(ANCHOR);
  if (at < 0 || original.indexOf(ANCHOR, at + 1) >= 0) throw new MeasurementError(`${EDITED_FILE} does not hold the line the edits go after exactly once (did the corpus generator change?)`);
  const end = at + ANCHOR.length;
  return { text: `${original.slice(0, end)}${edit.line}\n${original.slice(end)}`, line: original.slice(0, end).split('\n').length };
}

/**
 * A lint message, as the checks compare them: line and rule (columns and texts vary with the edit).
 * @typedef {{ line: number, ruleId: string | null, fatal?: boolean, message: string }} Message
 */

/** @param {{ line: number, ruleId: string | null }} message */
const key = (message) => `${message.line} ${String(message.ruleId)}`;

/**
 * Checks the unedited file's findings under a configuration: none for the floor, some of
 * mlx-audit's where its preset runs (the handler leaks its prompt), none of them where it does not.
 * @param {LintConfig} config
 * @param {readonly Message[]} messages
 * @param {string} label
 */
export function checkBaseline(config, messages, label) {
  checkMessages(messages, label);
  const ours = messages.filter((message) => message.ruleId?.startsWith('mlx-audit/') === true).length;
  if (config === 'floor' && messages.length > 0) throw new MeasurementError(`${label}: the floor (no rules) reported ${messages.length} findings`);
  if ((config === 'ours' || config === 'both') && ours === 0) throw new MeasurementError(`${label}: mlx-audit's preset found nothing in ${EDITED_FILE}, which leaks its prompt`);
  if ((config === 'floor' || config === 'typescript-eslint') && ours > 0) throw new MeasurementError(`${label}: mlx-audit findings from a configuration without the plugin`);
}

/**
 * Checks a re-lint's findings: the unedited file's (`baseline`, from the same configuration),
 * those below the edit one line down, plus the edit's own findings on its line; nothing else.
 * @param {LintConfig} config
 * @param {readonly Message[]} baseline
 * @param {Edit} edit
 * @param {number} editLine
 * @param {readonly Message[]} messages
 * @param {string} label
 */
export function checkEdited(config, baseline, edit, editLine, messages, label) {
  checkMessages(messages, label);
  const added = [...(config === 'ours' || config === 'both' ? edit.ours : []), ...(config === 'typescript-eslint' || config === 'both' ? edit.tse : [])];
  const expected = [...baseline.map((message) => key({ line: message.line >= editLine ? message.line + 1 : message.line, ruleId: message.ruleId })), ...added.map((ruleId) => key({ line: editLine, ruleId }))].sort();
  const got = messages.map(key).sort();
  if (JSON.stringify(got) !== JSON.stringify(expected)) {
    throw new MeasurementError(`${label}: after the edit "${edit.name}" (line ${editLine}), expected the findings [${expected.join(', ')}], got [${got.join(', ')}]`);
  }
}

/**
 * @param {readonly Message[]} messages
 * @param {string} label
 */
function checkMessages(messages, label) {
  for (const message of messages) {
    if (message.fatal === true || message.ruleId === null) throw new MeasurementError(`${label}: ${EDITED_FILE}:${message.line}: ${message.message}`);
  }
}
