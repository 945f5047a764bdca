import { Global, Module } from '@nestjs/common';
import { AmqpConnection } from './amqp-connection';
import { EventPublisher } from './event-publisher';
import { MessagingJanitor } from './messaging-janitor';
import { Outbox } from './outbox';
import { OutboxRelay } from './outbox-relay';
import { RpcClient } from './rpc-client';

/**
 * Broker connection, confirmed publisher, outbox + relay, and the RPC client. Consuming is the mesh transport's
 * (a microservice strategy, see connectMesh), which serves the controllers' @EventPattern / @MessagePattern methods.
 */
@Global()
@Module({
  providers: [AmqpConnection, EventPublisher, Outbox, OutboxRelay, RpcClient, MessagingJanitor],
  exports: [AmqpConnection, EventPublisher, Outbox, OutboxRelay, RpcClient, MessagingJanitor],
})
export class MessagingModule {}
