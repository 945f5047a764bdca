import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';

export interface Prediction {
  index: number;
  storageKey: string;
  rank: number;
  score: number;
  metrics: Record<string, number>;
}

@Injectable()
export class PredictionsRepository {
  async insertAll(
    m: EntityManager,
    g: {
      generationId: string;
      userId: string;
      scorer: { name: string; version: string };
      genMeta: Record<string, unknown>;
    },
    predictions: Prediction[],
  ): Promise<void> {
    for (const p of predictions) {
      await m.query(
        `INSERT INTO judge.predictions
           (generation_id, index, user_id, storage_key, rank, score, metrics, scorer_name, scorer_version, gen_meta)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
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
          JSON.stringify(g.genMeta),
        ],
      );
    }
  }
}
