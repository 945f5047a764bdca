import { HttpStatus } from '@nestjs/common';
import { plainToInstance } from 'class-transformer';
import { ApiError } from '@atelier/service-kit';
import { CreateGenerationDto, type CreateGenerationBatchDto } from '../generations/create-generation.dto';
import type { GenerationStatus } from '../generations/generation-read-model.repository';

/** What billing allows now: images left this period (quota + what the wallet covers is billing's business). */
export interface BatchQuota {
  left: number;
}

/** One child of a batch: the item and the single-image request made for it. */
export interface BatchChildPlan {
  itemId: string;
  title: string;
  dto: CreateGenerationDto;
}

/**
 * 402 `quota_exceeded` when the batch's images (one per item) do not all fit what is left this period: refused
 * before any photo is stored or any generation queued. Unknown quota (billing unreachable) is 503: a batch never
 * starts on a guess.
 */
export function assertBatchFits(items: number, quota: BatchQuota | undefined): void {
  if (!quota) {
    throw new ApiError(HttpStatus.SERVICE_UNAVAILABLE, 'billing_unavailable', 'quota cannot be checked now; retry');
  }
  if (items > quota.left) {
    throw new ApiError(
      HttpStatus.PAYMENT_REQUIRED,
      'quota_exceeded',
      `this batch needs ${items} images, ${quota.left} left this period`,
      { needed: items, left: quota.left },
    );
  }
}

/**
 * The child requests, in item order: one image each, the batch's request (or, without one, the item's title as a
 * product card request), its platform (marketplace card by default), backend and brand profile, and the item.
 */
export function planBatch(
  batch: CreateGenerationBatchDto,
  items: ReadonlyArray<{ itemId: string; title: string }>,
): BatchChildPlan[] {
  const shared = (batch.prompt ?? '').trim();
  return items.map((item) => ({
    itemId: item.itemId,
    title: item.title,
    dto: plainToInstance(CreateGenerationDto, {
      prompt: shared || `Карточка товара: ${item.title}`.slice(0, 2000),
      n: 1,
      platform: batch.platform ?? 'marketplace_card',
      ...(batch.backend ? { backend: batch.backend } : {}),
      ...(batch.brandProfileId ? { brandProfileId: batch.brandProfileId } : {}),
      itemId: item.itemId,
    }),
  }));
}

export type BatchStatus = 'running' | 'completed' | 'partial' | 'failed';

/** A batch's progress from its children's statuses. */
export function batchProgress(statuses: readonly GenerationStatus[]): {
  status: BatchStatus;
  total: number;
  done: number;
  completed: number;
  failed: number;
} {
  const total = statuses.length;
  const completed = statuses.filter((s) => s === 'completed').length;
  const failed = statuses.filter((s) => s === 'failed' || s === 'rejected').length;
  const done = completed + failed;
  const status: BatchStatus =
    done < total ? 'running' : failed === 0 ? 'completed' : completed === 0 ? 'failed' : 'partial';
  return { status, total, done, completed, failed };
}

/** A safe file name for an item's creative in the zip: "03-Кружка керамическая.png". */
export function zipName(position: number, total: number, title: string): string {
  const digits = String(total).length;
  const clean = title
    .replace(/[\\/:*?"<>|\u0000-\u001f]+/gu, ' ')
    .replace(/\s+/gu, ' ')
    .trim()
    .slice(0, 80);
  return `${String(position).padStart(digits, '0')}-${clean || 'item'}.png`;
}
