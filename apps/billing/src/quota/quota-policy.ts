/** Free-plan periods are calendar months in UTC, e.g. "2026-11"; paid periods use their start instant as key. */
export const billingPeriod = (at: Date): string =>
  `${at.getUTCFullYear()}-${String(at.getUTCMonth() + 1).padStart(2, '0')}`;
