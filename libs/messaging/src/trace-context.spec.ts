import { context, propagation, trace } from '@opentelemetry/api';
import { InMemorySpanExporter, NodeTracerProvider, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-node';
import { SpanKind, activeTraceCarrier, consumeInSpan, publishInSpan, startClientSpan } from './trace-context';

describe('trace context across the broker', () => {
  const exporter = new InMemorySpanExporter();
  const provider = new NodeTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });

  beforeAll(() => provider.register());
  afterEach(() => exporter.reset());
  afterAll(async () => {
    await provider.shutdown();
    trace.disable();
    context.disable();
    propagation.disable();
  });

  it('stores the request’s context, publishes under a child span and consumes as the publish span’s child', async () => {
    const request = provider.getTracer('test').startSpan('POST /v1/generations');
    // What Outbox.add stores with the row, inside the request.
    const stored = context.with(trace.setSpan(context.active(), request), () => activeTraceCarrier());
    request.end();
    expect(stored.traceparent).toBe(`00-${request.spanContext().traceId}-${request.spanContext().spanId}-01`);

    // Later, outside the request: the relay publishes the row with the stored context.
    let sent: Record<string, string> = {};
    await publishInSpan(true, stored, 'publish generation.requested', {}, async (headers) => {
      sent = headers;
      return true;
    });
    const [, publish] = exporter.getFinishedSpans();
    expect(publish.kind).toBe(SpanKind.PRODUCER);
    expect(publish.parentSpanContext?.spanId).toBe(request.spanContext().spanId);
    expect(sent.traceparent).toBe(`00-${request.spanContext().traceId}-${publish.spanContext().spanId}-01`);

    // A consumer in another process: its span is the publish span's child, and it is active inside the handler,
    // so the next outbox row continues the same trace.
    const next = await consumeInSpan(true, sent, 'process generation.requested', SpanKind.CONSUMER, {}, async () =>
      activeTraceCarrier(),
    );
    const consume = exporter.getFinishedSpans()[2];
    expect(consume.kind).toBe(SpanKind.CONSUMER);
    expect(consume.parentSpanContext?.spanId).toBe(publish.spanContext().spanId);
    expect(consume.spanContext().traceId).toBe(request.spanContext().traceId);
    expect(next.traceparent).toBe(`00-${request.spanContext().traceId}-${consume.spanContext().spanId}-01`);
  });

  it('reads traceparent from Buffer header values, marks failures, and ends client spans once', async () => {
    const parent = provider.getTracer('test').startSpan('caller');
    parent.end();
    const tp = `00-${parent.spanContext().traceId}-${parent.spanContext().spanId}-01`;
    await expect(
      consumeInSpan(true, { traceparent: Buffer.from(tp) }, 'rpc x', SpanKind.SERVER, {}, () =>
        Promise.reject(new Error('boom')),
      ),
    ).rejects.toThrow('boom');
    const failed = exporter.getFinishedSpans()[1];
    expect(failed.parentSpanContext?.spanId).toBe(parent.spanContext().spanId);
    expect(failed.status).toMatchObject({ code: 2, message: 'boom' });

    const call = context.with(trace.setSpan(context.active(), parent), () => startClientSpan(true, 'rpc y', {}));
    expect(call.headers.traceparent).toMatch(new RegExp(`^00-${parent.spanContext().traceId}-[0-9a-f]{16}-01$`));
    call.end();
    call.end(new Error('late'));
    const clients = exporter.getFinishedSpans().filter((s) => s.name === 'rpc y');
    expect(clients).toHaveLength(1);
    expect(clients[0].status.code).toBe(0);
  });

  it('with tracing off: no spans, stored context passed through untouched, nothing injected', async () => {
    const stored = { traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' };
    let sent: Record<string, string> = {};
    await publishInSpan(false, stored, 'publish x', {}, async (h) => {
      sent = h;
    });
    expect(sent).toEqual(stored);
    await publishInSpan(false, {}, 'publish x', {}, async (h) => {
      sent = h;
    });
    expect(sent).toEqual({});
    expect(await consumeInSpan(false, stored, 'process x', SpanKind.CONSUMER, {}, async () => 42)).toBe(42);
    expect(startClientSpan(false, 'rpc z', {}).headers).toEqual({});
    expect(exporter.getFinishedSpans()).toHaveLength(0);
  });
});
