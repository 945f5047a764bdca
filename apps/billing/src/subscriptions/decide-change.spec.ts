import type { Plan } from '../plans/plan';
import { quotaExceededReason } from '../quota/quota-reservations.service';
import type { SubscriptionRow } from './subscription.repository';
import { decideChange, honourQuote } from './subscriptions.service';

const plan = (code: string, price: bigint, images = 100): Plan => ({
  code,
  name: code,
  monthlyPriceKopecks: price,
  currency: 'RUB',
  monthlyImages: images,
  maxImagesPerRequest: 4,
  autoPromptEnhance: true,
  autoBestSelection: true,
  brandProfileLimit: 1,
  loraLimit: 0,
  priority: 0,
  active: true,
  sortOrder: 0,
});
const free = plan('free', 0n);
const start = plan('start', 49000n);
const pro = plan('pro', 149000n);
const at = (iso: string) => new Date(iso);
const onFree: SubscriptionRow = {
  user_id: 'u',
  plan_code: 'free',
  period_start: null,
  period_end: null,
  period_key: null,
  cycle_anchor: null,
  cycle: 0,
  cancel_at_period_end: false,
  next_plan_code: null,
};
const onStart: SubscriptionRow = {
  ...onFree,
  plan_code: 'start',
  period_start: at('2026-03-01T00:00:00Z'),
  period_end: at('2026-03-31T00:00:00Z'),
  period_key: '2026-03-01T00:00:00.000Z',
  cycle_anchor: at('2026-03-01T00:00:00Z'),
  cycle: 1,
};

describe('decideChange (the rule both the command and its preview use)', () => {
  const mid = at('2026-03-16T00:00:00Z');

  it('buys a full period from Free', () => {
    const d = decideChange(onFree, free, start, mid);
    expect(d.change).toBe('purchased');
    expect(d.charge).toBe(49000n);
    if (d.change === 'purchased') expect(d.next.period_end?.toISOString()).toBe('2026-04-16T00:00:00.000Z');
  });

  it('upgrades now for the new price less the unused half', () => {
    expect(decideChange(onStart, start, pro, mid)).toMatchObject({
      change: 'upgraded',
      charge: 124500n,
      credit: 24500n,
    });
  });

  it('schedules downgrades and cancels, resumes, and leaves the same plan alone', () => {
    expect(decideChange(onStart, pro, start, mid).change).toBe('downgrade_scheduled');
    expect(decideChange(onStart, start, free, mid).change).toBe('cancel_scheduled');
    expect(decideChange({ ...onStart, cancel_at_period_end: true }, start, free, mid).change).toBe('unchanged');
    expect(decideChange({ ...onStart, cancel_at_period_end: true }, start, start, mid).change).toBe('resumed');
    expect(decideChange(onStart, start, start, mid)).toEqual({ change: 'unchanged', charge: 0n, credit: 0n });
  });
});

describe('honourQuote', () => {
  it('never charges more than the confirmed quote, within a small drift, and refuses a larger one', () => {
    expect(honourQuote(100000n, undefined, 149000n)).toBe(100000n);
    expect(honourQuote(99990n, 100000n, 149000n)).toBe(99990n);
    expect(honourQuote(100051n, 100000n, 149000n)).toBe(100000n); // 51 ≤ 149000 / 2880
    expect(() => honourQuote(100052n, 100000n, 149000n)).toThrow('the charge is now 100052 kopecks');
  });
});

describe('quotaExceededReason', () => {
  it('names the plan allowance when the request alone exceeds it (nothing used yet)', () => {
    const r = quotaExceededReason('Free', 4, 3, { reserved: 0, committed: 0 });
    expect(r).toBe('4 images requested, but the Free plan allows only 3 per period');
    expect(r).not.toContain('0 used');
  });

  it('names what is left when usage is the limit', () => {
    expect(quotaExceededReason('Start', 4, 300, { reserved: 2, committed: 296 })).toBe(
      "4 images requested, but only 2 of the Start plan's 300 are left this period (296 used, 2 in progress)",
    );
  });
});
