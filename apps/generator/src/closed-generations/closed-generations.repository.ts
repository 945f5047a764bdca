import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';

/** Generations known to have failed (learned from `generation.failed`): their queued work is skipped. */
@Injectable()
export class ClosedGenerationsRepository {
  constructor(private readonly dataSource: DataSource) {}

  async close(m: EntityManager, g: { generationId: string; stage: string; code: string }): Promise<void> {
    await m.query(
      `INSERT INTO generator.closed_generations (generation_id, stage, code) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`,
      [g.generationId, g.stage, g.code],
    );
  }

  /** Why the generation closed, or undefined while it is open; outside a transaction unless `m` is given. */
  async closed(generationId: string, m: EntityManager = this.dataSource.manager): Promise<string | undefined> {
    const rows = (await m.query(`SELECT stage, code FROM generator.closed_generations WHERE generation_id = $1`, [
      generationId,
    ])) as Array<{ stage: string; code: string }>;
    return rows[0] && `${rows[0].stage}: ${rows[0].code}`;
  }
}
