import { plainToInstance } from 'class-transformer';
import { CreateGenerationDto } from '../generations/create-generation.dto';
import type { GenerationRow } from '../generations/generation-read-model.repository';

/** `same`: the very request again (same seed); `variations`: the same settings with new seeds. */
export const AGAIN_MODES = ['same', 'variations'] as const;
export type AgainMode = (typeof AGAIN_MODES)[number];

const CREATIVE_FIELDS = ['title', 'subline', 'price', 'oldPrice', 'discount', 'promoCode', 'deadline', 'cta'] as const;

const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);
const int = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

/**
 * The body of POST /v1/generations that repeats a stored request: what the user chose, not what the mesh derived
 * (the size only when the user gave one, brief fields only when the user typed them, so the request text is read
 * again as the first time). It goes through the normal submission path: validation, quota and Idempotency-Key.
 */
export function repeatRequest(row: GenerationRow, mode: AgainMode): CreateGenerationDto {
  const p = row.params;
  const creative = (p.creative ?? {}) as Record<string, unknown>;
  const fromRequest = new Set(Array.isArray(creative.fromRequest) ? (creative.fromRequest as unknown[]) : []);
  const brief: Record<string, unknown> = {};
  for (const field of CREATIVE_FIELDS) {
    const value = str(creative[field]);
    if (value !== undefined && !fromRequest.has(field)) brief[field] = value;
  }
  if (Array.isArray(creative.brandPalette) && creative.brandPalette.length > 0) {
    brief.brandPalette = creative.brandPalette;
  }
  const seed = mode === 'same' ? int(p.seed) : undefined;
  return plainToInstance(CreateGenerationDto, {
    prompt: row.prompt,
    n: int(p.n) ?? 1,
    ...(p.explicitSize === true && int(p.width) !== undefined && int(p.height) !== undefined
      ? { width: p.width, height: p.height }
      : {}),
    ...(int(p.steps) !== undefined ? { steps: p.steps } : {}),
    ...(typeof p.guidance === 'number' ? { guidance: p.guidance } : {}),
    ...(seed !== undefined ? { seed } : {}),
    ...(str(p.platform) ? { platform: p.platform } : {}),
    ...(str(p.goal) ? { goal: p.goal } : {}),
    ...(str(p.backend) ? { backend: p.backend } : {}),
    ...(Object.keys(brief).length > 0 ? { creative: brief } : {}),
  });
}
