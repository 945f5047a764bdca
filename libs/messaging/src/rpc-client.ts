import { randomUUID } from 'node:crypto';
import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import type { ChannelWrapper } from 'amqp-connection-manager';
import type { Channel, ConsumeMessage } from 'amqplib';
import { SERVICE_CONFIG, type ServiceConfig } from '@atelier/config';
import { RPCS, create, fromBinary, toBinary, type RpcName, type RpcReply } from '@atelier/contracts';
import { currentMessageContext } from '@atelier/observability';
import { AmqpConnection } from './amqp-connection';
import { RPC_HEADERS, RpcError, rpcExchange, type RpcRequestInit } from './rpc';

const REPLY_TO = 'amq.rabbitmq.reply-to';

interface Pending {
  resolve(msg: ConsumeMessage): void;
  timer: NodeJS.Timeout;
}

/**
 * Calls another service and waits for its answer, over RabbitMQ direct reply-to (no reply queue to
 * declare or clean up). Unroutable calls (no server bound) fail at once instead of timing out.
 */
@Injectable()
export class RpcClient implements OnApplicationShutdown {
  private readonly pending = new Map<string, Pending>();
  private readonly channel: ChannelWrapper;
  private readonly exchange: string;

  constructor(connection: AmqpConnection, @Inject(SERVICE_CONFIG) config: ServiceConfig) {
    this.exchange = rpcExchange(config.messaging.namespace);
    // Direct reply-to needs the consumer and the publisher on one channel.
    this.channel = connection.manager.createChannel({
      name: 'rpc-client',
      json: false,
      setup: async (ch: Channel) => {
        await ch.assertExchange(this.exchange, 'direct', { durable: true });
        ch.on('return', (msg: ConsumeMessage) => this.settle(msg, 'unroutable'));
        await ch.consume(REPLY_TO, (msg) => msg && this.settle(msg), { noAck: true });
      },
    });
  }

  async call<N extends RpcName>(name: N, request: RpcRequestInit<N>, timeoutMs = 3000): Promise<RpcReply<N>> {
    const def = RPCS[name];
    const correlationId = randomUUID();
    const answer = new Promise<ConsumeMessage>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(correlationId);
        reject(new RpcError(name, 'rpc_timeout', `no answer from ${def.server} within ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(correlationId, { resolve, timer });
    });
    await this.channel.publish(
      this.exchange,
      name,
      Buffer.from(toBinary(def.request, create(def.request, request as never))),
      {
        correlationId,
        replyTo: REPLY_TO,
        type: name,
        mandatory: true,
        expiration: String(timeoutMs),
        headers: { 'x-correlation-id': currentMessageContext()?.correlationId ?? correlationId },
      },
    );
    const msg = await answer;
    const headers = msg.properties.headers ?? {};
    if (
      msg.fields.exchange === this.exchange &&
      msg.fields.routingKey === name &&
      !msg.properties.headers?.[RPC_HEADERS.errorCode]
    ) {
      // A returned (unroutable) request comes back on the rpc exchange with our own routing key.
      throw new RpcError(name, 'rpc_unavailable', `no ${def.server} instance is serving ${name}`);
    }
    if (headers[RPC_HEADERS.errorCode]) {
      throw new RpcError(name, String(headers[RPC_HEADERS.errorCode]), String(headers[RPC_HEADERS.errorMessage] ?? ''));
    }
    return fromBinary(def.reply, msg.content) as RpcReply<N>;
  }

  private settle(msg: ConsumeMessage, _why?: 'unroutable'): void {
    const id = msg.properties.correlationId as string | undefined;
    const p = id ? this.pending.get(id) : undefined;
    if (!p || !id) return;
    clearTimeout(p.timer);
    this.pending.delete(id);
    p.resolve(msg);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.channel.close().catch(() => undefined);
  }
}
