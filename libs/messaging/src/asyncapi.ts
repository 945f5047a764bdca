import { ScalarType, type DescEnum, type DescField, type DescMessage } from '@bufbuild/protobuf';
import { EVENTS, EVENT_CONSUMERS, RPCS, type EventType, type RpcName } from '@atelier/contracts';
import { brokerUserOf } from './broker-identity';
import { HEADERS } from './envelope';
import { RPC_HEADERS, rpcExchange, rpcQueue } from './rpc';
import { topologyNames } from './topology';

type JsonSchema = Record<string, unknown>;

/** An AsyncAPI 3.0 document, as plain JSON. */
export type AsyncApiDocument = Record<string, unknown> & { asyncapi: '3.0.0' };

const SCALARS: Partial<Record<ScalarType, JsonSchema>> = {
  [ScalarType.DOUBLE]: { type: 'number' },
  [ScalarType.FLOAT]: { type: 'number' },
  [ScalarType.INT32]: { type: 'integer', format: 'int32' },
  [ScalarType.SINT32]: { type: 'integer', format: 'int32' },
  [ScalarType.SFIXED32]: { type: 'integer', format: 'int32' },
  [ScalarType.UINT32]: { type: 'integer', minimum: 0 },
  [ScalarType.FIXED32]: { type: 'integer', minimum: 0 },
  // proto3's JSON mapping writes 64-bit integers as decimal strings.
  [ScalarType.INT64]: { type: 'string', pattern: '^-?[0-9]+$', format: 'int64' },
  [ScalarType.SINT64]: { type: 'string', pattern: '^-?[0-9]+$', format: 'int64' },
  [ScalarType.SFIXED64]: { type: 'string', pattern: '^-?[0-9]+$', format: 'int64' },
  [ScalarType.UINT64]: { type: 'string', pattern: '^[0-9]+$', format: 'uint64' },
  [ScalarType.FIXED64]: { type: 'string', pattern: '^[0-9]+$', format: 'uint64' },
  [ScalarType.BOOL]: { type: 'boolean' },
  [ScalarType.STRING]: { type: 'string' },
  [ScalarType.BYTES]: { type: 'string', contentEncoding: 'base64' },
};

const schemaName = (typeName: string): string => typeName.replace(/^atelier\./, '').replace(/\./g, '_');

/**
 * JSON Schemas of protobuf messages in their proto3 JSON mapping (field names in lowerCamelCase), one per message
 * type under components.schemas, nested types by $ref so recursive messages terminate.
 */
class ProtoSchemas {
  readonly schemas: Record<string, JsonSchema> = {};

  ref(desc: DescMessage): JsonSchema {
    const name = schemaName(desc.typeName);
    if (!this.schemas[name]) {
      this.schemas[name] = {}; // reserve first: a field may refer back to this type
      this.schemas[name] = this.message(desc);
    }
    return { $ref: `#/components/schemas/${name}` };
  }

  private message(desc: DescMessage): JsonSchema {
    const properties = Object.fromEntries(desc.fields.map((f) => [f.jsonName, this.field(f)]));
    return {
      type: 'object',
      title: desc.name,
      'x-proto-message': desc.typeName,
      additionalProperties: false,
      properties,
    };
  }

  private enumSchema(e: DescEnum): JsonSchema {
    return { type: 'string', enum: e.values.map((v) => v.name), 'x-proto-enum': e.typeName };
  }

  private single(
    kind: 'scalar' | 'enum' | 'message',
    f: { scalar?: ScalarType; enum?: DescEnum; message?: DescMessage },
  ) {
    if (kind === 'scalar' && f.scalar !== undefined) return SCALARS[f.scalar] ?? {};
    if (kind === 'enum' && f.enum) return this.enumSchema(f.enum);
    if (kind === 'message' && f.message) return this.ref(f.message);
    return {};
  }

  private field(f: DescField): JsonSchema {
    const described = (s: JsonSchema): JsonSchema => ({ ...s, 'x-proto-field': f.name });
    switch (f.fieldKind) {
      case 'scalar':
        return described(this.single('scalar', f));
      case 'enum':
        return described(this.single('enum', f));
      case 'message':
        return described({ allOf: [this.single('message', f)] });
      case 'list':
        return described({ type: 'array', items: this.single(f.listKind, f) });
      case 'map':
        return described({ type: 'object', additionalProperties: this.single(f.mapKind, f) });
    }
  }
}

/** The AMQP properties and headers every event carries (envelope.ts), as the message's headers schema. */
const ENVELOPE_HEADERS: JsonSchema = {
  type: 'object',
  description:
    'AMQP properties: message_id (event id, UUID), type (the routing key), correlation_id (the generation or request ' +
    'it belongs to), app_id (producer), user_id (the producer broker user, verified by RabbitMQ), timestamp. ' +
    'Headers below; the retry and dead-letter ones appear only on redeliveries and in the DLQ.',
  properties: {
    [HEADERS.version]: { type: 'integer', description: 'contract version of the payload' },
    [HEADERS.causationId]: { type: 'string', description: 'event id that caused this one (UUID)' },
    [HEADERS.occurredAt]: { type: 'string', format: 'date-time' },
    [HEADERS.attempt]: { type: 'integer', description: 'delivery attempt, 1-based (retries)' },
    [HEADERS.lastError]: { type: 'string' },
    [HEADERS.failureReason]: { type: 'string', description: 'DLQ only: machine-readable reason, e.g. invalid_payload' },
    [HEADERS.failureClass]: { type: 'string', enum: ['fatal', 'transient'] },
    [HEADERS.attempts]: { type: 'integer' },
    [HEADERS.originalType]: { type: 'string' },
    [HEADERS.failedBy]: { type: 'string' },
    traceparent: {
      type: 'string',
      description:
        'W3C trace context of the request or message that caused this one (stored with the outbox row, so it survives ' +
        'the relay); present when tracing is on (OTEL_TRACES_EXPORTER=otlp)',
    },
    tracestate: { type: 'string', description: 'W3C trace state, when the trace has one' },
  },
};

const pascal = (s: string): string =>
  s
    .split(/[._]/)
    .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
    .join('');

/**
 * The event catalogue of the mesh as an AsyncAPI 3.0 document, generated from libs/contracts (events, producers,
 * consumers, RPCs, callers, payload schemas from proto) and the topology (exchanges, queues): never written by hand.
 */
export function asyncApiDocument(
  namespace: string,
  options: { version?: string; host?: string } = {},
): AsyncApiDocument {
  const proto = new ProtoSchemas();
  const events = topologyNames(namespace, '').exchange;
  const channels: Record<string, unknown> = {};
  const operations: Record<string, unknown> = {};
  const messages: Record<string, unknown> = {};
  const eventsExchange = { name: events, type: 'topic', durable: true, autoDelete: false, vhost: '/' };
  const rpcs = { name: rpcExchange(namespace), type: 'direct', durable: true, autoDelete: false, vhost: '/' };

  for (const type of Object.keys(EVENTS) as EventType[]) {
    const def = EVENTS[type];
    const consumers = EVENT_CONSUMERS[type];
    const messageId = pascal(type);
    messages[messageId] = {
      name: type,
      title: def.schema.name,
      contentType: 'application/x-protobuf',
      correlationId: { location: '$message.header#/correlation_id' },
      headers: ENVELOPE_HEADERS,
      payload: proto.ref(def.schema),
      'x-contract-version': def.version,
    };
    channels[type] = {
      address: type,
      title: type,
      description:
        `Routing key \`${type}\` on the \`${events}\` topic exchange. Published only by ${def.producers.join(', ')} ` +
        `(broker users ${def.producers.map((p) => brokerUserOf(namespace, p)).join(', ')}; others are refused by ` +
        `topic permissions or dead-lettered as forged_producer). ` +
        (consumers.length > 0
          ? `Consumed by ${consumers.join(', ')}.`
          : 'No mesh service consumes it: it is published for systems outside the mesh.'),
      messages: { [messageId]: { $ref: `#/components/messages/${messageId}` } },
      bindings: { amqp: { is: 'routingKey', exchange: eventsExchange, bindingVersion: '0.3.0' } },
      'x-producers': [...def.producers],
      'x-consumers': [...consumers],
    };
    for (const producer of def.producers) {
      operations[`${producer}.publish.${type}`] = {
        action: 'send',
        title: `${producer} publishes ${type}`,
        summary: 'Through the transactional outbox: published after the producing transaction commits.',
        channel: { $ref: `#/channels/${type}` },
        messages: [{ $ref: `#/channels/${type}/messages/${messageId}` }],
        bindings: { amqp: { deliveryMode: 2, userId: brokerUserOf(namespace, producer), bindingVersion: '0.3.0' } },
      };
    }
    for (const consumer of consumers) {
      const names = topologyNames(namespace, consumer);
      operations[`${consumer}.consume.${type}`] = {
        action: 'receive',
        title: `${consumer} consumes ${type}`,
        summary:
          `From queue \`${names.queue}\` (quorum), deduplicated by the inbox in the handler's transaction, acked ` +
          `after commit; retries through \`${names.queue}.retry.N\`, then \`${names.deadLetterQueue}\` with a reason.`,
        channel: { $ref: `#/channels/${type}` },
        messages: [{ $ref: `#/channels/${type}/messages/${messageId}` }],
        bindings: { amqp: { ack: true, bindingVersion: '0.3.0' } },
        'x-queue': names.queue,
        'x-dead-letter-queue': names.deadLetterQueue,
      };
    }
  }

  for (const name of Object.keys(RPCS) as RpcName[]) {
    const def = RPCS[name];
    const request = `${pascal(name)}Request`;
    const reply = `${pascal(name)}Reply`;
    messages[request] = {
      name: `${name} request`,
      contentType: 'application/x-protobuf',
      correlationId: { location: '$message.header#/correlation_id' },
      payload: proto.ref(def.request),
    };
    messages[reply] = {
      name: `${name} reply`,
      contentType: 'application/x-protobuf',
      correlationId: { location: '$message.header#/correlation_id' },
      headers: {
        type: 'object',
        properties: {
          [RPC_HEADERS.errorCode]: {
            type: 'string',
            description: 'set on a failed call, e.g. not_found, forbidden_caller',
          },
          [RPC_HEADERS.errorMessage]: { type: 'string' },
          [RPC_HEADERS.errorClass]: { type: 'string', enum: ['caller', 'server'] },
        },
      },
      payload: proto.ref(def.reply),
    };
    channels[name] = {
      address: name,
      title: name,
      description:
        `Request/reply call answered by ${def.server} from queue \`${rpcQueue(namespace, def.server)}\`, bound with ` +
        `routing key \`${name}\` on \`${rpcExchange(namespace)}\`. Callers: ${def.callers.join(', ')} (others get ` +
        'forbidden_caller). The reply goes to RabbitMQ direct reply-to.',
      messages: { [request]: { $ref: `#/components/messages/${request}` } },
      bindings: { amqp: { is: 'routingKey', exchange: rpcs, bindingVersion: '0.3.0' } },
      'x-server': def.server,
      'x-callers': [...def.callers],
    };
    channels[`${name}.reply`] = {
      address: null,
      title: `${name} reply`,
      description: "The caller's direct reply-to pseudo-queue (amq.rabbitmq.reply-to).",
      messages: { [reply]: { $ref: `#/components/messages/${reply}` } },
    };
    operations[`${def.server}.answer.${name}`] = {
      action: 'receive',
      title: `${def.server} answers ${name}`,
      channel: { $ref: `#/channels/${name}` },
      messages: [{ $ref: `#/channels/${name}/messages/${request}` }],
      reply: {
        address: { location: '$message.header#/reply_to' },
        channel: { $ref: `#/channels/${name}.reply` },
        messages: [{ $ref: `#/channels/${name}.reply/messages/${reply}` }],
      },
    };
  }

  return {
    asyncapi: '3.0.0',
    info: {
      title: 'atelier mesh events and calls',
      version: options.version ?? '1',
      description:
        "Every event and request/reply call on the mesh's RabbitMQ, generated from libs/contracts and the topology. " +
        'Payloads are protobuf (binary) on the wire; the schemas below describe them in proto3 JSON form, each ' +
        'naming its proto message (x-proto-message). Every service logs in as its own broker user.',
    },
    defaultContentType: 'application/x-protobuf',
    servers: {
      broker: {
        host: options.host ?? 'rabbitmq:5672',
        protocol: 'amqp',
        protocolVersion: '0-9-1',
        description: `The mesh's RabbitMQ; exchanges ${events} (topic, events) and ${rpcExchange(namespace)} (calls).`,
      },
    },
    channels,
    operations,
    components: { messages, schemas: proto.schemas },
  };
}
