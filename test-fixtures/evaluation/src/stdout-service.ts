// rule-options: mlx-audit/no-tainted-log {"stdoutIsLog": true}
// A scoring service whose platform collects stdout as its log (a container whose stdout goes to the
// log pipeline): here `process.stdout.write` is a log call, so no-tainted-log's stdoutIsLog is on.
import { createServer } from 'node:http';
import { core as mx } from '@frost-beta/mlx';
import { loadLanguageModel } from './checkpoint.js';

const { model, tokenizer } = loadLanguageModel(process.env.MODEL_DIR ?? 'models/score');
const ACCESS_TOKEN = process.env.SCORE_TOKEN ?? '';

function logJson(record: Record<string, unknown>): void {
  process.stdout.write(`${JSON.stringify({ time: Date.now(), ...record })}\n`);
}

createServer((request, response) => {
  const url = new URL(request.url ?? '/', 'http://localhost');
  const text = url.searchParams.get('text') ?? '';
  process.stdout.write(`request ${request.method ?? 'GET'} of ${text.length} characters\n`); // ok: no-tainted-log -- the method and a length
  process.stdout.write(`scoring ${text}\n`); // expect: no-tainted-log -- request text written to the log stream; expect: no-log-injection -- a line break in it forges a line of that stream
  logJson({ event: 'request', text }); // expect: no-tainted-log -- request text, through the JSON-lines helper; ok: no-log-injection -- JSON.stringify escapes it
  logJson({ event: 'auth', tokenSet: ACCESS_TOKEN.length > 0 }); // ok: no-tainted-log -- a boolean
  if (request.headers.authorization !== `Bearer ${ACCESS_TOKEN}`) {
    process.stdout.write(`bad token ${ACCESS_TOKEN.slice(0, 4)}\n`); // expect: no-tainted-log -- part of the secret
    response.writeHead(401).end();
    return;
  }
  const logits = model.forward(tokenizer.window(tokenizer.encode(text), model.config.contextLength)); // ok: require-mlx-event-logging -- the event below is on every path
  const confidence = mx.max(mx.softmax(logits, -1)).item() as number;
  logJson({ event: 'model.inference', outcome: 'success', shape: logits.shape }); // ok: no-tainted-log -- an event with the shape
  logJson({ event: 'scored', confidence }); // expect: no-tainted-log -- one request's confidence is model output
  response.end(JSON.stringify({ confidence }));
}).listen(Number(process.env.PORT ?? 8081));
