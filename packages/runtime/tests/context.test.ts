import './support/quiet.js';
import { createHmac } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { configure, flushAuditLog } from '../src/configure.js';
import { auditHttpHandler, currentAuditContext, pseudonymize, withAuditContext } from '../src/context.js';
import { call } from '../src/instrument.js';
import { captureSink, parsedLines, testSite } from './support/capture.js';

const KEY = 'context-test-key-0123456789abcdef';
const generate = testSite({ id: 'generate', kind: 'inference', args: ['text'] });

afterEach(() => {
  configure({ sinks: [], exitHooks: false, hmacKey: null });
});

describe('withAuditContext', () => {
  it('tags every event inside, across awaits, and none outside', async () => {
    const sink = captureSink();
    configure({ sinks: [sink], exitHooks: false });
    call(generate, undefined, () => 0, []);
    await withAuditContext({ requestId: 'req-1', clientId: 'client-pseudonym' }, async () => {
      call(generate, undefined, () => 1, []);
      await new Promise((resolve) => setTimeout(resolve, 1));
      await call(generate, undefined, () => Promise.resolve(2), []);
    });
    withAuditContext({}, () => call(generate, undefined, () => 3, []));
    flushAuditLog();

    const events = parsedLines(sink);
    expect(events.map((event) => [event['request.id'], event['client.id']])).toEqual([
      [undefined, undefined],
      ['req-1', 'client-pseudonym'],
      ['req-1', 'client-pseudonym'],
      [expect.stringMatching(/^[0-9a-f-]{36}$/), undefined],
    ]);
    expect(currentAuditContext()).toBeUndefined();
  });
});

describe('auditHttpHandler', () => {
  async function serve(handler: (request: IncomingMessage, response: ServerResponse) => void): Promise<string> {
    const server = createServer(auditHttpHandler(handler));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    try {
      const answers: string[] = [];
      for (let index = 0; index < 2; index++) answers.push(await (await fetch(`http://127.0.0.1:${port}/`)).text());
      return answers.join(',');
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  }

  it('gives each request its own id and a keyed pseudonym of the client address, never the address', async () => {
    const sink = captureSink();
    configure({ sinks: [sink], exitHooks: false, hmacKey: KEY });
    const answers = await serve((_request, response) => {
      call(generate, undefined, () => 'answer', ['prompt']);
      response.end(currentAuditContext()?.requestId);
    });
    flushAuditLog();

    const events = parsedLines(sink);
    expect(events).toHaveLength(2);
    const expected = createHmac('sha256', KEY).update('127.0.0.1').digest('hex').slice(0, 16);
    expect(events.map((event) => event['client.id'])).toEqual([expected, expected]);
    expect(events.map((event) => event['request.id']).join(',')).toBe(answers);
    expect(events[0]?.['request.id']).not.toBe(events[1]?.['request.id']);
    expect(sink.lines.join('')).not.toContain('127.0.0.1');
  });

  it('leaves client.id out without a key', async () => {
    const sink = captureSink();
    configure({ sinks: [sink], exitHooks: false });
    await serve((_request, response) => {
      call(generate, undefined, () => 'answer', []);
      response.end('ok');
    });
    flushAuditLog();
    expect(parsedLines(sink).map((event) => event['client.id'])).toEqual([undefined, undefined]);
    expect(pseudonymize('127.0.0.1')).toBeUndefined();
  });

  it('keeps the handler’s `this` and return value', () => {
    const receiver = { name: 'server' };
    const wrapped = auditHttpHandler(function (this: unknown, request: { socket?: null }, response: number) {
      return [this, request, response] as const;
    });
    const request = { socket: null };
    expect(wrapped.call(receiver, request, 5)).toEqual([receiver, request, 5]);
  });
});
