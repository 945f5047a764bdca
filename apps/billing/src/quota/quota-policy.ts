import type { ServiceConfig } from '@atelier/config';

/** The free plan until the billing issue brings plans: a monthly image allowance and a per-request cap. */
export interface FreePlan {
  name: 'free';
  monthlyImages: number;
  maxImagesPerRequest: number;
  reservationTtlSeconds: number;
  features: { autoPromptEnhance: boolean; autoBestSelection: boolean };
}

export const freePlanFrom = (config: ServiceConfig<'billing'>): FreePlan => ({
  name: 'free',
  monthlyImages: config.env.FREE_MONTHLY_IMAGES,
  maxImagesPerRequest: config.env.FREE_MAX_IMAGES_PER_REQUEST,
  reservationTtlSeconds: config.env.RESERVATION_TTL_SECONDS,
  features: { autoPromptEnhance: true, autoBestSelection: true },
});

/** Billing periods are calendar months in UTC, e.g. "2026-11". */
export const billingPeriod = (at: Date): string =>
  `${at.getUTCFullYear()}-${String(at.getUTCMonth() + 1).padStart(2, '0')}`;
