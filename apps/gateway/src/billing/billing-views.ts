import type { MessageShape, PlanSchema, SubscriptionSchema, TopUpSchema } from '@atelier/contracts';

/** JSON views of billing's replies: kopecks as integers (they fit a double exactly), ISO timestamps or null. */
export const planView = (p: MessageShape<typeof PlanSchema>) => ({
  code: p.code,
  name: p.name,
  monthlyPriceKopecks: Number(p.monthlyPriceKopecks),
  currency: p.currency,
  features: {
    autoPromptEnhance: p.features?.autoPromptEnhance ?? false,
    autoBestSelection: p.features?.autoBestSelection ?? false,
  },
  limits: {
    monthlyImages: p.limits?.monthlyImages ?? 0,
    maxImagesPerRequest: p.limits?.maxImagesPerRequest ?? 0,
    brandProfileLimit: p.limits?.brandProfileLimit ?? 0,
    loraLimit: p.limits?.loraLimit ?? 0,
    priority: p.limits?.priority ?? 0,
  },
  active: p.active,
  sortOrder: p.sortOrder,
});

export const subscriptionView = (s: MessageShape<typeof SubscriptionSchema> | undefined) => ({
  plan: s?.plan ?? 'free',
  periodStart: s?.periodStart || null,
  periodEnd: s?.periodEnd || null,
  cancelAtPeriodEnd: s?.cancelAtPeriodEnd ?? false,
  nextPlan: s?.nextPlan || null,
});

export const topUpView = (t: MessageShape<typeof TopUpSchema> | undefined) =>
  t && {
    id: t.id,
    provider: t.provider,
    amountKopecks: Number(t.amountKopecks),
    currency: t.currency,
    status: t.status,
    confirmationUrl: t.confirmationUrl || null,
    createdAt: t.createdAt,
    updatedAt: t.updatedAt,
  };
