import { Global, Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { AmqpConnection } from './amqp-connection';
import { EventConsumer } from './event-consumer';
import { EventPublisher } from './event-publisher';
import { MessagingJanitor } from './messaging-janitor';
import { Outbox } from './outbox';
import { OutboxRelay } from './outbox-relay';
import { RpcClient } from './rpc-client';
import { RpcServer } from './rpc-server';

/** Broker connection, confirmed publisher, outbox + relay, and the consumer of the service queue. */
@Global()
@Module({
  imports: [DiscoveryModule],
  providers: [
    AmqpConnection,
    EventPublisher,
    Outbox,
    OutboxRelay,
    EventConsumer,
    RpcServer,
    RpcClient,
    MessagingJanitor,
  ],
  exports: [AmqpConnection, EventPublisher, Outbox, OutboxRelay, EventConsumer, RpcClient, MessagingJanitor],
})
export class MessagingModule {}
