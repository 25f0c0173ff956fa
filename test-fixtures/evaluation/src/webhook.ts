// A webhook receiver on node:http: a code host posts events, and the receiver queues a re-index of
// the model's document store. It logs with console, as small services do.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage } from 'node:http';
import { format } from 'node:util';

const webhookSecret = process.env.WEBHOOK_SECRET ?? '';
const queue: { event: string; repository: string }[] = [];

interface Delivery {
  event?: string;
  repository?: { name?: string };
}

async function readBody(request: IncomingMessage): Promise<string> {
  let body = '';
  for await (const chunk of request) body += String(chunk);
  return body;
}

function signed(body: string, signature: string): boolean {
  const expected = Buffer.from(`sha256=${createHmac('sha256', webhookSecret).update(body).digest('hex')}`);
  const given = Buffer.from(signature);
  return expected.length === given.length && timingSafeEqual(expected, given);
}

const server = createServer((request, response) => {
  void (async () => {
    const url = new URL(request.url ?? '/', 'http://localhost');
    const deliveryId = request.headers['x-delivery-id'];
    console.log(`delivery ${String(deliveryId)} over HTTP/${request.httpVersion}`); // expect: no-log-injection -- a header in the message; expect: no-tainted-log -- request data
    console.log('delivery', { id: deliveryId }); // ok: no-log-injection -- an object after the message is inspected; expect: no-tainted-log -- request data
    console.log('delivery %j', deliveryId); // ok: no-log-injection -- %j encodes; expect: no-tainted-log -- request data
    console.info(url.searchParams.get('source') ?? 'no source'); // expect: no-log-injection -- a query parameter as the whole message; expect: no-tainted-log -- request data
    console.log(`received a ${request.method ?? 'POST'} over HTTP/${request.httpVersion}`); // ok: no-log-injection -- method and version are metadata; ok: no-tainted-log -- metadata of the exchange

    const body = await readBody(request);
    const signature = request.headers['x-signature-256'];
    if (typeof signature !== 'string' || !signed(body, signature)) {
      process.stderr.write(`bad signature on delivery ${String(deliveryId)}\n`); // expect: no-log-injection -- a header written into stderr; expect: no-tainted-log -- request data
      console.warn('bad signature', { presented: typeof signature === 'string', secretConfigured: webhookSecret.length > 0 }); // ok: no-tainted-log -- booleans
      response.writeHead(401).end();
      return;
    }
    console.log(`payload of ${body.length} bytes`); // ok: no-log-injection -- a length; ok: no-tainted-log -- a length
    console.debug('signature check used %s', webhookSecret); // expect: no-tainted-log -- a secret by name

    let delivery: Delivery;
    try {
      delivery = JSON.parse(body) as Delivery;
    } catch {
      console.error(format('delivery %s is not JSON', String(deliveryId))); // expect: no-log-injection -- util.format put the header into the message; expect: no-tainted-log -- request data
      response.writeHead(400).end();
      return;
    }
    const event = delivery.event ?? 'unknown';
    const repository = delivery.repository?.name ?? 'unknown';
    console.log('event %s on %s', event, repository); // expect: no-log-injection -- body text through %s; expect: no-tainted-log -- request data
    console.log(`event ${encodeURIComponent(event)} on ${encodeURIComponent(repository)}`); // ok: no-log-injection -- encoded; expect: no-tainted-log -- request data
    console.log(`event name of ${event.length} characters`); // ok: no-log-injection -- a length; ok: no-tainted-log -- a length
    if (event !== 'push') {
      console.error(new Error(`unsupported event ${event}`)); // expect: no-log-injection -- an Error's message, logged with console; expect: no-tainted-log -- request data in the error
      response.writeHead(202).end();
      return;
    }
    queue.push({ event, repository });
    console.log(`queued; ${queue.length} waiting`); // ok: no-tainted-log -- a count of an array that holds request data
    response.writeHead(204).end();
  })();
});

server.listen(Number(process.env.PORT ?? 8082), () => {
  console.log(`webhook receiver on port ${process.env.PORT ?? 8082}`); // ok: no-log-injection -- the environment is local (opt-in)
});
