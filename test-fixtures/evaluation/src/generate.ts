// A text-generation command-line tool: the prompt is taken from the command line, the completion
// is written to stdout (the tool's output), progress and timings go to stderr.
//   node dist/generate.js [--model dir] [--max-tokens n] [--temperature t] [--verbose] <prompt...>
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { loadLanguageModel } from './checkpoint.js';
import { complete, completeLater, streamCompletion } from './sampling.js';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    model: { type: 'string', default: 'models/tiny' },
    'max-tokens': { type: 'string', default: '120' },
    temperature: { type: 'string', default: '0' },
    out: { type: 'string' },
    verbose: { type: 'boolean', default: false },
  },
});

const prompt = positionals.join(' ');
const maxTokens = Number(values['max-tokens']);
const temperature = Number(values.temperature);
if (prompt === '' || !Number.isInteger(maxTokens)) {
  console.error(`usage: generate [--model dir] [--max-tokens n] <prompt> (got --max-tokens ${values['max-tokens']})`); // ok: no-log-injection -- an argv option in a CLI's own message (local, opt-in)
  process.exit(64);
}

console.error(`model ${values.model}, ${maxTokens} tokens at temperature ${temperature}`); // ok: no-log-injection -- argv options
console.error('prompt of %d characters', prompt.length); // ok: no-tainted-log -- a length; ok: no-log-injection -- a number
if (values.verbose) console.error(`prompt: ${prompt}`); // expect: no-tainted-log -- the prompt is a model input; ok: no-log-injection -- argv is local input
const { model, tokenizer } = loadLanguageModel(values.model);

const started = performance.now();
let generated = 0;
process.stdout.write(prompt); // ok: no-tainted-log -- the tool echoes the prompt as part of its output
for (const character of streamCompletion(model, tokenizer, prompt, { maxTokens, temperature })) {
  process.stdout.write(character); // ok: no-tainted-log -- the completion is the tool's output
  generated++;
}
process.stdout.write('\n');
const seconds = (performance.now() - started) / 1000;
console.error(`${generated} tokens in ${seconds.toFixed(2)} s (${(generated / seconds).toFixed(1)} tokens/s)`); // ok: no-tainted-log -- counts and timings

if (values.out !== undefined) {
  const completion = complete(model, tokenizer, prompt, { maxTokens, temperature });
  writeFileSync(values.out, `${JSON.stringify({ prompt, completion })}\n`);
  console.error(`wrote the completion to ${values.out}`); // ok: no-log-injection -- argv; ok: no-tainted-log -- the path, not the completion
  if (values.verbose) console.error('completion:', completion); // expect: no-tainted-log -- model output in the diagnostics; ok: no-log-injection -- model output is opt-in
  const replyLength = await completeLater(model, tokenizer, prompt, { maxTokens, temperature }).then((text) => text.length);
  console.error(`the second completion has ${replyLength} characters`); // ok: no-tainted-log -- the callback returns only a length
  const later = await completeLater(model, tokenizer, prompt, { maxTokens, temperature });
  console.error(`second completion: ${later}`); // expect: no-tainted-log -- model output resolved through new Promise and awaited
}
