import './support/quiet.js';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { configure, flushAuditLog } from '../src/configure.js';
import { auditHttpHandler, pseudonymize } from '../src/context.js';
import { call } from '../src/instrument.js';
import { captureSink, parsedLines, testSite } from './support/capture.js';
import { INDEX_URL, INSTRUMENT_URL, PACKAGE_ROOT, requireBuild } from './support/child-script.js';
import { eventsIn } from './support/trail.js';

// Issue #17: `auditHttpHandler(handler, { clientId })` names the client by an authenticated user
// or API key, logged only as its keyed pseudonym. The raw value is a credential: it must reach no
// event, no stderr line and no trail, whatever the clientId function does.

const KEY = 'client-id-test-key-0123456789abcdef';
const generate = testSite({ id: 'generate', kind: 'inference', args: ['text'] });

function withKey<T>(fn: () => T): T {
  configure({ sinks: [], exitHooks: false, hmacKey: KEY });
  try {
    return fn();
  } finally {
    configure({ sinks: [], exitHooks: false, hmacKey: null });
  }
}

function header(request: IncomingMessage, name: string): string | undefined {
  const value = request.headers[name];
  return typeof value === 'string' ? value : undefined;
}

describe('auditHttpHandler with a clientId option, in the process', () => {
  afterEach(() => {
    configure({ sinks: [], exitHooks: false, hmacKey: null });
  });

  it('logs the pseudonym of the returned identity, and of the address for a request without one', async () => {
    const sink = captureSink();
    configure({ sinks: [sink], exitHooks: false, hmacKey: KEY });
    // `request` is typed from the handler: reading `headers` would not compile on RequestWithSocket.
    const handler = auditHttpHandler(
      (_request: IncomingMessage, response: ServerResponse) => {
        call(generate, undefined, () => 'answer', ['prompt']);
        response.end('ok');
      },
      { clientId: (request) => header(request, 'x-api-key') },
    );
    const server = createServer(handler);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    try {
      for (const apiKey of ['key-a', 'key-b', 'key-a', undefined, '']) {
        await (await fetch(`http://127.0.0.1:${port}/`, { headers: apiKey === undefined ? {} : { 'x-api-key': apiKey } })).text();
      }
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
    flushAuditLog();
    const [a, b, address] = [pseudonymize('key-a'), pseudonymize('key-b'), pseudonymize('127.0.0.1')];
    expect(new Set([a, b, address]).size).toBe(3);
    // An empty identity is none: it would otherwise make every client without a key one client.
    expect(parsedLines(sink).map((event) => event['client.id'])).toEqual([a, b, a, address, address]);
  });

  it('refuses a clientId that is not a function', () => {
    expect(() => auditHttpHandler(() => 0, { clientId: 'x-api-key' as unknown as () => string })).toThrow(/clientId must be a function/);
  });
});

describe('auditHttpHandler with a clientId option, in a real service on real MLX', () => {
  const directory = mkdtempSync(join(tmpdir(), 'mlx-audit-client-id-'));
  let count = 0;
  // Planted in the API key, the user name, and an error the clientId function throws.
  const API_KEY = 'sk-live-MKAPI7f3q9ZxK2wR';
  const USER = 'MKUSERp4L8wQ1@example.com';
  const THROWN = 'throw-MKTHROWn5R2vB6';
  const MARKERS = ['MKAPI7f3q9ZxK2wR', 'MKUSERp4L8wQ1', 'MKTHROWn5R2vB6', Buffer.from(`${USER}:pw`).toString('base64')];

  beforeAll(requireBuild);

  afterAll(() => {
    rmSync(directory, { recursive: true, force: true });
  });

  /**
   * A child `node` serving `requests` (header sets) through `auditHttpHandler`, each request an
   * instrumented forward pass of a real `nn.Linear`; events go to the file trail and to stderr.
   */
  function serve(requests: readonly Record<string, string>[], env: Record<string, string>) {
    const script = join(directory, `server-${++count}.mjs`);
    writeFileSync(
      script,
      `import { createRequire } from 'node:module';
import { createServer, IncomingMessage } from 'node:http';
import * as __mlxa from ${JSON.stringify(INSTRUMENT_URL)};
import * as runtime from ${JSON.stringify(INDEX_URL)};
const { core: mx, nn } = createRequire(${JSON.stringify(join(PACKAGE_ROOT, 'package.json'))})('@frost-beta/mlx');
const forward = __mlxa.site({ id: 'nn.Module#forward', kind: 'inference', mode: 'event', file: 'src/server.ts', line: 1, column: 1, fn: 'handle', callee: 'model.forward', args: ['tensor'], receiver: 'module' });
const model = new nn.Linear(4, 2);
let asked = 0;
function clientId(request) {
  asked++;
  const key = request.headers['x-api-key'];
  if (typeof key === 'string' && key.startsWith('throw-')) throw new Error('unknown API key ' + key);
  if (key === 'number') return 42;
  if (typeof key === 'string') return key;
  const basic = /^Basic (.+)$/.exec(request.headers.authorization ?? '');
  return basic === null ? undefined : Buffer.from(basic[1], 'base64').toString().split(':')[0];
}
const calls = [];
const handler = runtime.auditHttpHandler(function handle(request, response) {
  const output = forward.channel.hasSubscribers ? __mlxa.call(forward, model, model.forward, [mx.full([1, 4], 1)]) : model.forward(mx.full([1, 4], 1));
  calls.push({ thisIsServer: this === server, args: arguments.length, request: request instanceof IncomingMessage, shape: output.shape });
  response.end('ok');
  return 'handled';
}, { clientId });
const returned = [];
const server = createServer(function (request, response) { returned.push(handler.call(this, request, response)); });
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
for (const headers of ${JSON.stringify(requests)}) await (await fetch('http://127.0.0.1:' + server.address().port + '/', { headers })).text();
await new Promise((resolve) => server.close(resolve));
process.stdout.write(JSON.stringify({ asked, calls, returned }));
`,
    );
    const file = join(directory, `audit-${count}`, 'audit.jsonl');
    const child = spawnSync(process.execPath, [script], {
      env: { PATH: process.env.PATH, MLX_AUDIT_SINK: 'file,stderr', MLX_AUDIT_FILE: file, ...env },
      encoding: 'utf8',
      timeout: 60_000,
    });
    const trail = existsSync(file) ? readFileSync(file, 'utf8') : '';
    const forwardPasses = (text: string): Record<string, unknown>[] => eventsIn(text).filter((event) => event['event.action'] === 'nn.Module#forward');
    const reports = child.stderr.split('\n').filter((line) => line.startsWith('mlx-audit:'));
    const stderrEvents = child.stderr.split('\n').filter((line) => line.startsWith('{')).join('\n');
    return { child, trail, fromTrail: forwardPasses(trail), fromStderr: forwardPasses(stderrEvents), reports };
  }

  const REQUESTS = [
    { 'x-api-key': API_KEY },
    { authorization: `Basic ${Buffer.from(`${USER}:pw`).toString('base64')}` },
    { 'x-api-key': API_KEY },
    {},
    { 'x-api-key': THROWN },
    { 'x-api-key': THROWN },
    { 'x-api-key': 'number' },
    { 'x-api-key': 'number' },
  ];

  it('logs only pseudonyms: the markers reach no event, no stderr line and no trail; a failing clientId falls back and is reported once', () => {
    const { child, trail, fromTrail, fromStderr, reports } = serve(REQUESTS, { MLX_AUDIT_HMAC_KEY: KEY });
    expect(child.status, child.stderr).toBe(0);
    const output = JSON.parse(child.stdout) as { asked: number; calls: unknown[]; returned: unknown[] };
    // The handler ran for every request exactly as without the option: its `this`, its arguments, its result.
    expect(output.calls).toEqual(Array.from({ length: 8 }, () => ({ thisIsServer: true, args: 2, request: true, shape: [1, 2] })));
    expect(output.returned).toEqual(Array.from({ length: 8 }, () => 'handled'));
    expect(output.asked).toBe(8);

    const [apiKey, user, address] = withKey(() => [pseudonymize(API_KEY), pseudonymize(USER), pseudonymize('127.0.0.1')]);
    const expected = [apiKey, user, apiKey, address, address, address, address, address];
    expect(fromTrail.map((event) => event['client.id'])).toEqual(expected);
    expect(fromStderr.map((event) => event['client.id'])).toEqual(expected);
    expect(new Set(fromTrail.map((event) => event['request.id'])).size).toBe(8);

    expect(reports).toEqual([
      "mlx-audit: auditHttpHandler's clientId function threw: those requests run with the socket address's pseudonym as client.id",
      "mlx-audit: auditHttpHandler's clientId function returned a value of type number, not a string: those requests run with the socket address's pseudonym as client.id",
    ]);
    for (const marker of MARKERS) {
      expect(trail, marker).not.toContain(marker);
      expect(child.stderr, marker).not.toContain(marker);
      expect(JSON.stringify(fromTrail), marker).not.toContain(marker);
    }
    expect(trail).not.toContain('127.0.0.1');
  });

  it('without a key: no client.id, the clientId function is never asked, and the operator is told once', () => {
    const { child, trail, fromTrail, reports } = serve(REQUESTS.slice(0, 3), {});
    expect(child.status, child.stderr).toBe(0);
    expect((JSON.parse(child.stdout) as { asked: number }).asked).toBe(0);
    expect(fromTrail.map((event) => event['client.id'])).toEqual([undefined, undefined, undefined]);
    expect(reports).toEqual([
      'mlx-audit: auditHttpHandler was given a clientId option but no key is configured (hmacKey or MLX_AUDIT_HMAC_KEY): events carry no client.id',
    ]);
    for (const marker of MARKERS) {
      expect(trail, marker).not.toContain(marker);
      expect(child.stderr, marker).not.toContain(marker);
    }
  });
});
