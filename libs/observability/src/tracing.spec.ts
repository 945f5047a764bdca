import { context, trace } from '@opentelemetry/api';
import { InMemorySpanExporter, NodeTracerProvider, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-node';
import { loadConfig } from '@atelier/config';
import { activeTraceIds, startTracing } from './tracing';

describe('tracing', () => {
  it('is off by default: nothing registered, spans are non-recording, logs get no trace ids', () => {
    const config = loadConfig('judge', {}).tracing;
    expect(config.enabled).toBe(false);
    expect(startTracing(config)).toBe(false);
    const span = trace.getTracer('t').startSpan('x');
    expect(span.isRecording()).toBe(false);
    expect(context.with(trace.setSpan(context.active(), span), () => activeTraceIds())).toEqual({});
  });

  it('gives log lines the active span’s trace_id and span_id', async () => {
    const provider = new NodeTracerProvider({ spanProcessors: [new SimpleSpanProcessor(new InMemorySpanExporter())] });
    provider.register();
    try {
      const span = trace.getTracer('t').startSpan('handle');
      const ids = context.with(trace.setSpan(context.active(), span), () => activeTraceIds());
      expect(ids).toEqual({ trace_id: span.spanContext().traceId, span_id: span.spanContext().spanId });
      expect(ids.trace_id).toMatch(/^[0-9a-f]{32}$/);
      span.end();
      expect(activeTraceIds()).toEqual({});
    } finally {
      await provider.shutdown();
      trace.disable();
      context.disable();
    }
  });
});
