import type { MigrationInterface, QueryRunner } from 'typeorm';
import { messagingTablesDownSql, messagingTablesUpSql } from '@atelier/messaging';

/** The recommender's schema starts with its outbox and inbox; catalog tables arrive with the recommender issue. */
export class InitRecommender1763712000000 implements MigrationInterface {
  name = 'InitRecommender1763712000000';

  async up(q: QueryRunner): Promise<void> {
    for (const sql of messagingTablesUpSql('recommender')) await q.query(sql);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const sql of messagingTablesDownSql('recommender')) await q.query(sql);
  }
}
