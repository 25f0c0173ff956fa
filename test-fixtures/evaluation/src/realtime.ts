// A WebSocket completion service on `ws`: each message is a prompt, each answer streams back
// character by character on the same socket. Logs are pino's JSON lines.
import { WebSocketServer, type RawData } from 'ws';
import { loadLanguageModel } from './checkpoint.js';
import { logger } from './logger.js';
import { streamCompletion } from './sampling.js';

const { model, tokenizer } = loadLanguageModel(process.env.MODEL_DIR ?? 'models/chat');
const server = new WebSocketServer({ port: Number(process.env.PORT ?? 8082) });

function textOf(data: RawData): string {
  return Array.isArray(data) ? Buffer.concat(data).toString('utf8') : Buffer.from(data as ArrayBuffer).toString('utf8');
}

server.on('connection', (socket, request) => {
  logger.info({ remote: request.socket.remoteAddress }, 'connected'); // expect: no-tainted-log -- the client's address is request data
  socket.on('message', (data, isBinary) => {
    logger.info(`message of ${isBinary ? 'binary' : 'text'} type`); // ok: no-log-injection, no-tainted-log -- a flag chosen between two literals
    logger.debug(`message: ${data.toString()}`); // expect: no-log-injection -- a WebSocket message is remote text; expect: no-tainted-log -- request data
    const prompt = textOf(data);
    logger.info({ promptLength: prompt.length }, 'prompt'); // ok: no-log-injection, no-tainted-log -- a length
    logger.info('prompt %s', JSON.stringify(prompt)); // ok: no-log-injection -- escaped; expect: no-tainted-log -- the prompt
    let sent = 0;
    for (const character of streamCompletion(model, tokenizer, prompt, { maxTokens: 80, temperature: 0.7 })) {
      socket.send(character); // ok: no-tainted-log -- the answer goes to the client, not to a log
      sent++;
    }
    logger.info({ event: 'inference', characters: sent }, 'answered'); // ok: no-tainted-log -- a count
  });
  socket.onmessage = (event) => {
    if (typeof event.data === 'string' && event.data.startsWith('/ping')) logger.info(`ping ${event.data}`); // expect: no-log-injection -- the event's data is remote text; expect: no-tainted-log -- request data
  };
});
