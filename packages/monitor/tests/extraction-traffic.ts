import type { AuditEvent, JsonValue } from '@mlx-audit/runtime';
import { MINUTE, Run, seeded } from './events.js';

// Inference traffic of many clients, as an instrumented service writes it: per HTTP request, a
// top-level forward pass given the client's input, then more forward passes of the same request
// (the next tokens, layers inside the model). Events are made in time order, numbered by one run.

export const SECOND = 1000;
export const HOUR = 60 * MINUTE;

/** A text argument as the runtime summarises it: its length and, with a key, its keyed digest. */
export function text(length: number, digest?: string): JsonValue[] {
  return [digest === undefined ? { type: 'string', length } : { type: 'string', length, hmac: digest }];
}

/** A 28×28 image, as a model of fixed input shape is given it. */
export function image(): JsonValue[] {
  return [{ type: 'tensor', shape: [1, 28, 28], dtype: 'float32', size: 784, nbytes: 3136 }];
}

/** A 16-hex-digit digest for input number `n` (distinct inputs, distinct digests). */
export function digest(n: number): string {
  return (n * 2_654_435_761 + 0x1234_5678).toString(16).padStart(16, '0').slice(-16);
}

export interface RequestShape {
  readonly service?: string;
  readonly input?: JsonValue[];
  /** Forward passes after the first, each a millisecond later. Default 0. */
  readonly steps?: number;
  /** `null`: the events carry no `request.id`. */
  readonly requestId?: string | null;
}

interface Pending {
  readonly at: number;
  readonly order: number;
  readonly fields: Record<string, JsonValue>;
}

export class Traffic {
  readonly run = new Run();
  readonly #pending: Pending[] = [];
  #requests = 0;

  /** One request of `client` at `at` (ms after BASE). */
  request(at: number, client: string, shape: RequestShape = {}): this {
    const requestId = shape.requestId === undefined ? `req-${++this.#requests}` : shape.requestId;
    const common: Record<string, JsonValue> = {
      'event.action': 'nn.Module#forward',
      'event.outcome': 'success',
      'mlx.binding': 'nn.Module#forward',
      'gen_ai.operation.name': 'inference',
      'client.id': client,
      'service.name': shape.service ?? 'svc',
      ...(requestId === null ? {} : { 'request.id': requestId }),
    };
    this.#push(at, { ...common, 'mlx.kind': 'inference', 'mlx.args': shape.input ?? text(40) });
    for (let step = 1; step <= (shape.steps ?? 0); step++) {
      // A token step at top level, or a layer of the model: neither is a request of its own.
      const kind = step % 2 === 0 ? 'inference' : 'layer-composition';
      this.#push(at + step, { ...common, 'mlx.kind': kind, 'mlx.args': [{ type: 'tensor', shape: [1, step], dtype: 'int32', size: step, nbytes: 4 * step }] });
    }
    return this;
  }

  /** `count` requests of `client`, `spacing` ms apart from `start`. */
  requests(start: number, spacing: number, count: number, client: string, shape: (index: number) => RequestShape = () => ({})): this {
    for (let index = 0; index < count; index++) this.request(start + index * spacing, client, shape(index));
    return this;
  }

  /** Any event at `at`, in order with the requests. */
  other(at: number, fields: Record<string, JsonValue>): this {
    this.#push(at, fields);
    return this;
  }

  /** The events in time order (requests made at one time keep the order they were made in). */
  events(): AuditEvent[] {
    const pending = this.#pending.splice(0).sort((a, b) => a.at - b.at || a.order - b.order);
    return pending.map(({ at, fields }) => this.run.event(at, fields));
  }

  #push(at: number, fields: Record<string, JsonValue>): void {
    this.#pending.push({ at, order: this.#pending.length, fields });
  }
}

/**
 * Hours of ordinary traffic: `chatClients` clients of a text service, each with its own rate
 * (log-uniform, 0.1 to 3 requests a minute: what people at a keyboard send), a daily swing, bursts of 5 to 20 requests in a
 * minute, prompts of varied length (log-uniform, 10 to 2,000 characters) and now and then one sent
 * again; `imageClients` clients of a classifier whose every input is a 28×28 image.
 */
export function normalTraffic(traffic: Traffic, random: () => number, options: { hours: number; chatClients: number; imageClients: number }): void {
  const minutes = options.hours * 60;
  let inputs = 0;
  const client = (service: string, index: number, input: () => JsonValue[], steps: () => number): void => {
    const rate = 0.1 * Math.pow(30, random());
    const phase = random() * 2 * Math.PI;
    const id = `${service}-client-${index}`;
    for (let minute = 0; minute < minutes; minute++) {
      const swing = 1 + 0.6 * Math.sin((2 * Math.PI * minute) / (24 * 60) + phase);
      let count = poisson(random, rate * swing);
      if (random() < 0.02) count += 5 + Math.floor(random() * 16);
      for (let request = 0; request < count; request++) {
        traffic.request(minute * MINUTE + Math.floor(random() * MINUTE), id, { service, input: input(), steps: steps() });
      }
    }
  };
  const sent: number[] = [];
  const prompt = (): JsonValue[] => {
    // One prompt in ten is one sent before (a retry, a popular question).
    const again = sent.length > 0 && random() < 0.1 ? sent[Math.floor(random() * sent.length)] : undefined;
    const n = again ?? ++inputs;
    if (again === undefined) sent.push(n);
    if (sent.length > 500) sent.shift();
    return text(Math.floor(10 * Math.pow(200, pseudoUniform(n))), digest(n));
  };
  for (let index = 0; index < options.chatClients; index++) client('chat', index, prompt, () => Math.floor(random() * 9));
  for (let index = 0; index < options.imageClients; index++) client('classifier', index, image, () => 0);
}

/** A fixed number in [0, 1) for input `n`: the same prompt has the same length every time it is sent. */
function pseudoUniform(n: number): number {
  return seeded(n)();
}

/** Knuth's method: fine for the small means of requests a minute. */
function poisson(random: () => number, mean: number): number {
  const limit = Math.exp(-mean);
  let count = 0;
  let product = random();
  while (product > limit) {
    count++;
    product *= random();
  }
  return count;
}
