import type { GenerationPageDto, GenerationSummaryDto, GenerationViewDto, RankedImageDto } from './generation.dto';
import type { GenerationRow, RankedImageView, StepRow } from './generation-read-model.repository';
import { encodeCursor } from '../http/pagination';

export function toView(row: GenerationRow, steps: StepRow[]): GenerationViewDto {
  return {
    id: row.id,
    status: row.status,
    prompt: row.prompt,
    params: row.params,
    cleanedPrompt: row.cleaned_prompt,
    enhancedPrompt: row.enhanced_prompt,
    enhancement: row.enhancement,
    backend: row.backend,
    scorer: row.scorer,
    images: row.images.map((i) => toImageView(row.id, i)),
    judging: row.judging,
    failure: row.failure,
    steps: steps.map((s) => ({ event: s.event_type, status: s.status, at: s.at })),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    completedAt: row.completed_at,
  };
}

/** An image as the API shows it: no storage key, a URL served through the ownership check instead. */
export function toImageView(id: string, i: RankedImageView): RankedImageDto {
  return {
    rank: i.rank,
    index: i.index,
    width: i.width,
    height: i.height,
    score: i.score,
    metrics: i.metrics,
    best: i.best ?? false,
    validation: i.validation ?? null,
    diversityOrder: i.diversityOrder ?? null,
    url: `/v1/generations/${id}/images/${i.rank}`,
  };
}

export function toSummary(row: GenerationRow): GenerationSummaryDto {
  const best = row.images.find((i) => i.rank === 1);
  return {
    id: row.id,
    status: row.status,
    prompt: row.prompt,
    n: typeof row.params.n === 'number' ? row.params.n : 1,
    // A real thumbnail (WebP ≤ 256 px, ≤ 20 KB; gallery/gallery.controller.ts), not the full PNG.
    thumbnailUrl: best ? `/v1/generations/${row.id}/images/1/thumbnail` : null,
    createdAt: row.created_at,
    completedAt: row.completed_at,
  };
}

/** Rows fetched with limit + 1: the extra row only says there is a next page. */
export function toPage(rows: Array<GenerationRow & { created_us: string }>, limit: number): GenerationPageDto {
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return {
    items: page.map(toSummary),
    nextCursor: rows.length > limit && last ? encodeCursor({ createdUs: last.created_us, id: last.id }) : null,
  };
}
