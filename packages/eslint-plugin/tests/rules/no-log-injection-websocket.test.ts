import rule from '../../src/rules/no-log-injection.js';
import { createRuleTesterWithTypes } from '../rule-tester.js';

// The `remote` threat model covers WebSocket messages: what a `ws` socket receives (`RawData` of a
// 'message' listener, `data` of a `MessageEvent`), and the `data` of Node's global WebSocket's events.
const ruleTester = createRuleTesterWithTypes();

/** Where a case is reported, the log call its suggestion rewrites (`from` becomes `to`), and what the message says if checked. */
type Report = readonly [messageId: 'interpolated' | 'concatenated', line: number, column: number, from: string, to: string, data?: Record<string, string>];

/** The invalid case `code`, reported once for each of `reports`. */
function reportedCase(name: string, code: string, reports: readonly Report[]) {
  const errors = reports.map(([messageId, line, column, from, to, data]) => {
    if (!code.includes(from)) throw new Error(`not in the case: ${from}`);
    const suggestions = [{ messageId: 'moveToField' as const, output: code.replace(from, to) }];
    return data === undefined ? { messageId, line, column, suggestions } : { messageId, line, column, data, suggestions };
  });
  return { name, code, errors };
}

const serverMessages = `
import { WebSocketServer } from 'ws';
const wss = new WebSocketServer({ port: 8080 });
wss.on('connection', (socket) => socket.on('message', (data) => console.log(\`got \${data.toString()}\`)));
wss.on('connection', (socket) => {
  socket.on('message', (data, isBinary) => {
    console.info('message ' + String(data));
  });
});
`;

const messageEvents = `
import WebSocket from 'ws';
const socket = new WebSocket('wss://example.com/feed');
socket.onmessage = (event) => {
  console.log(\`feed \${event.data}\`);
};
socket.addEventListener('message', ({ data }) => {
  console.warn('feed: ' + String(data));
});
`;

const namedHandlers = `
import type WebSocket from 'ws';
export function onMessage(data: WebSocket.RawData): void {
  console.log(\`got \${data.toString()}\`);
}
export function onEvent(event: WebSocket.MessageEvent): void {
  console.log(\`got \${event.data}\`);
}
`;

const globalWebSocket = `
const feed = new WebSocket('wss://example.com/feed');
feed.onmessage = (event) => {
  console.log(\`feed \${event.data}\`);
};
feed.addEventListener('message', (event: MessageEvent) => {
  console.info('feed: ' + String(event.data));
});
`;

const narrowed = `
import WebSocket, { WebSocketServer } from 'ws';
const wss = new WebSocketServer({ port: 8080 });
wss.on('connection', (socket) => {
  socket.on('message', (data) => {
    if (Buffer.isBuffer(data)) console.log(\`got \${data.toString()}\`);
  });
});
const client = new WebSocket('wss://example.com/feed');
client.onmessage = (event) => {
  if (typeof event.data === 'string') console.log(\`ping \${event.data}\`);
};
`;

ruleTester.run('no-log-injection: WebSocket messages', rule, {
  valid: [
    {
      name: 'a message as a structured field, JSON-encoded, or only its binary flag and event type',
      code: `
import WebSocket, { WebSocketServer } from 'ws';
const wss = new WebSocketServer({ port: 8080 });
wss.on('connection', (socket) => {
  socket.on('message', (data, isBinary) => {
    console.log('got', { message: data.toString() });
    console.log(\`got \${JSON.stringify(data.toString())}\`);
    console.log(\`binary \${isBinary}\`);
  });
});
const client = new WebSocket('wss://example.com/feed');
client.onmessage = (event) => {
  console.log(\`event \${event.type}\`);
};
`,
    },
    {
      name: 'a Buffer that no socket received',
      code: `
const greeting = Buffer.from('x');
console.log(\`sent \${greeting.toString()}\`);
console.log('sent ' + String(greeting));
`,
    },
  ],
  invalid: [
    reportedCase('the RawData of a ws message listener, as text and through String', serverMessages, [
      ['interpolated', 4, 65, 'console.log(`got ${data.toString()}`)', "console.log('got', { data: data.toString() })", { source: 'request data (`data` at line 4)', sink: 'console.log', through: '' }],
      ['concatenated', 7, 5, "console.info('message ' + String(data))", "console.info('message', { data: String(data) })"],
    ]),
    reportedCase('the data of a ws MessageEvent, by onmessage and by addEventListener', messageEvents, [
      ['interpolated', 5, 3, 'console.log(`feed ${event.data}`)', "console.log('feed', { data: event.data })"],
      ['concatenated', 8, 3, "console.warn('feed: ' + String(data))", "console.warn('feed', { data: String(data) })"],
    ]),
    reportedCase('handlers declared with ws’s types', namedHandlers, [
      ['interpolated', 4, 3, 'console.log(`got ${data.toString()}`)', "console.log('got', { data: data.toString() })"],
      ['interpolated', 7, 3, 'console.log(`got ${event.data}`)', "console.log('got', { data: event.data })"],
    ]),
    reportedCase('the data of a MessageEvent of Node’s global WebSocket, also annotated with the global MessageEvent', globalWebSocket, [
      ['interpolated', 4, 3, 'console.log(`feed ${event.data}`)', "console.log('feed', { data: event.data })"],
      ['concatenated', 7, 3, "console.info('feed: ' + String(event.data))", "console.info('feed', { data: String(event.data) })"],
    ]),
    reportedCase('a message whose type was narrowed (a Buffer, a string) is still the message', narrowed, [
      ['interpolated', 6, 32, 'console.log(`got ${data.toString()}`)', "console.log('got', { data: data.toString() })"],
      ['interpolated', 11, 39, 'console.log(`ping ${event.data}`)', "console.log('ping', { data: event.data })"],
    ]),
  ],
});
