import { randomUUID } from 'node:crypto';
import { HttpStatus, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ObjectStorage } from '@atelier/storage';
import { ApiError } from '@atelier/service-kit';
import { AccountOverview } from '../account/account-overview.service';
import type { Caller } from '../identity/caller';
import type { CreateGenerationBatchDto } from '../generations/create-generation.dto';
import {
  GenerationReadModelRepository,
  type GenerationRow,
  type GenerationStatus,
} from '../generations/generation-read-model.repository';
import { GenerationRequests, requestHash } from '../generations/generation-requests.service';
import { ProductPhotos, type ResolvedProduct } from '../product-photos/product-photos.service';
import { assertBatchFits, batchProgress, planBatch, zipName, type BatchStatus } from './batch-plan';
import { zipStored } from './zip-writer';

interface BatchChild {
  itemId: string;
  generationId: string;
  title: string;
}

interface BatchRow {
  id: string;
  user_id: string;
  prompt: string;
  platform: string;
  children: BatchChild[];
  request_hash: string | null;
  created_at: Date;
}

export interface BatchView {
  id: string;
  status: BatchStatus;
  prompt: string;
  platform: string;
  total: number;
  done: number;
  completed: number;
  failed: number;
  createdAt: string;
  items: Array<{
    itemId: string;
    title: string;
    generationId: string;
    status: GenerationStatus;
    /** The best image of the child, once judged. */
    image: string | null;
    failure: { code: string; reason: string } | null;
  }>;
  links: { self: string; zip: string };
}

/**
 * "Cards for these 30 items": one request, one child generation per item. Each child is an ordinary generation
 * (n = 1) through the whole saga — billing reserves and commits its image, the enhancer, generator and judge treat it
 * like any request, cancel and timeout work per child — so nothing downstream knows about batches; the batch is the
 * gateway's grouping for progress and the zip. Before anything starts: every item is checked to be the caller's
 * (all or nothing, 404 `item_not_found`), and the images must fit what billing says is left (402 `quota_exceeded`);
 * then the photos are stored and the batch row, its Idempotency-Key and every child's row and
 * `generation.requested` commit in one transaction.
 */
@Injectable()
export class GenerationBatches {
  constructor(
    private readonly dataSource: DataSource,
    private readonly requests: GenerationRequests,
    private readonly readModel: GenerationReadModelRepository,
    private readonly products: ProductPhotos,
    private readonly overview: AccountOverview,
    private readonly storage: ObjectStorage,
  ) {}

  async submit(caller: Caller, dto: CreateGenerationBatchDto, idempotencyKey?: string): Promise<{ id: string }> {
    const hash = requestHash({ ...dto, itemIds: dto.itemIds.map((i) => i.toLowerCase()) });
    if (idempotencyKey !== undefined) {
      const earlier = await this.keyed(caller.userId, idempotencyKey, hash);
      if (earlier) return earlier;
    }
    // 1. Every item the caller's own, before anything else (nothing stored, nothing reserved on a refusal).
    const items = [];
    for (const id of dto.itemIds) items.push(await this.products.item(caller, id));
    // 2. All the images fit the quota left, or nothing starts.
    const billing = await this.overview.billing(caller.userId);
    assertBatchFits(
      items.length,
      billing && { left: Math.max(0, billing.usage.monthlyImages - billing.usage.committed - billing.usage.reserved) },
    );
    // 3. Photos stored; every child checked (text fits, backend) before the one transaction.
    const products: ResolvedProduct[] = [];
    for (const item of items) products.push(await this.products.store(caller, item));
    const batchId = randomUUID();
    const plans = planBatch(dto, products);
    const prepared = await Promise.all(
      plans.map((p, i) => this.requests.prepare(caller.userId, p.dto, products[i], batchId)),
    );
    const children: BatchChild[] = plans.map((p, i) => ({
      itemId: p.itemId,
      generationId: prepared[i].id,
      title: p.title,
    }));
    let answer: { id: string } = { id: batchId };
    await this.dataSource.transaction(async (m) => {
      const inserted = (await m.query(
        `INSERT INTO gateway.generation_batches (id, user_id, prompt, platform, children, idempotency_key, request_hash)
         VALUES ($1, $2, $3, $4, $5, $6, $7)
         ON CONFLICT (user_id, idempotency_key) WHERE idempotency_key IS NOT NULL DO NOTHING
         RETURNING id`,
        [
          batchId,
          caller.userId,
          (dto.prompt ?? '').trim(),
          plans[0]?.dto.platform ?? '',
          JSON.stringify(children),
          idempotencyKey ?? null,
          idempotencyKey === undefined ? null : hash,
        ],
      )) as unknown[];
      if (inserted.length === 0 && idempotencyKey !== undefined) {
        // A concurrent request with the same key committed first: answer with its batch, make nothing.
        const winner = await this.keyed(caller.userId, idempotencyKey, hash, m.query.bind(m));
        if (!winner) throw new ApiError(HttpStatus.CONFLICT, 'idempotency_key_busy', 'retry this request');
        answer = winner;
        return;
      }
      for (const g of prepared) await this.requests.insertPrepared(m, caller.userId, g);
    });
    return answer;
  }

  async view(userId: string, id: string): Promise<BatchView | undefined> {
    const row = await this.owned(userId, id);
    if (!row) return undefined;
    const rows = await this.children(row);
    const items = row.children.map((c) => {
      const g = rows.get(c.generationId);
      const best = g?.images.find((i) => i.rank === 1);
      return {
        itemId: c.itemId,
        title: c.title,
        generationId: c.generationId,
        status: g?.status ?? 'queued',
        image: best ? `/v1/generations/${c.generationId}/images/1` : null,
        failure: g?.failure ? { code: g.failure.code, reason: g.failure.reason } : null,
      };
    });
    return {
      id: row.id,
      ...batchProgress(items.map((i) => i.status)),
      prompt: row.prompt,
      platform: row.platform,
      createdAt: new Date(row.created_at).toISOString(),
      items,
      links: { self: `/v1/generation-batches/${row.id}`, zip: `/v1/generation-batches/${row.id}/zip` },
    };
  }

  /** The batch's creatives so far (each child's best image), as a zip; undefined for an unknown batch. */
  async zip(userId: string, id: string): Promise<{ zip: Buffer; files: number } | undefined> {
    const row = await this.owned(userId, id);
    if (!row) return undefined;
    const rows = await this.children(row);
    const entries = [];
    for (const [i, c] of row.children.entries()) {
      const best = rows.get(c.generationId)?.images.find((img) => img.rank === 1);
      const data = best && (await this.storage.get(best.storageKey));
      if (data) entries.push({ name: zipName(i + 1, row.children.length, c.title), data });
    }
    return { zip: zipStored(entries), files: entries.length };
  }

  async list(
    userId: string,
    limit = 20,
  ): Promise<Array<{ id: string; prompt: string; total: number; createdAt: Date }>> {
    const rows = (await this.dataSource.query(
      `SELECT id, prompt, jsonb_array_length(children) AS total, created_at FROM gateway.generation_batches
        WHERE user_id = $1 ORDER BY created_at DESC LIMIT $2`,
      [userId, limit],
    )) as Array<{ id: string; prompt: string; total: number; created_at: Date }>;
    return rows.map((r) => ({ id: r.id, prompt: r.prompt, total: r.total, createdAt: r.created_at }));
  }

  private async owned(userId: string, id: string): Promise<BatchRow | undefined> {
    if (!/^[0-9a-f-]{36}$/iu.test(id)) return undefined;
    const rows = (await this.dataSource.query(
      `SELECT * FROM gateway.generation_batches WHERE id = $1 AND user_id = $2`,
      [id, userId],
    )) as BatchRow[];
    return rows[0];
  }

  private async children(row: BatchRow): Promise<Map<string, GenerationRow>> {
    const out = new Map<string, GenerationRow>();
    for (const c of row.children) {
      const g = await this.readModel.findOwned(c.generationId, row.user_id);
      if (g) out.set(c.generationId, g);
    }
    return out;
  }

  /** The batch a live key already names; 409 `idempotency_key_reused` when it came with another body. */
  private async keyed(
    userId: string,
    key: string,
    hash: string,
    query: (sql: string, params: unknown[]) => Promise<unknown> = (sql, params) => this.dataSource.query(sql, params),
  ): Promise<{ id: string } | undefined> {
    const rows = (await query(
      `SELECT id, request_hash FROM gateway.generation_batches WHERE user_id = $1 AND idempotency_key = $2`,
      [userId, key],
    )) as Array<{ id: string; request_hash: string }>;
    const row = rows[0];
    if (!row) return undefined;
    if (row.request_hash !== hash) {
      throw new ApiError(
        HttpStatus.CONFLICT,
        'idempotency_key_reused',
        'this Idempotency-Key was used with a different request body',
      );
    }
    return { id: row.id };
  }
}
