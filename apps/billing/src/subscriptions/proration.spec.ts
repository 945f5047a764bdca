import { addMonths, unusedCredit, upgradeCharge } from './proration';

const at = (iso: string): Date => new Date(iso);

describe('proration', () => {
  const start = at('2026-03-01T00:00:00Z');
  const end = at('2026-03-31T00:00:00Z'); // 30 days

  it('credits the unused share of the old price, rounded down to the kopeck', () => {
    expect(unusedCredit(49000n, start, end, at('2026-03-16T00:00:00Z'))).toBe(24500n); // half left
    expect(unusedCredit(100n, start, end, at('2026-03-21T00:00:00Z'))).toBe(33n); // 33.33 → 33
    expect(unusedCredit(49000n, start, end, start)).toBe(49000n);
    expect(unusedCredit(49000n, start, end, end)).toBe(0n);
    expect(unusedCredit(49000n, start, end, at('2026-05-01T00:00:00Z'))).toBe(0n); // past the end
    expect(unusedCredit(0n, start, end, start)).toBe(0n); // free plan has nothing to credit
  });

  it('charges the new price less the credit, never negative', () => {
    expect(upgradeCharge(149000n, 49000n, start, end, at('2026-03-16T00:00:00Z'))).toEqual({
      charge: 124500n,
      credit: 24500n,
    });
    expect(upgradeCharge(100n, 500n, start, end, start)).toEqual({ charge: 0n, credit: 100n });
  });

  it('adds calendar months from an anchor without drifting at month ends', () => {
    const jan31 = at('2026-01-31T10:00:00Z');
    expect(addMonths(jan31, 1).toISOString()).toBe('2026-02-28T10:00:00.000Z');
    expect(addMonths(jan31, 2).toISOString()).toBe('2026-03-31T10:00:00.000Z');
    expect(addMonths(jan31, 12).toISOString()).toBe('2027-01-31T10:00:00.000Z');
    expect(addMonths(at('2024-01-30T00:00:00Z'), 1).toISOString()).toBe('2024-02-29T00:00:00.000Z');
  });
});
