import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { GenerationRow } from '../generations/generation-read-model.repository';
import { afterCursorSql, CREATED_US_SQL, type Cursor } from '../http/pagination';
import { STATUS_GROUP_MEMBERS, type HistoryFilters } from './history-filters';

/** `%`, `_` and `\` are literal in a search: the user types text, not a LIKE pattern. */
const likeLiteral = (text: string): string => text.replace(/[\\%_]/g, (c) => `\\${c}`);

/** The owner's history as a gallery: search, filters and deletion. Every query is scoped to the owner. */
@Injectable()
export class GenerationGalleryRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Newest first, keyset-paginated (`limit` rows after the cursor), the owner's visible generations only. */
  async search(
    userId: string,
    filters: HistoryFilters,
    limit: number,
    cursor: Cursor | undefined,
  ): Promise<Array<GenerationRow & { created_us: string }>> {
    const where = ['user_id = $1', 'deleted_at IS NULL'];
    const params: unknown[] = [userId];
    const bind = (v: unknown): string => {
      params.push(v);
      return `$${params.length}`;
    };
    if (filters.q) {
      // The request as typed and the enhanced prompt (English search words find Russian requests' images).
      const p = bind(`%${likeLiteral(filters.q)}%`);
      where.push(`(prompt ILIKE ${p} OR COALESCE(enhanced_prompt, '') ILIKE ${p})`);
    }
    if (filters.platform) {
      // The platform the user chose, or the one the enhancer read from the text.
      where.push(`COALESCE(NULLIF(params->>'platform', ''), enhancement->>'platform') = ${bind(filters.platform)}`);
    }
    if (filters.status) where.push(`status = ANY(${bind(STATUS_GROUP_MEMBERS[filters.status])}::text[])`);
    if (filters.from) where.push(`created_at >= ${bind(filters.from)}::date::timestamp AT TIME ZONE 'UTC'`);
    if (filters.to) where.push(`created_at < (${bind(filters.to)}::date + 1)::timestamp AT TIME ZONE 'UTC'`);
    const after = afterCursorSql(cursor, params.length + 1);
    params.push(...after.params);
    where.push(after.sql);
    const lim = bind(limit);
    return (await this.dataSource.query(
      `SELECT *, ${CREATED_US_SQL} FROM gateway.generations
        WHERE ${where.join(' AND ')}
        ORDER BY created_at DESC, id DESC LIMIT ${lim}`,
      params,
    )) as Array<GenerationRow & { created_us: string }>;
  }

  /**
   * Hides the owner's generation (the saga may still finish it; its events then change nothing visible).
   * False when there is no such visible generation of this owner.
   */
  async delete(id: string, userId: string): Promise<boolean> {
    const rows = (await this.dataSource.query(
      `UPDATE gateway.generations SET deleted_at = now()
        WHERE id = $1 AND user_id = $2 AND deleted_at IS NULL RETURNING id`,
      [id, userId],
    )) as [unknown[], number];
    return rows[1] > 0;
  }
}
