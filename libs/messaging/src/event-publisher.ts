import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import type { ChannelWrapper } from 'amqp-connection-manager';
import type { Options } from 'amqplib';
import { SERVICE_CONFIG, type ServiceConfig } from '@atelier/config';
import { AmqpConnection } from './amqp-connection';
import { declareExchange, topologyNames, type TopologyNames } from './topology';

/** Confirmed publishing: a promise resolves only once the broker has taken responsibility for the message. */
@Injectable()
export class EventPublisher implements OnApplicationShutdown {
  readonly names: TopologyNames;
  private readonly channel: ChannelWrapper;

  constructor(connection: AmqpConnection, @Inject(SERVICE_CONFIG) config: ServiceConfig) {
    this.names = topologyNames(config.messaging.namespace, config.service);
    this.channel = connection.createConfirmChannel('publisher', (ch) => declareExchange(ch, this.names));
  }

  publish(routingKey: string, body: Buffer, options: Options.Publish, timeoutMs = 10000): Promise<boolean> {
    return this.channel.publish(this.names.exchange, routingKey, body, { ...options, timeout: timeoutMs });
  }

  sendToQueue(queue: string, body: Buffer, options: Options.Publish, timeoutMs = 10000): Promise<boolean> {
    return this.channel.sendToQueue(queue, body, { ...options, timeout: timeoutMs });
  }

  async onApplicationShutdown(): Promise<void> {
    await this.channel.close();
  }
}
