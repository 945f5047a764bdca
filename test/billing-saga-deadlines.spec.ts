import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import type { EventPayload, EventType } from '@atelier/contracts';
import { Outbox, newEnvelope, type EventContext, type EventInit } from '@atelier/messaging';
import { BillingHarness } from './support/billing-harness';

/**
 * Billing's side of "sagas that stop", on the real PostgreSQL with the classes the billing process runs:
 * inactivity deadlines renewed by progress, the completion-seen marker the expiry sweep honours, the late-completion
 * rule, and the owner's cancel.
 */
describe('billing: saga deadlines, completion race, cancel (PostgreSQL)', () => {
  const h = new BillingHarness({
    RESERVATION_TTL_SECONDS: '60',
    SAGA_INACTIVITY_GENERATE_SECONDS: '1800',
    SAGA_INACTIVITY_JUDGE_SECONDS: '120',
  });
  beforeAll(() => h.start(), 60000);
  afterAll(() => h.stop());

  interface Reservation {
    status: string;
    reason: string | null;
    step: string;
    delivered: number | null;
    secs_left: number;
  }
  const reservation = async (id: string): Promise<Reservation> =>
    (
      await h.query<Reservation>(
        `SELECT status, reason, step, delivered, extract(epoch FROM expires_at - now())::float AS secs_left
           FROM billing.quota_reservations WHERE generation_id = $1`,
        [id],
      )
    )[0];
  const usage = async (user: string) =>
    (
      await h.query<{ reserved: number; committed: number }>(
        'SELECT reserved, committed FROM billing.quota_usage WHERE user_id = $1',
        [user],
      )
    )[0];
  const outboxOf = (id: string) =>
    h.query<{ type: string }>(`SELECT type FROM billing.outbox WHERE correlation_id = $1 ORDER BY type DESC`, [id]);
  const overdue = (id: string) =>
    h.query(`UPDATE billing.quota_reservations SET expires_at = now() - interval '1 second' WHERE generation_id = $1`, [
      id,
    ]);
  const sweep = () => h.ds.transaction((m) => h.quota.expireOverdue(m, 1000));
  /** A consumer context like the transport's: events go to billing.outbox in the handler's transaction. */
  const context = (m: EntityManager, type: EventType, generationId: string): EventContext => ({
    envelope: newEnvelope(type, 'gateway', generationId),
    attempt: 1,
    manager: m,
    emit: async <T extends EventType>(t: T, payload: EventInit<T>) => {
      await new Outbox(h.config).add(m, t, payload, { correlationId: generationId });
    },
    afterCommit: () => undefined,
  });
  const cancel = (generationId: string, userId: string) =>
    h.ds.transaction((m) =>
      h.quota.cancel(
        { generationId, userId } as EventPayload<'generation.cancel_requested'>,
        context(m, 'generation.cancel_requested', generationId),
      ),
    );

  it('renews the deadline by each step’s own inactivity limit, forward only', async () => {
    const user = randomUUID();
    const id = randomUUID();
    expect(await h.reserve(user, 2, id)).toBe('reserved');
    let r = await reservation(id);
    expect(r.step).toBe('enhance');
    expect(r.secs_left).toBeGreaterThan(55);
    expect(r.secs_left).toBeLessThanOrEqual(60);

    expect(await h.ds.transaction((m) => h.quota.renew(m, id, 'generate'))).toBe(true);
    r = await reservation(id);
    expect(r.step).toBe('generate');
    expect(r.secs_left).toBeGreaterThan(1795);

    expect(await h.ds.transaction((m) => h.quota.renew(m, id, 'judge'))).toBe(true);
    r = await reservation(id);
    expect(r.step).toBe('judge');
    expect(r.secs_left).toBeLessThanOrEqual(120);
    // A redelivered or late event of an earlier step does not move the saga (or its deadline) back.
    expect(await h.ds.transaction((m) => h.quota.renew(m, id, 'generate'))).toBe(false);
    expect((await reservation(id)).step).toBe('judge');
  });

  it('leaves a reservation to its completion once the completion has been seen (sweep skips it, charged)', async () => {
    const user = randomUUID();
    const id = randomUUID();
    expect(await h.reserve(user, 3, id)).toBe('reserved');
    await overdue(id);
    // The completion is delivered (marker set) but not yet settled: say it waits in a retry queue.
    await h.quotaRepo.markCompletionSeen(h.ds.manager, id);
    expect(await sweep()).toEqual([]);
    expect((await reservation(id)).status).toBe('reserved');
    expect(await h.commit(id, 2)).toBe('committed');
    expect(await reservation(id)).toMatchObject({ status: 'committed', delivered: 2 });
    expect(await usage(user)).toEqual({ reserved: 0, committed: 2 });
    expect((await outboxOf(id)).map((e) => e.type)).toEqual(['quota.reserved']);
  });

  it('skips a reservation whose completion holds its row lock, then the completion charges it', async () => {
    const user = randomUUID();
    const id = randomUUID();
    expect(await h.reserve(user, 1, id)).toBe('reserved');
    await overdue(id);
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    let locked!: () => void;
    const lockTaken = new Promise<void>((r) => (locked = r));
    // The completion's transaction has the row (findForUpdate) while the sweep runs.
    const completion = h.ds.transaction(async (m) => {
      const outcome = await h.quota.commit(m, id, 1);
      locked();
      await held;
      return outcome;
    });
    await lockTaken;
    expect(await sweep()).toEqual([]);
    release();
    expect(await completion).toBe('committed');
    expect(await usage(user)).toEqual({ reserved: 0, committed: 1 });
  });

  it('the late-completion rule: after the sweep expired it, a completion is not charged and nothing is published', async () => {
    const user = randomUUID();
    const id = randomUUID();
    expect(await h.reserve(user, 2, id)).toBe('reserved');
    await h.ds.transaction((m) => h.quota.renew(m, id, 'generate'));
    await overdue(id);
    const expired = await sweep();
    expect(expired).toEqual([{ generationId: id, userId: user, step: 'generate', limitSeconds: 1800 }]);
    // Marking after expiry changes nothing (only held reservations carry the marker).
    await h.quotaRepo.markCompletionSeen(h.ds.manager, id);
    expect(await h.commit(id, 2)).toBe('late');
    expect(await reservation(id)).toMatchObject({ status: 'expired', reason: 'saga_timeout', delivered: 0 });
    expect(await usage(user)).toEqual({ reserved: 0, committed: 0 });
    expect((await outboxOf(id)).map((e) => e.type)).toEqual(['quota.reserved']);
  });

  it('a dead-lettered completion gives the reservation back to the sweep', async () => {
    const user = randomUUID();
    const id = randomUUID();
    expect(await h.reserve(user, 1, id)).toBe('reserved');
    await overdue(id);
    await h.quotaRepo.markCompletionSeen(h.ds.manager, id);
    expect(await sweep()).toEqual([]);
    await h.quotaRepo.clearCompletionSeen(h.ds.manager, id);
    expect((await sweep()).map((e) => e.generationId)).toEqual([id]);
  });

  it('cancel releases a held reservation and fails the generation once; repeats and strangers change nothing', async () => {
    const user = randomUUID();
    const id = randomUUID();
    expect(await h.reserve(user, 4, id)).toBe('reserved');
    expect(await cancel(id, randomUUID())).toBe(false);
    expect((await reservation(id)).status).toBe('reserved');
    expect(await cancel(id, user)).toBe(true);
    expect(await reservation(id)).toMatchObject({ status: 'released', reason: 'cancelled' });
    expect(await usage(user)).toEqual({ reserved: 0, committed: 0 });
    expect(await cancel(id, user)).toBe(false);
    expect((await outboxOf(id)).map((e) => e.type)).toEqual(['quota.reserved', 'generation.failed']);
    // A completion that raced the cancel is not charged.
    expect(await h.commit(id, 4)).toBe('late');
    expect(await usage(user)).toEqual({ reserved: 0, committed: 0 });
  });

  it('a cancel that overtakes the reservation makes the later request hold nothing', async () => {
    const user = randomUUID();
    const id = randomUUID();
    expect(await cancel(id, user)).toBe(true);
    await h.ds.transaction((m) =>
      h.quota.reserve(
        {
          generationId: id,
          userId: user,
          params: { prompt: 'p', n: 2, width: 64, height: 64, steps: 1, guidance: 0, seed: 1n, platform: '' },
        } as EventPayload<'generation.requested'>,
        context(m, 'generation.requested', id),
      ),
    );
    expect(await reservation(id)).toBeUndefined();
    expect((await outboxOf(id)).map((e) => e.type)).toEqual(['generation.failed']);
    expect((await usage(user)) ?? { reserved: 0, committed: 0 }).toEqual({ reserved: 0, committed: 0 });
  });

  it('a completion that arrives in time is charged whatever the saga’s age (deadline renewed by progress)', async () => {
    const user = randomUUID();
    const id = randomUUID();
    expect(await h.reserve(user, 2, id)).toBe('reserved');
    // Older than the enhance limit, but the generator's step renewed it.
    await h.query(
      `UPDATE billing.quota_reservations SET created_at = now() - interval '1 hour' WHERE generation_id = $1`,
      [id],
    );
    await h.ds.transaction((m) => h.quota.renew(m, id, 'generate'));
    expect(await sweep()).toEqual([]);
    expect(await h.commit(id, 2)).toBe('committed');
  });

  it('after a restart, gives every saga one step limit to be heard from before the sweep expires it', async () => {
    const user = randomUUID();
    const id = randomUUID();
    expect(await h.reserve(user, 1, id)).toBe('reserved');
    await overdue(id);
    const before = h.quota.consumingSince;
    try {
      // Billing just started: the events it missed (this saga's renewal or completion) may still be queued.
      h.quota.consumingSince = new Date();
      expect(await sweep()).toEqual([]);
      // The enhance step's limit (60 s) has passed since then: now the deadline counts.
      h.quota.consumingSince = new Date(Date.now() - 61_000);
      expect((await sweep()).map((e) => e.generationId)).toEqual([id]);
    } finally {
      h.quota.consumingSince = before;
    }
  });
});
