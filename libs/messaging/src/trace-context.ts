import {
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  context,
  propagation,
  trace,
  type Attributes,
  type Context,
  type Span,
  type TextMapGetter,
} from '@opentelemetry/api';
import { describeError } from './failures';

/** W3C trace context as it travels in AMQP headers and rests in outbox rows. */
export interface TraceCarrier {
  traceparent?: string;
  tracestate?: string;
}

export const TRACE_HEADERS = { parent: 'traceparent', state: 'tracestate' } as const;

const tracer = () => trace.getTracer('@atelier/messaging');

/** AMQP header values arrive as strings (long strings) or, from some clients, as Buffers. */
const amqpGetter: TextMapGetter<Record<string, unknown>> = {
  keys: (carrier) => Object.keys(carrier),
  get: (carrier, key) => {
    const v = carrier[key];
    if (typeof v === 'string') return v;
    return Buffer.isBuffer(v) ? v.toString('utf8') : undefined;
  },
};

/** The active context as W3C headers (empty outside a sampled span, or with no propagator registered). */
export function activeTraceCarrier(): TraceCarrier {
  return carrierOf(context.active());
}

function carrierOf(ctx: Context): TraceCarrier {
  const carrier: Record<string, string> = {};
  propagation.inject(ctx, carrier);
  const out: TraceCarrier = {};
  if (carrier[TRACE_HEADERS.parent]) out.traceparent = carrier[TRACE_HEADERS.parent];
  if (carrier[TRACE_HEADERS.state]) out.tracestate = carrier[TRACE_HEADERS.state];
  return out;
}

/** The trace headers to put on a message: only the ones present (never `undefined` values). */
export function traceHeaders(carrier: TraceCarrier): Record<string, string> {
  const h: Record<string, string> = {};
  if (carrier.traceparent) h[TRACE_HEADERS.parent] = carrier.traceparent;
  if (carrier.tracestate) h[TRACE_HEADERS.state] = carrier.tracestate;
  return h;
}

const extract = (headers: Record<string, unknown> | undefined): Context =>
  propagation.extract(ROOT_CONTEXT, headers ?? {}, amqpGetter);

function finish(span: Span, err?: unknown): void {
  if (err !== undefined) {
    span.recordException(err instanceof Error ? err : new Error(describeError(err)));
    span.setStatus({ code: SpanStatusCode.ERROR, message: describeError(err) });
  }
  span.end();
}

/**
 * Publishes one outbox row under a PRODUCER span that continues the trace stored with the row (the request or
 * message that wrote it), and hands `publish` the headers naming that span, so the consumer's span is its child.
 * With tracing off the stored context is passed through unchanged (and is empty unless another producer traced it).
 */
export function publishInSpan<T>(
  traced: boolean,
  stored: TraceCarrier,
  name: string,
  attributes: Attributes,
  publish: (headers: Record<string, string>) => Promise<T>,
): Promise<T> {
  // Not async when off: no extra promise per message.
  return traced ? publishTraced(stored, name, attributes, publish) : publish(traceHeaders(stored));
}

async function publishTraced<T>(
  stored: TraceCarrier,
  name: string,
  attributes: Attributes,
  publish: (headers: Record<string, string>) => Promise<T>,
): Promise<T> {
  const parent = extract(stored as Record<string, unknown>);
  const span = tracer().startSpan(name, { kind: SpanKind.PRODUCER, attributes }, parent);
  try {
    const result = await publish(traceHeaders(carrierOf(trace.setSpan(parent, span))));
    finish(span);
    return result;
  } catch (err) {
    finish(span, err);
    throw err;
  }
}

/**
 * Runs `work` in a span of `kind` (CONSUMER for events, SERVER for calls) whose parent is the traceparent of the
 * delivered message, so a trace continues across the broker. The span is the active one inside `work`: database
 * spans, log lines (`trace_id`) and outbox rows written there belong to it. `settle` may add what the result
 * tells (the outcome) before the span ends. With tracing off, `work` runs bare.
 */
export function consumeInSpan<T>(
  traced: boolean,
  headers: Record<string, unknown> | undefined,
  name: string,
  kind: SpanKind,
  attributes: Attributes,
  work: () => Promise<T>,
  settle?: (result: T, span: Span) => void,
): Promise<T> {
  return traced ? consumeTraced(headers, name, kind, attributes, work, settle) : work();
}

async function consumeTraced<T>(
  headers: Record<string, unknown> | undefined,
  name: string,
  kind: SpanKind,
  attributes: Attributes,
  work: () => Promise<T>,
  settle?: (result: T, span: Span) => void,
): Promise<T> {
  const parent = extract(headers);
  const span = tracer().startSpan(name, { kind, attributes }, parent);
  try {
    const result = await context.with(trace.setSpan(parent, span), work);
    settle?.(result, span);
    finish(span);
    return result;
  } catch (err) {
    finish(span, err);
    throw err;
  }
}

/**
 * Starts a CLIENT span for an outgoing call, child of the active context; returns the headers naming it and a
 * function that ends it (with the error, if any). With tracing off: no span, no headers.
 */
export function startClientSpan(
  traced: boolean,
  name: string,
  attributes: Attributes,
): { headers: Record<string, string>; end: (err?: unknown) => void } {
  if (!traced) return { headers: {}, end: () => undefined };
  const active = context.active();
  const span = tracer().startSpan(name, { kind: SpanKind.CLIENT, attributes }, active);
  let ended = false;
  return {
    headers: traceHeaders(carrierOf(trace.setSpan(active, span))),
    end: (err?: unknown) => {
      if (ended) return;
      ended = true;
      finish(span, err);
    },
  };
}

export { SpanKind, SpanStatusCode };
