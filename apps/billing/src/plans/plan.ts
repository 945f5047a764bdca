import type { MessageInitShape } from '@atelier/contracts';
import type { PlanSchema } from '@atelier/contracts';
import { toKopecks, type Kopecks } from '../ledger/money';

export const FREE_PLAN = 'free';

/** A plan as billing uses it: price in kopecks, allowance per period, switches and limits. */
export interface Plan {
  code: string;
  name: string;
  monthlyPriceKopecks: Kopecks;
  currency: 'RUB';
  monthlyImages: number;
  maxImagesPerRequest: number;
  autoPromptEnhance: boolean;
  autoBestSelection: boolean;
  brandProfileLimit: number;
  loraLimit: number;
  priority: number;
  active: boolean;
  sortOrder: number;
}

export interface PlanRow {
  code: string;
  name: string;
  monthly_price_kopecks: string;
  monthly_images: number;
  max_images_per_request: number;
  auto_prompt_enhance: boolean;
  auto_best_selection: boolean;
  brand_profile_limit: number;
  lora_limit: number;
  priority: number;
  active: boolean;
  sort_order: number;
}

export const PLAN_COLUMNS = `code, name, monthly_price_kopecks, monthly_images, max_images_per_request,
  auto_prompt_enhance, auto_best_selection, brand_profile_limit, lora_limit, priority, active, sort_order`;

export const planFromRow = (r: PlanRow): Plan => ({
  code: r.code,
  name: r.name,
  monthlyPriceKopecks: toKopecks(r.monthly_price_kopecks),
  currency: 'RUB',
  monthlyImages: r.monthly_images,
  maxImagesPerRequest: r.max_images_per_request,
  autoPromptEnhance: r.auto_prompt_enhance,
  autoBestSelection: r.auto_best_selection,
  brandProfileLimit: r.brand_profile_limit,
  loraLimit: r.lora_limit,
  priority: r.priority,
  active: r.active,
  sortOrder: r.sort_order,
});

export const planFeatures = (p: Plan): { autoPromptEnhance: boolean; autoBestSelection: boolean } => ({
  autoPromptEnhance: p.autoPromptEnhance,
  autoBestSelection: p.autoBestSelection,
});

export const planLimits = (
  p: Plan,
): {
  monthlyImages: number;
  maxImagesPerRequest: number;
  brandProfileLimit: number;
  loraLimit: number;
  priority: number;
} => ({
  monthlyImages: p.monthlyImages,
  maxImagesPerRequest: p.maxImagesPerRequest,
  brandProfileLimit: p.brandProfileLimit,
  loraLimit: p.loraLimit,
  priority: p.priority,
});

export const planToProto = (p: Plan): MessageInitShape<typeof PlanSchema> => ({
  code: p.code,
  name: p.name,
  monthlyPriceKopecks: p.monthlyPriceKopecks,
  currency: p.currency,
  features: planFeatures(p),
  limits: planLimits(p),
  active: p.active,
  sortOrder: p.sortOrder,
});
