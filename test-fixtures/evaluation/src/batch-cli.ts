// rule-options: mlx-audit/no-log-injection {"threatModels": ["remote", "local"]}
// A batch command run by a scheduler on a shared host: it completes the prompts of a file named on
// its command line and logs to the host's journal, which other tenants' jobs write to as well. Its
// arguments, environment and input files come from job definitions that other teams edit, so this
// tool opts into the `local` threat model: a line break in any of them forges a journal entry.
//   node dist/batch-cli.js <prompts.txt> [--label name]
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { loadLanguageModel } from './checkpoint.js';
import { complete } from './sampling.js';

const { values, positionals } = parseArgs({ allowPositionals: true, options: { label: { type: 'string', default: 'batch' } } });
const [promptFile = 'prompts.txt'] = positionals;
const label = values.label ?? 'batch';
const owner = process.env.JOB_OWNER ?? 'unknown';

console.error(`job ${label} started by ${owner}`); // expect: no-log-injection -- argv and environment are untrusted under the local threat model
console.error('job %s reads %s', JSON.stringify(label), JSON.stringify(promptFile)); // ok: no-log-injection -- JSON.stringify escapes line breaks
console.error('job started', { label, owner }); // ok: no-log-injection -- structured fields
console.error(`job arguments: ${process.argv.length}`); // ok: no-log-injection -- a count

const { model, tokenizer } = loadLanguageModel(process.env.MODEL_DIR ?? 'models/batch');
const prompts = readFileSync(promptFile, 'utf8').split('\n').filter((line) => line.length > 0);
console.error(`${prompts.length} prompts from ${promptFile.replace(/[\r\n]+/g, ' ')}`); // ok: no-log-injection -- line breaks removed from the path
let done = 0;
for (const prompt of prompts) {
  const completion = complete(model, tokenizer, prompt, { maxTokens: 40, temperature: 0 });
  done++;
  console.error(`prompt ${done}: ${prompt}`); // expect: no-log-injection -- a line of the input file in the message; expect: no-tainted-log -- the prompt
  process.stdout.write(`${JSON.stringify({ prompt, completion })}\n`); // ok: no-tainted-log -- stdout is the command's output; ok: no-log-injection -- JSON.stringify escapes both
}
console.error(`job ${JSON.stringify(label)} done: ${done} completions`); // ok: no-log-injection -- escaped label and a count
