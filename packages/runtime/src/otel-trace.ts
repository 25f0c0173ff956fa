import { loadOptional } from './optional-module.js';

/** The part of `@opentelemetry/api` the runtime reads. */
interface TraceApi {
  readonly trace: {
    getActiveSpan(): { spanContext(): { readonly traceId: string; readonly spanId: string } } | undefined;
  };
}

// undefined: not looked up yet; null: not installed.
let traceApi: TraceApi | null | undefined;

const INVALID_TRACE_ID = '00000000000000000000000000000000';

/**
 * The trace and span ids of the active OpenTelemetry span, when the application uses
 * `@opentelemetry/api` (an optional peer, loaded on first use) and a span is active.
 */
export function activeTraceIds(): { traceId: string; spanId: string } | undefined {
  if (traceApi === undefined) traceApi = asTraceApi(loadOptional('@opentelemetry/api'));
  if (traceApi === null) return undefined;
  const span = traceApi.trace.getActiveSpan();
  if (span === undefined) return undefined;
  const { traceId, spanId } = span.spanContext();
  return traceId === INVALID_TRACE_ID ? undefined : { traceId, spanId };
}

function asTraceApi(module: unknown): TraceApi | null {
  if (typeof module !== 'object' || module === null || !('trace' in module)) return null;
  const trace = module.trace;
  return typeof trace === 'object' && trace !== null && 'getActiveSpan' in trace && typeof trace.getActiveSpan === 'function'
    ? (module as TraceApi)
    : null;
}
