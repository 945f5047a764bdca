import { randomUUID } from 'node:crypto';
import { HttpStatus, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { plainToInstance } from 'class-transformer';
import { DataSource } from 'typeorm';
import { ApiError } from '@atelier/service-kit';
import { CatalogFormatError } from '../catalog/catalog-file-parser';
import { CatalogWriter } from '../catalog/catalog-writer';
import { ItemDto } from '../catalog/item.dto';
import { MAX_ROW_ERRORS, parseImport, type ColumnMapping, type ImportRow, type RowError } from './import-rows';

export type ImportMode = 'all' | 'skip';
export type ImportStatus = 'queued' | 'running' | 'succeeded' | 'failed';

export interface ImportJobView {
  id: string;
  shopId: string;
  format: 'csv' | 'json';
  mode: ImportMode;
  status: ImportStatus;
  total: number;
  processed: number;
  imported: number;
  created: number;
  skipped: number;
  errors: RowError[];
  failure: string | null;
  createdAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
}

interface JobRow {
  id: string;
  shop_id: string;
  format: 'csv' | 'json';
  mode: ImportMode;
  status: ImportStatus;
  total: number;
  processed: number;
  imported: number;
  created: number;
  skipped: number;
  errors: RowError[];
  failure: string | null;
  created_at: Date;
  started_at: Date | null;
  finished_at: Date | null;
}

const COLUMNS = `id, shop_id, format, mode, status, total, processed, imported, created, skipped, errors, failure,
  created_at, started_at, finished_at`;
/** Rows per transaction in skip mode (a failing chunk is skipped as a whole, with its rows named). */
const CHUNK = 100;

const view = (r: JobRow): ImportJobView => ({
  id: r.id,
  shopId: r.shop_id,
  format: r.format,
  mode: r.mode,
  status: r.status,
  total: r.total,
  processed: r.processed,
  imported: r.imported,
  created: r.created,
  skipped: r.skipped,
  errors: r.errors,
  failure: r.failure,
  createdAt: r.created_at,
  startedAt: r.started_at,
  finishedAt: r.finished_at,
});

/**
 * Catalogue imports as jobs: the upload is parsed and validated at once (a broken file, or any bad row in
 * all-or-nothing mode, is refused with the row numbers and nothing is stored), the valid rows are stored with the
 * job, and the answer is 202 with the job's id. The job then writes in the background, reporting progress, so a
 * long import never holds an HTTP request (and never turns into a 503 that in fact succeeded).
 * All-or-nothing writes every row in one transaction; skip-bad-rows writes chunks and records the rows left out.
 */
@Injectable()
export class ImportJobs implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('ImportJobs');
  private readonly running = new Set<Promise<void>>();

  constructor(
    private readonly dataSource: DataSource,
    private readonly writer: CatalogWriter,
  ) {}

  /** A job left queued or running by a stopped process would never end: it is marked failed, to be run again. */
  async onApplicationBootstrap(): Promise<void> {
    await this.dataSource.query(
      `UPDATE recommender.import_jobs SET status = 'failed', failure = 'interrupted: the service restarted; import again',
         payload = NULL, finished_at = now(), updated_at = now() WHERE status IN ('queued', 'running')`,
    );
  }

  async onModuleDestroy(): Promise<void> {
    await Promise.allSettled([...this.running]);
  }

  preview(format: 'csv' | 'json', text: string, mapping?: ColumnMapping) {
    const parsed = parseImport(format, text, mapping);
    return {
      format,
      columns: parsed.columns,
      mapping: parsed.mapping,
      total: parsed.total,
      valid: parsed.valid.length,
      invalidRows: parsed.invalidRows,
      errors: parsed.errors,
      sample: parsed.valid.slice(0, 10).map((r) => ({ row: r.row, item: r.item })),
    };
  }

  async start(
    input: { format: 'csv' | 'json'; text: string; mapping?: ColumnMapping; mode: ImportMode },
    shopId: string,
    requestedBy: string,
  ): Promise<ImportJobView> {
    const parsed = parseImport(input.format, input.text, input.mapping);
    if (input.mode === 'all' && parsed.invalidRows > 0) {
      throw new CatalogFormatError(`${parsed.invalidRows} invalid row(s), nothing imported`, parsed.errors);
    }
    if (parsed.valid.length === 0) throw new CatalogFormatError('no valid rows to import', parsed.errors);
    const id = randomUUID();
    const rows = (await this.dataSource.query(
      `INSERT INTO recommender.import_jobs
         (id, shop_id, requested_by, format, mode, status, total, skipped, errors, payload)
       VALUES ($1, $2, $3, $4, $5, 'queued', $6, $7, $8::jsonb, $9::jsonb) RETURNING ${COLUMNS}`,
      [
        id,
        shopId,
        requestedBy,
        input.format,
        input.mode,
        parsed.total,
        parsed.invalidRows,
        JSON.stringify(parsed.errors),
        JSON.stringify(parsed.valid),
      ],
    )) as JobRow[];
    // Started after the job row committed; tracked so a shutdown waits for it.
    const run = this.run(id, shopId, input.mode, parsed.valid).finally(() => this.running.delete(run));
    this.running.add(run);
    return view(rows[0]);
  }

  /** The job if the caller's shop owns it (admins: any); undefined otherwise. */
  async find(id: string, shopId: string | undefined): Promise<ImportJobView | undefined> {
    const rows = (await this.dataSource.query(
      `SELECT ${COLUMNS} FROM recommender.import_jobs WHERE id = $1 AND ($2::uuid IS NULL OR shop_id = $2)`,
      [id, shopId ?? null],
    )) as JobRow[];
    return rows[0] && view(rows[0]);
  }

  async list(shopId: string | undefined, limit: number): Promise<ImportJobView[]> {
    const rows = (await this.dataSource.query(
      `SELECT ${COLUMNS} FROM recommender.import_jobs WHERE ($1::uuid IS NULL OR shop_id = $1)
        ORDER BY created_at DESC LIMIT $2`,
      [shopId ?? null, limit],
    )) as JobRow[];
    return rows.map(view);
  }

  private async run(id: string, shopId: string, mode: ImportMode, rows: ImportRow[]): Promise<void> {
    await new Promise((resolve) => setImmediate(resolve));
    const progress = (processed: number, imported: number, created: number) =>
      this.dataSource.query(
        `UPDATE recommender.import_jobs SET processed = $2, imported = $3, created = $4, updated_at = now() WHERE id = $1`,
        [id, processed, imported, created],
      );
    try {
      await this.dataSource.query(
        `UPDATE recommender.import_jobs SET status = 'running', started_at = now(), updated_at = now() WHERE id = $1`,
        [id],
      );
      const dtos = (list: ImportRow[]) => list.map((r) => plainToInstance(ItemDto, r.item));
      let imported = 0;
      let created = 0;
      const extraErrors: RowError[] = [];
      if (mode === 'all') {
        const written = await this.writer.upsertMany(dtos(rows), {
          shopId,
          correlationId: id,
          onProgress: (n) => progress(n, 0, 0).then(() => undefined),
        });
        imported = written.length;
        created = written.filter((w) => w.created).length;
      } else {
        for (let start = 0; start < rows.length; start += CHUNK) {
          const chunk = rows.slice(start, start + CHUNK);
          try {
            const written = await this.writer.upsertMany(dtos(chunk), { shopId, correlationId: id });
            imported += written.length;
            created += written.filter((w) => w.created).length;
          } catch (err) {
            if (!(err instanceof CatalogFormatError)) throw err;
            extraErrors.push(...chunk.map((r) => ({ row: r.row, field: '', problems: [err.message.slice(0, 300)] })));
          }
          await progress(Math.min(start + CHUNK, rows.length), imported, created);
        }
      }
      await this.dataSource.query(
        `UPDATE recommender.import_jobs SET status = 'succeeded', processed = $2, imported = $3, created = $4,
           skipped = skipped + $5, errors = (errors || $6::jsonb), payload = NULL, finished_at = now(),
           updated_at = now() WHERE id = $1`,
        [id, rows.length, imported, created, extraErrors.length, JSON.stringify(extraErrors.slice(0, MAX_ROW_ERRORS))],
      );
      this.logger.log(`import ${id}: ${imported} rows (${created} new) for shop ${shopId}`);
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      this.logger.warn(`import ${id} failed: ${message}`);
      await this.dataSource
        .query(
          `UPDATE recommender.import_jobs SET status = 'failed', failure = $2, processed = 0, imported = 0, created = 0,
             payload = NULL, finished_at = now(), updated_at = now() WHERE id = $1`,
          [id, message.slice(0, 500)],
        )
        .catch((e: unknown) => this.logger.error(`import ${id}: cannot record the failure: ${String(e)}`));
    }
  }
}

export const notFoundJob = () => new ApiError(HttpStatus.NOT_FOUND, 'not_found', 'import job not found');
