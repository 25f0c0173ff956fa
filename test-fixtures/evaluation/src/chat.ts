// A chat command-line tool: reads the user's turns from stdin, streams the model's reply to stdout
// character by character, and writes its own diagnostics to stderr.
//   node dist/chat.js [model-directory] [temperature]
import { createInterface } from 'node:readline';
import { loadLanguageModel } from './checkpoint.js';
import { streamCompletion } from './sampling.js';

const MAX_REPLY_TOKENS = 200;
const MAX_HISTORY_CHARACTERS = 2_000;

const modelDirectory = process.argv[2] ?? 'models/chat';
const temperature = Number(process.argv[3] ?? '0.8');

console.error(`loading the chat model from ${modelDirectory}`); // ok: no-log-injection -- argv is typed by the user running the tool (local, opt-in)
const { model, tokenizer } = loadLanguageModel(modelDirectory);
console.error('model ready: %d parameters in %d tensors', model.config.vocabularySize * model.config.dims, Object.keys(model.parameters()).length); // ok: no-tainted-log -- sizes from the configuration and a count

const lines = createInterface({ input: process.stdin, terminal: false });
let history = '';
let turns = 0;
process.stdout.write('> ');

for await (const line of lines) {
  if (line.trim() === '/quit') break;
  if (line.startsWith('/')) {
    console.error(`unknown command: ${line}`); // ok: no-log-injection -- stdin is local input (opt-in)
    process.stdout.write('> ');
    continue;
  }

  turns++;
  history = `${history}user: ${line}\nassistant: `.slice(-MAX_HISTORY_CHARACTERS);
  console.error('turn %d: %d characters', turns, line.length); // ok: no-tainted-log -- a count and a length; ok: no-log-injection -- numbers
  const started = performance.now();
  let reply = '';
  for (const character of streamCompletion(model, tokenizer, history, { maxTokens: MAX_REPLY_TOKENS, temperature, stopAt: '\n' })) {
    process.stdout.write(character); // ok: no-tainted-log -- stdout is the tool's output: the reply, streamed to the user
    reply += character;
  }
  process.stdout.write('\n> '); // ok: no-tainted-log -- a prompt marker
  history += `${reply}\n`;
  const seconds = (performance.now() - started) / 1000;
  process.stderr.write(`${reply.length} characters in ${seconds.toFixed(2)} s\n`); // ok: no-tainted-log -- the length of the reply, not the reply
  if (process.env.CHAT_TRACE === '1') console.error(`turn ${turns}: ${line} -> ${reply}`); // expect: no-tainted-log -- the user's turn and the model's reply in the diagnostics; ok: no-log-injection -- stdin and model output are not remote
  if (reply.length === 0) console.warn('empty reply after', JSON.stringify(line)); // expect: no-tainted-log -- the turn, quoted, is still the user's text; ok: no-log-injection -- stdin is local input, and JSON.stringify escapes it anyway
}

console.error(`bye after ${turns} turns (${history.length} characters of history)`); // ok: no-tainted-log -- counts
