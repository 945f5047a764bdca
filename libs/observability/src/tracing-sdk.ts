import { hostname } from 'node:os';
import type { IncomingMessage } from 'node:http';
import { OTLPTraceExporter as OtlpJsonExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as OtlpProtoExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { registerInstrumentations } from '@opentelemetry/instrumentation';
import { ExpressInstrumentation, ExpressLayerType } from '@opentelemetry/instrumentation-express';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { PgInstrumentation } from '@opentelemetry/instrumentation-pg';
import { UndiciInstrumentation } from '@opentelemetry/instrumentation-undici';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  BatchSpanProcessor,
  NodeTracerProvider,
  ParentBasedSampler,
  TraceIdRatioBasedSampler,
} from '@opentelemetry/sdk-trace-node';
import type { TracingConfig } from '@atelier/config';

/** Probes and scrapes are not worth a trace each. */
const UNTRACED_PATHS = /^\/(health\/|metrics)/;

/**
 * The SDK side of tracing, loaded by `startTracing` only when tracing is on. Returns the provider's shutdown (it
 * exports what is still buffered).
 *
 * Instrumentations: node:http (server spans for the API, client spans), Express (router and handler spans, no
 * middleware spans), pg (one span per query, only inside a traced request or message: the outbox relay's and the
 * sweepers' polls start no traces) and undici (fetch, e.g. gateway → recommender). Not used: the amqplib
 * instrumentation (the mesh transport makes its own publish/process spans, because the outbox relay publishes long
 * after the producing request, with the context stored in the outbox row), and the NestJS one (it supports
 * @nestjs/core below 12 only).
 */
export function startSdk(config: TracingConfig): () => Promise<void> {
  const exporterOptions = { url: config.tracesUrl, headers: config.headers, timeoutMillis: config.timeoutMs };
  const exporter =
    config.protocol === 'http/json' ? new OtlpJsonExporter(exporterOptions) : new OtlpProtoExporter(exporterOptions);
  const provider = new NodeTracerProvider({
    resource: resourceFromAttributes({
      'service.name': config.serviceName,
      'service.namespace': config.namespace,
      'service.instance.id': `${hostname()}:${process.pid}`,
    }),
    sampler: new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(config.sampleRatio) }),
    spanProcessors: [new BatchSpanProcessor(exporter, { scheduledDelayMillis: config.scheduleDelayMs })],
  });
  // Global provider, AsyncLocalStorage context manager, W3C traceparent/tracestate (+ baggage) propagation.
  provider.register();
  registerInstrumentations({
    tracerProvider: provider,
    instrumentations: [
      new HttpInstrumentation({
        ignoreIncomingRequestHook: (req: IncomingMessage) => UNTRACED_PATHS.test(req.url ?? ''),
      }),
      new ExpressInstrumentation({ ignoreLayersType: [ExpressLayerType.MIDDLEWARE] }),
      new PgInstrumentation({ requireParentSpan: true }),
      new UndiciInstrumentation({ requireParentforSpans: true }),
    ],
  });
  return () => provider.shutdown();
}
