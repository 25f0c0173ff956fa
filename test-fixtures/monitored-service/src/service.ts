import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { core as mx } from '@frost-beta/mlx';
import { watch } from '@mlx-audit/monitor';
import { auditHttpHandler, configure, flushAuditLog } from '@mlx-audit/runtime';
import { Classifier, FEATURES, writeWeights } from './model.js';

// An inference service as a team would write one, with the monitor watching its trail: clients
// authenticate with an API key (the audit trail's client.id is its keyed pseudonym), POST
// /predict classifies feature vectors, and /admin/* lets the attack-scenario tests do what an
// attacker or an accident would: reload weights from a path, slow inference down, turn auditing off.
//   node dist/service.js serve      MODEL_DIR, ALERTS_FILE, MONITOR_OPTIONS (a JSON file) from the environment
//   node dist/service.js weights <path> <seed>

const [mode = 'serve', ...args] = process.argv.slice(2);
if (mode === 'weights') {
  writeWeights(args[0] ?? 'model.safetensors', Number(args[1] ?? 1));
} else {
  serve();
}

interface Answer {
  status: number;
  body: unknown;
}

function serve(): void {
  const modelDir = process.env.MODEL_DIR ?? '.';
  const alertsFile = process.env.ALERTS_FILE;
  const options: unknown = process.env.MONITOR_OPTIONS === undefined ? {} : JSON.parse(readFileSync(process.env.MONITOR_OPTIONS, 'utf8'));
  // The alerts go into the trail (the runtime writes them) and to a file of their own, as an
  // operator would page on them.
  watch({
    ...(options as object),
    onAlert: (alert) => {
      if (alertsFile !== undefined) appendFileSync(alertsFile, `${JSON.stringify(alert)}\n`);
    },
  });

  const weights = join(modelDir, 'model.safetensors');
  if (!existsSync(weights)) writeWeights(weights, 1);
  const model = new Classifier();
  model.loadWeights(weights);
  mx.eval(model.parameters());
  let repeat = 1;

  const predict = (values: unknown): Answer => {
    if (!Array.isArray(values) || !values.every((value) => typeof value === 'number')) return { status: 400, body: { error: '"values" must be numbers' } };
    // A vector of the wrong length fails in MLX (the matmul's shapes): the error storm's way in.
    const input = mx.array([values]);
    const batch = repeat === 1 ? input : mx.repeat(input, repeat, 0);
    const logits = model.forward(batch);
    mx.eval(logits);
    const scores = mx.softmax(logits, -1).tolist() as number[][];
    const first = scores[0] ?? [];
    return { status: 200, body: { label: first.indexOf(Math.max(...first)) } };
  };

  const admin = (path: string, body: Record<string, unknown>): Answer => {
    if (path === '/admin/reload') {
      model.loadWeights(String(body.path));
      mx.eval(model.parameters());
      return { status: 200, body: { reloaded: true } };
    }
    if (path === '/admin/slow') {
      repeat = Math.max(1, Number(body.factor ?? 1));
      return { status: 200, body: { repeat } };
    }
    if (path === '/admin/audit-off') {
      configure({ sinks: [] });
      return { status: 200, body: { auditing: false } };
    }
    if (path === '/admin/stop') {
      flushAuditLog();
      setImmediate(() => server.close());
      return { status: 200, body: { stopping: true } };
    }
    return { status: 404, body: { error: 'not found' } };
  };

  const handle = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    let answer: Answer;
    try {
      const body = JSON.parse((await text(request)) || '{}') as Record<string, unknown>;
      const path = request.url ?? '/';
      answer = path === '/predict' ? predict(body.values) : admin(path, body);
    } catch (error) {
      answer = { status: 500, body: { error: error instanceof Error ? error.name : 'error' } };
    }
    response.writeHead(answer.status, { 'content-type': 'application/json' });
    response.end(JSON.stringify(answer.body));
  };

  const server = createServer(
    auditHttpHandler((request: IncomingMessage, response: ServerResponse) => void handle(request, response), {
      clientId: (request) => {
        const key = request.headers['x-api-key'];
        return typeof key === 'string' ? key : undefined;
      },
    }),
  );
  server.listen(0, '127.0.0.1', () => {
    process.stdout.write(`${JSON.stringify({ port: (server.address() as AddressInfo).port, features: FEATURES })}\n`);
  });
}

async function text(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
