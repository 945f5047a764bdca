import { createRequire } from 'node:module';
import { trace, isSpanContextValid } from '@opentelemetry/api';
import type { TracingConfig } from '@atelier/config';

/** What the SDK module offers; loaded only when tracing is on (see startTracing). */
type TracingSdk = typeof import('./tracing-sdk');

let flush: (() => Promise<void>) | undefined;

/**
 * Starts OpenTelemetry tracing for this process when the config turns it on (OTEL_TRACES_EXPORTER=otlp): a tracer
 * provider exporting over OTLP/HTTP, the W3C trace-context propagator, and the HTTP, Express, pg and undici
 * instrumentations. Call it before anything imports express, pg or the Nest app (each app's `src/tracing.ts`,
 * imported first by its `main.ts`): the instrumentations patch modules as they are loaded.
 *
 * Off, it loads no SDK module at all: the `@opentelemetry/api` calls elsewhere (mesh transport, outbox, logger)
 * then hit the API's no-op implementation and the outbox stores no trace context.
 */
export function startTracing(config: TracingConfig): boolean {
  if (!config.enabled || flush) return flush !== undefined;
  // Synchronous on purpose (modules must be patched before main's imports run), and lazy so an untraced
  // process never loads the SDK.
  const load = createRequire(__filename);
  const sdk = load('./tracing-sdk') as TracingSdk;
  flush = sdk.startSdk(config);
  return true;
}

/** Exports the spans still buffered; call before the process exits. A no-op when tracing is off. */
export async function shutdownTracing(): Promise<void> {
  const f = flush;
  flush = undefined;
  await f?.().catch(() => undefined);
}

/** Ids of the active span for log lines (`trace_id`, `span_id`); empty outside a sampled span or with tracing off. */
export function activeTraceIds(): { trace_id?: string; span_id?: string } {
  const span = trace.getActiveSpan();
  if (!span) return {};
  const ctx = span.spanContext();
  return isSpanContextValid(ctx) ? { trace_id: ctx.traceId, span_id: ctx.spanId } : {};
}
