import { EventEmitter } from 'node:events';
import {
  type BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { SERVICE_CONFIG, type ServiceConfig } from '@atelier/config';
import { STEPS_CHANNEL } from './generation-read-model.repository';

/**
 * Fan-out of "generation X has a new step" to its open event streams in every gateway replica (whichever
 * consumed the event): the progress handlers announce it with a NOTIFY once the step's transaction has
 * committed (not inside it, where NOTIFY's queue lock would serialise all commits); streams also poll.
 */
@Injectable()
export class GenerationStepsFeed implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('GenerationStepsFeed');
  private readonly emitter = new EventEmitter();
  private listener?: Client;
  private stopped = false;

  constructor(
    @Inject(SERVICE_CONFIG) private readonly config: ServiceConfig<'gateway'>,
    private readonly dataSource: DataSource,
  ) {
    // One listener per open stream; thousands of watchers are expected, not a leak.
    this.emitter.setMaxListeners(0);
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.listen();
  }

  /** Calls `onStep` whenever the generation may have a new step; returns the unsubscribe function. */
  subscribe(generationId: string, onStep: () => void): () => void {
    this.emitter.on(generationId, onStep);
    return () => this.emitter.off(generationId, onStep);
  }

  /** Tells every replica's streams (this one's included, through its LISTEN) that the generation has a new step. */
  async announce(generationId: string): Promise<void> {
    await this.dataSource.query('SELECT pg_notify($1, $2)', [STEPS_CHANNEL, generationId]);
  }

  /** Signals this replica's streams directly (tests, and the poller). */
  notify(generationId: string): void {
    this.emitter.emit(generationId);
  }

  private async listen(): Promise<void> {
    if (this.stopped) return;
    const db = this.config.database;
    const client = new Client({
      host: db.host,
      port: db.port,
      database: db.database,
      user: db.user,
      password: db.password,
    });
    client.on('notification', (n) => {
      if (n.payload) this.notify(n.payload);
    });
    client.on('error', (err) => {
      this.logger.warn(`LISTEN connection lost: ${err.message}; streams poll until it is back`);
      this.listener = undefined;
      setTimeout(() => void this.listen().catch(() => undefined), 1000);
    });
    await client.connect();
    await client.query(`LISTEN ${STEPS_CHANNEL}`);
    this.listener = client;
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    this.emitter.removeAllListeners();
    await this.listener?.end().catch(() => undefined);
  }
}
