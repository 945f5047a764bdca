import { Injectable } from '@nestjs/common';
import type { Pool, QueryResult } from 'pg';
import { DataSource, type EntityManager } from 'typeorm';
import type { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver';
import { afterCursorSql, CREATED_US_SQL, type Cursor } from '../http/pagination';

/** NOTIFY channel (payload: generation id) raised after the transaction that records a step has committed. */
export const STEPS_CHANNEL = 'gateway_generation_steps';

export type GenerationStatus =
  'queued' | 'reserved' | 'enhancing' | 'generating' | 'judging' | 'completed' | 'failed' | 'rejected';

export const TERMINAL_STATUSES: readonly GenerationStatus[] = ['completed', 'failed', 'rejected'];

const OWNED_WITH_STEPS_SQL = `SELECT g.*, COALESCE((
           SELECT json_agg(json_build_object('event_id', s.event_id, 'event_type', s.event_type,
                                             'status', s.status, 'at', s.at)
                           ORDER BY s.at, s.event_type, s.event_id)
             FROM gateway.generation_steps s WHERE s.generation_id = g.id), '[]'::json) AS steps_json
    FROM gateway.generations g WHERE g.id = $1 AND g.user_id = $2 AND g.deleted_at IS NULL`;

/** Progress order; a late or redelivered event never moves a generation backwards. */
const STATUS_ORDER: Record<GenerationStatus, number> = {
  queued: 0,
  reserved: 1,
  enhancing: 2,
  generating: 3,
  judging: 4,
  completed: 5,
  failed: 5,
  rejected: 5,
};

export interface RankedImageView {
  rank: number;
  index: number;
  storageKey: string;
  width: number;
  height: number;
  score: number;
  metrics: Record<string, number>;
  best?: boolean;
  validation?: { consistency: number; outlierScore: number; outlier: boolean; rejected: boolean; reasons: string[] };
  diversityOrder?: number;
}

/** What the judge concluded about the whole batch (validation and diversity order). */
export interface JudgingView {
  validationSummary: string;
  weights: { fidelity: number; aesthetic: number };
  diversity: { order: number[]; diversity: number[]; coverage: number[]; method: string } | null;
}

export interface GenerationRow {
  id: string;
  user_id: string;
  status: GenerationStatus;
  prompt: string;
  params: Record<string, unknown>;
  cleaned_prompt: string | null;
  enhanced_prompt: string | null;
  enhancement: Record<string, unknown> | null;
  backend: string | null;
  scorer: { name: string; version: string } | null;
  images: RankedImageView[];
  judging: JudgingView | null;
  failure: { stage: string; code: string; reason: string } | null;
  created_at: Date;
  updated_at: Date;
  completed_at: Date | null;
}

export interface StepRow {
  event_id: string;
  event_type: string;
  status: GenerationStatus;
  at: Date;
}

export interface GenerationPatch {
  cleaned_prompt?: string;
  enhanced_prompt?: string;
  enhancement?: Record<string, unknown>;
  backend?: string;
  scorer?: { name: string; version: string };
  images?: RankedImageView[];
  judging?: JudgingView;
  failure?: { stage: string; code: string; reason: string };
}

const JSON_COLUMNS = new Set(['enhancement', 'scorer', 'images', 'judging', 'failure']);

/** The gateway's read model of generation requests. */
@Injectable()
export class GenerationReadModelRepository {
  constructor(private readonly dataSource: DataSource) {}

  async insert(
    m: EntityManager,
    g: { id: string; userId: string; prompt: string; params: Record<string, unknown> },
  ): Promise<void> {
    await m.query(
      `INSERT INTO gateway.generations (id, user_id, status, prompt, params) VALUES ($1, $2, 'queued', $3, $4)`,
      [g.id, g.userId, g.prompt, JSON.stringify(g.params)],
    );
  }

  /**
   * Applies a saga step if it moves the generation forward (terminal states are final) and records it.
   * `advanced` is false when the step was stale; `recorded` says whether the step is new (streams have news).
   */
  async advance(
    m: EntityManager,
    id: string,
    status: GenerationStatus,
    step: { eventId: string; eventType: string },
    patch: GenerationPatch = {},
  ): Promise<{ advanced: boolean; recorded: boolean }> {
    const columns = Object.keys(patch) as Array<keyof GenerationPatch>;
    const sets = columns.map((c, i) => `${c} = $${i + 4}${JSON_COLUMNS.has(c) ? '::jsonb' : ''}`);
    const values = columns.map((c) => (JSON_COLUMNS.has(c) ? JSON.stringify(patch[c]) : patch[c]));
    const lower = (Object.keys(STATUS_ORDER) as GenerationStatus[]).filter(
      (s) => STATUS_ORDER[s] < STATUS_ORDER[status],
    );
    const result = (await m.query(
      `UPDATE gateway.generations
          SET status = $2, updated_at = now()${TERMINAL_STATUSES.includes(status) ? ', completed_at = now()' : ''}
              ${sets.length ? ', ' + sets.join(', ') : ''}
        WHERE id = $1 AND status = ANY($3::text[])`,
      [id, status, lower, ...values],
    )) as [unknown[], number];
    const inserted = (await m.query(
      `INSERT INTO gateway.generation_steps (generation_id, event_id, event_type, status)
       SELECT $1, $2, $3, $4 WHERE EXISTS (SELECT 1 FROM gateway.generations WHERE id = $1)
       ON CONFLICT DO NOTHING RETURNING event_id`,
      [id, step.eventId, step.eventType, status],
    )) as unknown[];
    return { advanced: result[1] > 0, recorded: inserted.length > 0 };
  }

  /** Inside the event's transaction: whose generation this is (undefined when this gateway never created it). */
  async ownerOf(m: EntityManager, id: string): Promise<string | undefined> {
    const rows = (await m.query(`SELECT user_id FROM gateway.generations WHERE id = $1`, [id])) as Array<{
      user_id: string;
    }>;
    return rows[0]?.user_id;
  }

  /** Scoped to the owner: another user's id (or a deleted generation) reads as not found. */
  async findOwned(id: string, userId: string): Promise<GenerationRow | undefined> {
    const rows = (await this.dataSource.query(
      `SELECT * FROM gateway.generations WHERE id = $1 AND user_id = $2 AND deleted_at IS NULL`,
      [id, userId],
    )) as GenerationRow[];
    return rows[0];
  }

  /** The owner's generation with its steps, in one round trip (the hot read of the API). */
  async findOwnedWithSteps(id: string, userId: string): Promise<{ row: GenerationRow; steps: StepRow[] } | undefined> {
    // The API's hottest read (GET /v1/generations/{id}): a named prepared statement on the pool TypeORM owns, so
    // PostgreSQL parses and plans it once per connection and no QueryRunner is built per request (bench:gateway).
    const pool = (this.dataSource.driver as PostgresDriver & { master: Pool }).master;
    const { rows }: QueryResult<GenerationRow & { steps_json: Array<Omit<StepRow, 'at'> & { at: string }> }> =
      await pool.query({
        name: 'gateway_generation_owned_with_steps',
        text: OWNED_WITH_STEPS_SQL,
        values: [id, userId],
      });
    if (!rows[0]) return undefined;
    const { steps_json, ...row } = rows[0];
    return { row, steps: steps_json.map((st) => ({ ...st, at: new Date(st.at) })) };
  }

  /** Any user's generation (admin). */
  async findAny(id: string): Promise<GenerationRow | undefined> {
    const rows = (await this.dataSource.query(`SELECT * FROM gateway.generations WHERE id = $1`, [
      id,
    ])) as GenerationRow[];
    return rows[0];
  }

  /** Newest first, keyset-paginated; one user's (or everybody's when userId is undefined, for admins). */
  async list(
    userId: string | undefined,
    limit: number,
    cursor: Cursor | undefined,
  ): Promise<Array<GenerationRow & { created_us: string }>> {
    const after = afterCursorSql(cursor, 3);
    return (await this.dataSource.query(
      `SELECT *, ${CREATED_US_SQL} FROM gateway.generations
        WHERE ($1::uuid IS NULL OR (user_id = $1 AND deleted_at IS NULL)) AND ${after.sql}
        ORDER BY created_at DESC, id DESC LIMIT $2`,
      [userId ?? null, limit, ...after.params],
    )) as Array<GenerationRow & { created_us: string }>;
  }

  async status(id: string): Promise<GenerationStatus | undefined> {
    const rows = (await this.dataSource.query(`SELECT status FROM gateway.generations WHERE id = $1`, [id])) as Array<{
      status: GenerationStatus;
    }>;
    return rows[0]?.status;
  }

  async steps(id: string): Promise<StepRow[]> {
    return (await this.dataSource.query(
      `SELECT event_id, event_type, status, at FROM gateway.generation_steps
        WHERE generation_id = $1 ORDER BY at, event_type, event_id`,
      [id],
    )) as StepRow[];
  }
}
