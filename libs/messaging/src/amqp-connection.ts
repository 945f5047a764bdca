import { Inject, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import amqp, { type AmqpConnectionManager, type ChannelWrapper } from 'amqp-connection-manager';
import type { ConfirmChannel } from 'amqplib';
import { SERVICE_CONFIG, type ServiceConfig } from '@atelier/config';

/**
 * One connection per process, re-established by amqp-connection-manager with its channels' setup.
 * `epoch` changes on every reconnect: deliveries from an older channel must not be acked on the new one
 * (their delivery tags would be unknown and the broker would close the channel).
 */
@Injectable()
export class AmqpConnection implements OnApplicationShutdown {
  private readonly logger = new Logger('Amqp');
  readonly manager: AmqpConnectionManager;
  private connectedFlag = false;
  private epochCounter = 0;

  constructor(@Inject(SERVICE_CONFIG) config: ServiceConfig) {
    this.manager = amqp.connect([config.messaging.url], {
      heartbeatIntervalInSeconds: 5,
      reconnectTimeInSeconds: 1,
      // Nagle + delayed ACK would add ~40 ms to every small publish and ack.
      connectionOptions: {
        noDelay: true,
        clientProperties: { connection_name: `atelier-${config.service}-${process.pid}` },
      },
    });
    this.manager.on('connect', () => {
      this.connectedFlag = true;
      this.epochCounter++;
      this.logger.log('connected to RabbitMQ');
    });
    this.manager.on('disconnect', ({ err }) => {
      this.connectedFlag = false;
      this.logger.warn(`disconnected from RabbitMQ: ${err?.message ?? 'closed'}`);
    });
  }

  get connected(): boolean {
    return this.connectedFlag;
  }

  get epoch(): number {
    return this.epochCounter;
  }

  createConfirmChannel(name: string, setup: (channel: ConfirmChannel) => Promise<void>): ChannelWrapper {
    return this.manager.createChannel({ name, confirm: true, json: false, setup });
  }

  async onApplicationShutdown(): Promise<void> {
    await this.manager.close();
  }
}
