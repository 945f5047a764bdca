import { Parser } from '@asyncapi/parser';
import { EVENTS, EVENT_CONSUMERS, RPCS, type EventType } from '@atelier/contracts';
import { asyncApiDocument } from './asyncapi';

interface Doc {
  channels: Record<string, { address: string | null; 'x-producers'?: string[]; 'x-consumers'?: string[] }>;
  operations: Record<string, { action: string; 'x-queue'?: string; bindings?: { amqp?: { userId?: string } } }>;
  components: { schemas: Record<string, { properties?: Record<string, Record<string, unknown>> }> };
}

describe('asyncApiDocument (the event catalogue)', () => {
  const doc = asyncApiDocument('atelier');
  const typed = doc as unknown as Doc;

  it('is a valid AsyncAPI 3 document for the official parser (no errors)', async () => {
    const { document, diagnostics } = await new Parser().parse(JSON.stringify(doc));
    // Severity 0 is an error; warnings (1) and hints are allowed.
    expect(diagnostics.filter((d) => d.severity === 0).map((d) => `${d.path.join('/')}: ${d.message}`)).toEqual([]);
    expect(document?.version()).toBe('3.0.0');
    expect(document?.channels().length).toBe(Object.keys(EVENTS).length + 2 * Object.keys(RPCS).length);
  }, 60000);

  it('the parser check is not vacuous: a dangling channel reference is an error', async () => {
    const broken = structuredClone(doc) as unknown as Doc;
    delete broken.channels['quota.reserved'];
    const { diagnostics } = await new Parser().parse(JSON.stringify(broken));
    expect(diagnostics.filter((d) => d.severity === 0).length).toBeGreaterThan(0);
  }, 60000);

  it('names each event type with its producers, consumers and their queues', () => {
    for (const type of Object.keys(EVENTS) as EventType[]) {
      expect(typed.channels[type]).toMatchObject({
        address: type,
        'x-producers': [...EVENTS[type].producers],
        'x-consumers': [...EVENT_CONSUMERS[type]],
      });
      for (const p of EVENTS[type].producers) {
        expect(typed.operations[`${p}.publish.${type}`]).toMatchObject({
          action: 'send',
          bindings: { amqp: { userId: `atelier-${p}` } },
        });
      }
      for (const c of EVENT_CONSUMERS[type]) {
        expect(typed.operations[`${c}.consume.${type}`]).toMatchObject({
          action: 'receive',
          'x-queue': `atelier.${c}`,
        });
      }
    }
  });

  it('derives payload schemas from the proto messages, nested ones by reference', () => {
    const requested = typed.components.schemas['gateway_v1_GenerationRequested'];
    expect(requested.properties?.generationId).toMatchObject({ type: 'string', 'x-proto-field': 'generation_id' });
    expect(requested.properties?.params).toMatchObject({
      allOf: [{ $ref: '#/components/schemas/mesh_v1_GenerationParams' }],
    });
    expect(typed.components.schemas['mesh_v1_GenerationParams'].properties?.n).toMatchObject({ type: 'integer' });
  });
});
