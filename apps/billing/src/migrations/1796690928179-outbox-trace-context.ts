import type { MigrationInterface, QueryRunner } from 'typeorm';
import { outboxTraceContextDownSql, outboxTraceContextUpSql } from '@atelier/messaging';

/** W3C trace context stored with each outbox row, so the relay publishes an event within the trace that wrote it. */
export class OutboxTraceContext1796690928179 implements MigrationInterface {
  name = 'OutboxTraceContext1796690928179';

  async up(q: QueryRunner): Promise<void> {
    for (const sql of outboxTraceContextUpSql('billing')) await q.query(sql);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const sql of outboxTraceContextDownSql('billing')) await q.query(sql);
  }
}
