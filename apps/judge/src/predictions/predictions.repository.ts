import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';

export interface Prediction {
  index: number;
  storageKey: string;
  rank: number;
  score: number;
  metrics: Record<string, number>;
  best: boolean;
  validation: Record<string, unknown>;
  diversityOrder: number;
  genMeta: Record<string, unknown>;
}

export interface BatchValidationRow {
  accepted: number;
  rejected: number;
  summary: string;
  method: string;
  diversity: Record<string, unknown>;
}

@Injectable()
export class PredictionsRepository {
  async insertAll(
    m: EntityManager,
    g: { generationId: string; userId: string; scorer: { name: string; version: string } },
    predictions: Prediction[],
    batch: BatchValidationRow,
  ): Promise<void> {
    for (const p of predictions) {
      await m.query(
        `INSERT INTO judge.predictions
           (generation_id, index, user_id, storage_key, rank, score, metrics, scorer_name, scorer_version, gen_meta,
            best, validation, diversity_order)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`,
        [
          g.generationId,
          p.index,
          g.userId,
          p.storageKey,
          p.rank,
          p.score,
          JSON.stringify(p.metrics),
          g.scorer.name,
          g.scorer.version,
          JSON.stringify(p.genMeta),
          p.best,
          JSON.stringify(p.validation),
          p.diversityOrder,
        ],
      );
    }
    await m.query(
      `INSERT INTO judge.batch_validations (generation_id, user_id, accepted, rejected, summary, method, diversity)
       VALUES ($1, $2, $3, $4, $5, $6, $7)`,
      [
        g.generationId,
        g.userId,
        batch.accepted,
        batch.rejected,
        batch.summary,
        batch.method,
        JSON.stringify(batch.diversity),
      ],
    );
  }
}
