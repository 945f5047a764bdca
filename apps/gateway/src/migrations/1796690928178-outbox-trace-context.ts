import type { MigrationInterface, QueryRunner } from 'typeorm';
import { outboxTraceContextDownSql, outboxTraceContextUpSql } from '@atelier/messaging';

/** W3C trace context stored with each outbox row, so the relay publishes an event within the trace that wrote it. */
export class OutboxTraceContext1796690928178 implements MigrationInterface {
  name = 'OutboxTraceContext1796690928178';

  async up(q: QueryRunner): Promise<void> {
    for (const sql of outboxTraceContextUpSql('gateway')) await q.query(sql);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const sql of outboxTraceContextDownSql('gateway')) await q.query(sql);
  }
}
