import { Global, Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { AmqpConnection } from './amqp-connection';
import { EventConsumer } from './event-consumer';
import { EventPublisher } from './event-publisher';
import { Outbox } from './outbox';
import { OutboxRelay } from './outbox-relay';

/** Broker connection, confirmed publisher, outbox + relay, and the consumer of the service queue. */
@Global()
@Module({
  imports: [DiscoveryModule],
  providers: [AmqpConnection, EventPublisher, Outbox, OutboxRelay, EventConsumer],
  exports: [AmqpConnection, EventPublisher, Outbox, OutboxRelay, EventConsumer],
})
export class MessagingModule {}
