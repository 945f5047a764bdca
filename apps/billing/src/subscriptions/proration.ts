import type { Kopecks } from '../ledger/money';

/**
 * Unused part of the current period's price, rounded down to the kopeck (the customer is never credited
 * more than they paid): price × remaining / length, with remaining clamped to [0, length].
 */
export function unusedCredit(price: Kopecks, periodStart: Date, periodEnd: Date, now: Date): Kopecks {
  const length = BigInt(periodEnd.getTime() - periodStart.getTime());
  if (length <= 0n || price <= 0n) return 0n;
  let remaining = BigInt(periodEnd.getTime() - now.getTime());
  if (remaining < 0n) remaining = 0n;
  if (remaining > length) remaining = length;
  return (price * remaining) / length;
}

/** What an immediate upgrade costs: the new plan's full price less the unused credit of the old one. */
export function upgradeCharge(
  newPrice: Kopecks,
  oldPrice: Kopecks,
  periodStart: Date,
  periodEnd: Date,
  now: Date,
): { charge: Kopecks; credit: Kopecks } {
  const credit = unusedCredit(oldPrice, periodStart, periodEnd, now);
  const capped = credit > newPrice ? newPrice : credit;
  return { charge: newPrice - capped, credit: capped };
}

/** Periods end at anchor + n calendar months (UTC), clamped to the month's last day, so they never drift. */
export function addMonths(anchor: Date, months: number): Date {
  const y = anchor.getUTCFullYear();
  const m = anchor.getUTCMonth() + months;
  const lastDay = new Date(Date.UTC(y, m + 1, 0)).getUTCDate();
  const d = new Date(anchor);
  d.setUTCFullYear(y, m, Math.min(anchor.getUTCDate(), lastDay));
  return d;
}
