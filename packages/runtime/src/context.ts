import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import type { Correlation } from './event.js';
import { reportOnce } from './internal-report.js';
import { activeTraceIds } from './otel-trace.js';
import { keyedDigest, MAX_NAME_LENGTH, redactionSettings } from './settings.js';

/** Who and what a call belongs to, carried across awaits for the duration of a request. */
export interface AuditContext {
  readonly requestId: string;
  /** A pseudonym of the client (never a raw address or user name). */
  readonly clientId?: string;
}

const storage = new AsyncLocalStorage<AuditContext>();

/**
 * Runs `fn` with an audit context: every event recorded inside, across awaits and callbacks,
 * carries its `request.id` and `client.id`. A missing `requestId` gets a random UUID; the
 * `clientId` is logged as given, so pass a pseudonym (see `pseudonymize`). Both are cut to 128
 * characters.
 */
export function withAuditContext<Result>(context: { requestId?: string; clientId?: string }, fn: () => Result): Result {
  const requestId = typeof context.requestId === 'string' ? context.requestId.slice(0, MAX_NAME_LENGTH) : randomUUID();
  const store: AuditContext =
    typeof context.clientId === 'string' ? { requestId, clientId: context.clientId.slice(0, MAX_NAME_LENGTH) } : { requestId };
  return storage.run(Object.freeze(store), fn);
}

/** The audit context of the code running now, if any. */
export function currentAuditContext(): AuditContext | undefined {
  return storage.getStore();
}

const NO_CORRELATION: Correlation = Object.freeze({ requestId: undefined, clientId: undefined, traceId: undefined, spanId: undefined });

/** The request context and the active OpenTelemetry span of the code running now, as events carry them. */
export function currentCorrelation(): Correlation {
  const audit = storage.getStore();
  const trace = activeTraceIds();
  // Outside any request and span (every call of a batch job), one shared answer: nothing to allocate.
  if (audit === undefined && trace === undefined) return NO_CORRELATION;
  return { requestId: audit?.requestId, clientId: audit?.clientId, traceId: trace?.traceId, spanId: trace?.spanId };
}

/**
 * A keyed pseudonym (HMAC-SHA256 under the configured key, 16 hex digits) for an identifier such
 * as an IP address or a user name; undefined without a key, since an unkeyed hash of an IP
 * address is reversed by trying all of them.
 */
export function pseudonymize(identifier: string): string | undefined {
  const { key } = redactionSettings();
  return key === null ? undefined : keyedDigest(key, identifier);
}

/** The part of a Node request the wrapper reads: the peer address, for the pseudonym. */
export interface RequestWithSocket {
  readonly socket?: { readonly remoteAddress?: string | undefined } | null;
}

export interface AuditHttpHandlerOptions<Request> {
  /**
   * The client's identity for this request (an authenticated user name, an API key), logged as
   * its keyed pseudonym, never as is; `undefined` (or `''`) when the request has none, which falls
   * back to the socket address. Behind a proxy, see the README on `X-Forwarded-For`.
   */
  readonly clientId?: (request: Request) => string | undefined;
}

/**
 * Wraps a Node HTTP request handler (`http.createServer(handler)`, or any `(req, res)` handler)
 * so each request runs in its own audit context: a random request id, and a keyed pseudonym of
 * the client (no `client.id` without a key; never the raw value). The client is what
 * `options.clientId` returns, else the socket address. A `clientId` function that throws or
 * returns something other than a string is the application's bug, not the request's: the request
 * runs as it would without the option, under the address's pseudonym, and the operator is told
 * once on stderr.
 */
export function auditHttpHandler<Request extends RequestWithSocket, Response, Result>(
  handler: (this: unknown, request: Request, response: Response) => Result,
  options: AuditHttpHandlerOptions<NoInfer<Request>> = {},
): (this: unknown, request: Request, response: Response) => Result {
  const identify = options.clientId;
  if (identify !== undefined && typeof identify !== 'function') throw new TypeError('mlx-audit: auditHttpHandler clientId must be a function');
  return function auditedHandler(this: unknown, request: Request, response: Response): Result {
    const clientId = identify === undefined ? addressPseudonym(request) : clientPseudonym(identify, request);
    const context = clientId === undefined ? {} : { clientId };
    return withAuditContext(context, () => handler.call(this, request, response));
  };
}

function addressPseudonym(request: RequestWithSocket): string | undefined {
  const address = request.socket?.remoteAddress;
  return address === undefined ? undefined : pseudonymize(address);
}

// The reports name what went wrong, never the value or the error's message: either may hold the
// very user name or API key the pseudonym keeps out of the trail.
function clientPseudonym<Request extends RequestWithSocket>(identify: (request: Request) => unknown, request: Request): string | undefined {
  if (redactionSettings().key === null) {
    // Not even asked: without a key there is nothing it could safely become.
    reportOnce(
      'context:client-id-without-key',
      'auditHttpHandler was given a clientId option but no key is configured (hmacKey or MLX_AUDIT_HMAC_KEY): events carry no client.id',
    );
    return undefined;
  }
  let identity: unknown;
  try {
    identity = identify(request);
  } catch {
    reportOnce('context:client-id-threw', "auditHttpHandler's clientId function threw: those requests run with the socket address's pseudonym as client.id");
    return addressPseudonym(request);
  }
  if (typeof identity === 'string' && identity !== '') return pseudonymize(identity);
  if (identity !== undefined && identity !== '') {
    reportOnce(
      'context:client-id-not-string',
      `auditHttpHandler's clientId function returned ${identity === null ? 'null' : `a value of type ${typeof identity}`}, not a string: those requests run with the socket address's pseudonym as client.id`,
    );
  }
  return addressPseudonym(request);
}
