import { randomUUID } from 'node:crypto';
import { ClientProxy, type ReadPacket, type WritePacket } from '@nestjs/microservices';
import type { ChannelWrapper } from 'amqp-connection-manager';
import type { Channel, ConsumeMessage } from 'amqplib';
import { RPCS, create, fromBinary, isRpcName, toBinary } from '@atelier/contracts';
import { currentMessageContext } from '@atelier/observability';
import type { AmqpConnection } from './amqp-connection';
import { RPC_HEADERS, RpcError, rpcExchange } from './rpc';
import { startClientSpan } from './trace-context';

const REPLY_TO = 'amq.rabbitmq.reply-to';

/** What `send(name, call)` carries: the request, how long the caller waits, and extra AMQP headers (e.g. a signed caller). */
export interface OutgoingCall {
  request: unknown;
  timeoutMs: number;
  headers?: Readonly<Record<string, string>>;
}

interface Pending {
  name: string;
  callback: (packet: WritePacket) => void;
  timer: NodeJS.Timeout;
}

/**
 * The mesh's ClientProxy, for request/reply only (`send`): over RabbitMQ direct reply-to, so there is no reply
 * queue to declare or clean up. Unroutable calls (no server bound) fail at once instead of timing out.
 * `emit` is refused: events leave a service only through its outbox, in the transaction of the change they announce.
 */
export class MeshClientProxy extends ClientProxy {
  private readonly pending = new Map<string, Pending>();
  private readonly channel: ChannelWrapper;
  private readonly exchange: string;

  constructor(
    connection: AmqpConnection,
    namespace: string,
    /** Set as the AMQP user-id (the broker checks it), so the server knows which service calls. */
    private readonly brokerUser: string,
    /** Calls get a CLIENT span and carry its `traceparent` (the server's span is its child). */
    private readonly traced = false,
  ) {
    super();
    this.exchange = rpcExchange(namespace);
    // Direct reply-to needs the consumer and the publisher on one channel.
    this.channel = connection.manager.createChannel({
      name: 'rpc-client',
      json: false,
      setup: async (ch: Channel) => {
        await ch.assertExchange(this.exchange, 'direct', { durable: true });
        ch.on('return', (msg: ConsumeMessage) => this.settle(msg, true));
        await ch.consume(REPLY_TO, (msg) => msg && this.settle(msg, false), { noAck: true });
      },
    });
  }

  async connect(): Promise<void> {
    await this.channel.waitForConnect();
  }

  async close(): Promise<void> {
    for (const p of this.pending.values()) clearTimeout(p.timer);
    this.pending.clear();
    await this.channel.close().catch(() => undefined);
  }

  unwrap<T>(): T {
    return this.channel as T;
  }

  protected publish(packet: ReadPacket<OutgoingCall>, callback: (packet: WritePacket) => void): () => void {
    const name = String(packet.pattern);
    const { request, timeoutMs, headers } = packet.data;
    if (!isRpcName(name)) {
      callback({ err: new RpcError(name, 'unknown_rpc', 'not a call of the mesh', true) });
      return () => undefined;
    }
    const def = RPCS[name];
    const correlationId = randomUUID();
    const span = startClientSpan(this.traced, `rpc ${name}`, {
      'rpc.system': 'atelier-mesh',
      'rpc.method': name,
      'server.address': def.server,
    });
    const done = (reply: WritePacket): void => {
      span.end(reply.err);
      callback(reply);
    };
    const timer = setTimeout(() => {
      this.pending.delete(correlationId);
      done({ err: new RpcError(name, 'rpc_timeout', `no answer from ${def.server} within ${timeoutMs} ms`) });
    }, timeoutMs);
    this.pending.set(correlationId, { name, callback: done, timer });
    const body = Buffer.from(toBinary(def.request, create(def.request, request as never)));
    this.channel
      .publish(this.exchange, name, body, {
        correlationId,
        userId: this.brokerUser,
        replyTo: REPLY_TO,
        type: name,
        mandatory: true,
        expiration: String(timeoutMs),
        headers: {
          ...headers,
          ...span.headers,
          'x-correlation-id': currentMessageContext()?.correlationId ?? correlationId,
        },
      })
      .catch((err: unknown) => this.fail(correlationId, new RpcError(name, 'rpc_unavailable', String(err))));
    return () => {
      const p = this.pending.get(correlationId);
      if (p) clearTimeout(p.timer);
      this.pending.delete(correlationId);
      span.end();
    };
  }

  protected dispatchEvent(): Promise<never> {
    return Promise.reject(new Error('events leave through the outbox (ctx.emit / Outbox.add), not the client'));
  }

  private fail(correlationId: string, err: RpcError): void {
    const p = this.pending.get(correlationId);
    if (!p) return;
    clearTimeout(p.timer);
    this.pending.delete(correlationId);
    p.callback({ err });
  }

  private settle(msg: ConsumeMessage, returned: boolean): void {
    const id = msg.properties.correlationId as string | undefined;
    const p = id ? this.pending.get(id) : undefined;
    if (!p || !id) return;
    const { name } = p;
    const headers = msg.properties.headers ?? {};
    if (returned) {
      // A returned (unroutable) request: nobody is bound to this call's routing key.
      this.fail(
        id,
        new RpcError(
          name,
          'rpc_unavailable',
          `no ${RPCS[name as keyof typeof RPCS].server} instance is serving ${name}`,
        ),
      );
      return;
    }
    if (headers[RPC_HEADERS.errorCode]) {
      this.fail(
        id,
        new RpcError(
          name,
          String(headers[RPC_HEADERS.errorCode]),
          String(headers[RPC_HEADERS.errorMessage] ?? ''),
          headers[RPC_HEADERS.errorClass] === 'caller',
        ),
      );
      return;
    }
    clearTimeout(p.timer);
    this.pending.delete(id);
    try {
      const reply = fromBinary(RPCS[name as keyof typeof RPCS].reply, msg.content);
      p.callback({ response: reply, isDisposed: true });
    } catch (err) {
      p.callback({ err: new RpcError(name, 'invalid_reply', String(err)) });
    }
  }
}
