import { randomBytes } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { ServiceName } from '@atelier/config';
import { EVENTS, create, toBinary } from '@atelier/contracts';
import { envelopeToPublishOptions, newEnvelope } from '@atelier/messaging';
import { OtlpReceiver, type ReceivedSpan } from './support/otlp-receiver';
import { TestMesh } from './support/test-mesh';

const SAGA_SERVICES: ServiceName[] = ['gateway', 'billing', 'enhancer', 'generator', 'judge'];
/** Producer → consumer hops every generation crosses on the broker. */
const SAGA_HOPS = ['gateway→billing', 'billing→enhancer', 'enhancer→generator', 'generator→judge', 'judge→gateway'];
const SPAN_KIND = { server: 2, producer: 4, consumer: 5 };

interface TraceReport {
  generationId: string;
  traceIds: string[];
  spans: ReceivedSpan[];
  services: string[];
  hops: string[];
  /** Consumer spans whose parent is not a producer span of the same trace (a break across the broker). */
  orphanConsumers: number;
  /** Spans whose parent is missing from the trace, other than the root. */
  roots: ReceivedSpan[];
  unbroken: boolean;
}

/** Everything the receiver holds about one generation: the traces its messages were processed in. */
function report(receiver: OtlpReceiver, generationId: string): TraceReport {
  const tagged = receiver.spans.filter((s) => s.attributes['messaging.message.conversation_id'] === generationId);
  const traceIds = [...new Set(tagged.map((s) => s.traceId))];
  const spans = traceIds.length === 1 ? receiver.trace(traceIds[0]) : tagged;
  const byId = new Map(spans.map((s) => [s.spanId, s]));
  const roots = spans.filter((s) => !s.parentSpanId || !byId.has(s.parentSpanId));
  const hops = new Set<string>();
  let orphanConsumers = 0;
  for (const s of spans.filter((x) => x.kind === SPAN_KIND.consumer)) {
    const parent = byId.get(s.parentSpanId);
    if (!parent || parent.kind !== SPAN_KIND.producer) orphanConsumers += 1;
    else hops.add(`${parent.service}→${s.service}`);
  }
  const services = [...new Set(spans.map((s) => s.service))].sort();
  const unbroken =
    traceIds.length === 1 &&
    roots.length === 1 &&
    roots[0].service === 'gateway' &&
    roots[0].kind === SPAN_KIND.server &&
    orphanConsumers === 0 &&
    SAGA_SERVICES.every((s) => services.includes(s)) &&
    SAGA_HOPS.every((h) => hops.has(h));
  return { generationId, traceIds, spans, services, hops: [...hops].sort(), orphanConsumers, roots, unbroken };
}

/**
 * OpenTelemetry across the mesh: every service exports over OTLP/HTTP (JSON) to a receiver this test runs; one
 * `POST /v1/generations` must come back as ONE trace rooted in the gateway's HTTP span, with the trace context
 * carried through each outbox row and AMQP message (publish span → consumer span) across billing, enhancer,
 * generator and judge.
 */
describe('tracing across the mesh', () => {
  const receiver = new OtlpReceiver();
  let mesh: TestMesh;

  beforeAll(async () => {
    const endpoint = await receiver.start();
    mesh = new TestMesh({
      // The saga's five services (the recommender takes no part), given time to start on a busy machine.
      services: SAGA_SERVICES,
      readyTimeoutMs: 300000,
      env: {
        JUDGE_BACKEND: 'statistics',
        OTEL_TRACES_EXPORTER: 'otlp',
        OTEL_EXPORTER_OTLP_ENDPOINT: endpoint,
        OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
        OTEL_BSP_SCHEDULE_DELAY: '200',
      },
    });
    await mesh.start();
  }, 420000);
  afterAll(async () => {
    await mesh?.stop();
    await receiver.stop();
  }, 60000);

  it('gives each generation one unbroken trace over gateway, billing, enhancer, generator and judge', async () => {
    const N = 5;
    const users = Array.from({ length: N }, () => mesh.newUser());
    const submitted = await Promise.all(
      users.map((user, i) =>
        mesh.client.submit(user, { prompt: `баннер для кофейни, осень ${i}`, n: 2, width: 256, height: 256, seed: i }),
      ),
    );
    expect(submitted.map((s) => s.status)).toEqual(Array(N).fill(202));
    const ids = submitted.map((s) => s.body.id ?? '');
    const done = await Promise.all(ids.map((id, i) => mesh.client.waitForTerminal(users[i], id, 90000, 200)));
    expect(done.map((d) => d.status)).toEqual(Array(N).fill('completed'));

    // The trace context rests with the outbox rows: every event of these generations was stored with a traceparent.
    const rows = await mesh.query<{ type: string; traceparent: string | null; service: string }>(
      SAGA_SERVICES.map(
        (s) => `SELECT '${s}' AS service, type, traceparent FROM "${s}".outbox WHERE correlation_id = ANY($1)`,
      ).join(' UNION ALL '),
      [ids],
    );
    expect(rows.length).toBeGreaterThanOrEqual(N * 5);
    expect(rows.filter((r) => !/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/.test(r.traceparent ?? ''))).toEqual([]);

    // Spans are exported every 200 ms: wait until every generation's trace is whole and no more spans arrive.
    let last = -1;
    await mesh
      .waitFor(
        async () => {
          const whole = ids.every((id) => report(receiver, id).unbroken);
          const count = receiver.spans.length;
          const settled = whole && count === last;
          last = count;
          if (!settled) await new Promise((r) => setTimeout(r, 1000));
          return settled ? true : undefined;
        },
        45000,
        'complete traces',
      )
      .catch(() => undefined);

    const reports = ids.map((id) => report(receiver, id));
    const unbroken = reports.filter((r) => r.unbroken).length;
    const perGeneration = reports.map((r) => r.spans.length);
    const perService = SAGA_SERVICES.map(
      (s) => `${s} ${reports.reduce((n, r) => n + r.spans.filter((x) => x.service === s).length, 0) / N}`,
    );
    // The trace id of each generation, as every service logged it (trace_id on JSON log lines inside its spans).
    const logDir = resolve(__dirname, '..', 'var', 'test-logs', mesh.id);
    const logs = readdirSync(logDir).map((f) => readFileSync(join(logDir, f), 'utf8'));
    const logged = reports.filter((r) => logs.some((text) => text.includes(`"trace_id":"${r.traceIds[0]}"`))).length;
    console.log(
      [
        `trace completeness over ${N} generations (POST /v1/generations → completed):`,
        `  unbroken traces: ${unbroken}/${N} (${((100 * unbroken) / N).toFixed(0)} %)`,
        `  spans per generation: ${perGeneration.join(', ')} (mean ${(perGeneration.reduce((a, b) => a + b, 0) / N).toFixed(1)})`,
        `  spans per generation by service: ${perService.join(', ')}`,
        `  broker hops (producer → consumer) in every trace: ${reports[0].hops.join(', ')}`,
        `  traces whose id appears in the services' JSON logs: ${logged}/${N}`,
        `  export requests refused by the receiver: ${receiver.rejected}`,
      ].join('\n'),
    );

    for (const r of reports) {
      expect({ id: r.generationId, traces: r.traceIds.length }).toEqual({ id: r.generationId, traces: 1 });
      expect(r.roots.map((s) => [s.service, s.kind, s.name])).toEqual([
        ['gateway', SPAN_KIND.server, expect.stringMatching(/^POST/)],
      ]);
      expect(r.services).toEqual(expect.arrayContaining(SAGA_SERVICES));
      expect(r.hops).toEqual(expect.arrayContaining(SAGA_HOPS));
      expect(r.orphanConsumers).toBe(0);
      // Each service did its database work inside the trace (pg spans are children of the message spans).
      for (const s of SAGA_SERVICES)
        expect(r.spans.some((x) => x.service === s && x.name.startsWith('pg.'))).toBe(true);
    }
    expect(unbroken).toBe(N);
    expect(receiver.rejected).toBe(0);
  }, 240000);

  it('continues an incoming traceparent in the consumer span and its log lines, and keeps it on the dead letter', async () => {
    const traceId = randomBytes(16).toString('hex');
    const parentId = randomBytes(8).toString('hex');
    // A completion whose generation id is not a UUID: the payload pipe refuses it (invalid_payload) inside the span.
    const schema = EVENTS['generation.completed'].schema;
    const body = Buffer.from(toBinary(schema, create(schema, { generationId: 'not-a-uuid', userId: mesh.newUser() })));
    const envelope = newEnvelope('generation.completed', 'judge', 'trace-test');
    const options = envelopeToPublishOptions(envelope);
    const ch = await (await mesh.amqp()).createConfirmChannel();
    ch.publish(`${mesh.namespace}.events`, 'generation.completed', body, {
      ...options,
      headers: { ...options.headers, traceparent: `00-${traceId}-${parentId}-01` },
    });
    await ch.waitForConfirms();
    await ch.close();

    const dead = await mesh.waitFor(
      async () => (await mesh.drainDeadLetters('gateway')).find((m) => m.properties.messageId === envelope.eventId),
      30000,
      'the refused completion in the gateway DLQ',
    );
    expect(String(dead.properties.headers?.['x-failure-reason'])).toMatch(/^invalid_payload/);
    expect(String(dead.properties.headers?.traceparent)).toBe(`00-${traceId}-${parentId}-01`);

    const span = await mesh.waitFor(
      async () =>
        receiver.spans.find((s) => s.traceId === traceId && s.service === 'gateway' && s.kind === SPAN_KIND.consumer),
      30000,
      'the gateway consumer span',
    );
    expect([span.name, span.kind, span.parentSpanId]).toEqual([
      'process generation.completed',
      SPAN_KIND.consumer,
      parentId,
    ]);
    expect(span.attributes['atelier.outcome']).toBe('dead_lettered');
    // Its database work (the inbox transaction of the giveUp path) sits under it.
    await mesh.waitFor(
      async () => (receiver.trace(traceId).some((s) => s.parentSpanId === span.spanId) ? true : undefined),
      15000,
      'child spans of the consumer span',
    );

    const log = join(resolve(__dirname, '..', 'var', 'test-logs', mesh.id), 'gateway.log');
    const line = await mesh.waitFor(
      async () =>
        readFileSync(log, 'utf8')
          .split('\n')
          .find((l) => l.includes(`"trace_id":"${traceId}"`)),
      15000,
      'a gateway log line with the trace id',
    );
    expect(JSON.parse(line)).toMatchObject({ trace_id: traceId, span_id: span.spanId, event_id: envelope.eventId });
  }, 90000);
});
