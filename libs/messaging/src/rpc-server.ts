import {
  type BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';
import type { ChannelWrapper } from 'amqp-connection-manager';
import type { ConsumeMessage } from 'amqplib';
import { SERVICE_CONFIG, type ServiceConfig } from '@atelier/config';
import { RPCS, create, fromBinary, isRpcName, toBinary, type RpcName } from '@atelier/contracts';
import { runWithMessageContext } from '@atelier/observability';
import { AmqpConnection } from './amqp-connection';
import { FatalError, describeError, failureCode } from './failures';
import { HandlesRequest, RPC_HEADERS, rpcExchange, rpcQueue, type RequestHandler } from './rpc';

/**
 * Serves the service's request/reply calls: a queue bound to the direct rpc exchange by call name,
 * replies to the caller's reply-to with the same correlation id. Requests expire quickly (a caller
 * that gave up does not want a late answer), and a bad request gets an error reply, never a crash.
 */
@Injectable()
export class RpcServer implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('RpcServer');
  private readonly handlers = new Map<RpcName, RequestHandler>();
  private channel?: ChannelWrapper;

  constructor(
    private readonly connection: AmqpConnection,
    private readonly discovery: DiscoveryService,
    @Inject(SERVICE_CONFIG) private readonly config: ServiceConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    for (const wrapper of this.discovery.getProviders({ metadataKey: HandlesRequest.KEY })) {
      const name = this.discovery.getMetadataByDecorator(HandlesRequest, wrapper);
      if (name && wrapper.instance) this.handlers.set(name, wrapper.instance as RequestHandler);
    }
    if (this.handlers.size === 0) return;
    const ns = this.config.messaging.namespace;
    const queue = rpcQueue(ns, this.config.service);
    this.channel = this.connection.manager.createChannel({
      name: 'rpc-server',
      json: false,
      setup: async (ch: import('amqplib').Channel) => {
        await ch.assertExchange(rpcExchange(ns), 'direct', { durable: true });
        await ch.assertQueue(queue, { durable: true, arguments: { 'x-message-ttl': 30000 } });
        for (const name of this.handlers.keys()) await ch.bindQueue(queue, rpcExchange(ns), name);
        await ch.prefetch(this.config.messaging.prefetch);
      },
    });
    await this.channel.consume(queue, (msg) => void this.serve(msg), { noAck: false });
  }

  private async serve(msg: ConsumeMessage): Promise<void> {
    const { replyTo, correlationId } = msg.properties;
    const name = String(msg.properties.type ?? msg.fields.routingKey);
    let body = Buffer.alloc(0);
    let headers: Record<string, string> = {};
    await runWithMessageContext(
      { correlationId: String(msg.properties.headers?.['x-correlation-id'] ?? correlationId ?? 'rpc') },
      async () => {
        try {
          if (!isRpcName(name) || !this.handlers.has(name))
            throw new FatalError(`no handler for ${name}`, 'unknown_rpc');
          let request: unknown;
          try {
            request = fromBinary(RPCS[name].request, msg.content);
          } catch (err) {
            throw new FatalError(describeError(err), 'invalid_request');
          }
          const handler = this.handlers.get(name) as RequestHandler;
          const reply = await handler.answer(request as never);
          const schema = RPCS[name].reply;
          body = Buffer.from(toBinary(schema, create(schema, reply as never)));
        } catch (err) {
          this.logger.warn(`rpc ${name} failed: ${describeError(err)}`);
          headers = { [RPC_HEADERS.errorCode]: failureCode(err), [RPC_HEADERS.errorMessage]: describeError(err) };
        }
      },
    );
    try {
      if (typeof replyTo === 'string' && replyTo.length > 0) {
        await this.channel?.sendToQueue(replyTo, body, { correlationId, type: name, headers });
      }
    } finally {
      this.channel?.ack(msg);
    }
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.channel?.cancelAll().catch(() => undefined);
    await this.channel?.close().catch(() => undefined);
  }
}
