import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { EVENTS, create, toBinary } from '@atelier/contracts';
import { envelopeToPublishOptions, newEnvelope, type EventEnvelope } from '@atelier/messaging';
import { TestMesh } from './support/test-mesh';

const FASHION = resolve(__dirname, '..', '..', 'shared', 'data', 'fashion-product-images');

interface Rec {
  itemId: string;
  title: string;
  reasons: string[];
  relevanceRank: number;
  contributions: Record<string, number>;
}
interface RecList {
  strategy: string;
  items: Rec[];
  stages: {
    styleModes: { applied: boolean; modes: Array<{ label: string; share: number; served: number }>; promoted: number };
    studioFeedback: { likes: number; dislikes: number };
  };
}

/**
 * Issue 9 and the studio signal, end to end over real processes, PostgreSQL and RabbitMQ: feedback.submitted
 * published as the gateway publishes it (binary protobuf + envelope headers) shapes the content profile, counts once
 * however often it is delivered; style modes from real photos (MobileNetV2 features) share the list.
 */
describe('recommender: studio feedback and style modes', () => {
  const mesh = new TestMesh({ services: ['recommender'], env: { RECOMMENDER_REFRESH_INTERVAL_MS: '1000' } });
  const base = () => mesh.supervisor.url('recommender');
  const shop = mesh.newUser();
  const call = async (method: string, path: string, user: string, body?: unknown, role = 'customer') => {
    const res = await fetch(`${base()}${path}`, {
      method,
      headers: { 'x-user-id': user, 'x-user-role': role, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };
  const recommend = async (user: string, k = 10) =>
    (await call('GET', `/v1/recommendations?k=${k}`, user)).body as unknown as RecList;

  // Real products with photos: watches, men's shirts and casual shoes from the Myntra sample.
  const rows = readFileSync(join(FASHION, 'styles.csv'), 'utf8')
    .split('\n')
    .slice(1)
    .map((l) => l.split(','))
    .filter((f) => f.length >= 10 && existsSync(join(FASHION, 'images_60x80', `${f[0]}.jpg`)));
  const pick = (type: string, n: number, colour?: string) =>
    rows.filter((f) => f[4] === type && (!colour || f[5] === colour)).slice(0, n);
  // Black watches and white shirts differ clearly in the style profile's photo embedding (MobileNetV2 + colour).
  const catalogue = [...pick('Watches', 12, 'Black'), ...pick('Shirts', 12, 'White'), ...pick('Casual Shoes', 10)];
  const ids = new Map<string, string>(); // external id → item id
  const byType = (type: string) => catalogue.filter((f) => f[4] === type).map((f) => ids.get(f[0]) as string);

  beforeAll(async () => {
    await mesh.start();
    for (const f of catalogue) {
      const res = await call(
        'POST',
        '/v1/catalog/items',
        shop,
        {
          externalId: f[0],
          title: f.slice(9).join(','),
          categoryPath: [f[2], f[3], f[4]],
          attributes: { gender: f[1], articleType: f[4], baseColour: f[5], usage: f[8] },
          imageBase64: readFileSync(join(FASHION, 'images_60x80', `${f[0]}.jpg`)).toString('base64'),
        },
        'shop',
      );
      expect(res.status).toBe(201);
      ids.set(f[0], res.body.id as string);
    }
    await mesh.waitFor(
      async () => {
        const [r] = await mesh.query<{ n: number }>(
          'SELECT count(*)::int AS n FROM recommender.item_features WHERE image IS NOT NULL',
        );
        return r.n === catalogue.length ? true : undefined;
      },
      120000,
      'image features of every item',
    );
  }, 240000);
  afterAll(() => mesh.stop());

  const publishFeedback = async (
    payload: { feedbackId: string; generationId: string; userId: string; verdict: string },
    envelope: EventEnvelope = newEnvelope('feedback.submitted', 'gateway', payload.generationId),
    times = 1,
  ): Promise<EventEnvelope> => {
    const schema = EVENTS['feedback.submitted'].schema;
    const body = toBinary(
      schema,
      create(schema, {
        ...payload,
        imageIndex: 0,
        imageRank: 1,
        originalPrompt: 'фото мужских часов для баннера',
        enhancedPrompt: "product photo of a men's wrist watch with a black dial, soft studio lighting, 8k",
        platform: 'instagram',
        goal: 'sale',
        backend: 'procedural',
        storageKey: `generations/${payload.generationId}/0.png`,
        score: 0.8,
        metrics: { clip: 0.3 },
      }),
    );
    const ch = await (await mesh.amqp()).createConfirmChannel();
    for (let i = 0; i < times; i++) {
      ch.publish(
        `${mesh.namespace}.events`,
        'feedback.submitted',
        Buffer.from(body),
        envelopeToPublishOptions(envelope),
      );
    }
    await ch.waitForConfirms();
    await ch.close();
    return envelope;
  };
  const handled = (eventId: string) =>
    mesh.waitFor(
      async () =>
        (await mesh.query('SELECT 1 FROM recommender.inbox WHERE event_id = $1', [eventId])).length ? true : undefined,
      20000,
      `event ${eventId} handled`,
    );
  const queueIdle = () =>
    mesh.waitFor(
      async () => {
        const ch = await (await mesh.amqp()).createChannel();
        const q = await ch.checkQueue(mesh.queue('recommender'));
        await ch.close();
        return q.messageCount === 0 ? true : undefined;
      },
      20000,
      'recommender queue drained',
    );

  it('takes a liked studio prompt as a content signal, explained, counted once however often delivered', async () => {
    const user = mesh.newUser();
    const before = await recommend(user, 5);
    expect(before.strategy).toBe('cold-start');
    expect(before.items.flatMap((i) => i.reasons).some((r) => /studio/.test(r))).toBe(false);

    const like = { feedbackId: randomUUID(), generationId: randomUUID(), userId: user, verdict: 'like' };
    // The same delivery three times (same event id), then the gateway's event again under a new id.
    const first = await publishFeedback(like, undefined, 3);
    const again = await publishFeedback(like);
    await handled(first.eventId);
    await handled(again.eventId);
    await queueIdle();

    const after = await mesh.waitFor(
      async () => {
        const r = await recommend(user, 5);
        return r.strategy === 'hybrid' ? r : undefined;
      },
      20000,
      'recommendations shaped by the studio like',
    );
    const watches = new Set(byType('Watches'));
    // The DPP stage still mixes in other items; the watches lead.
    expect(watches.has(after.items[0].itemId)).toBe(true);
    expect(after.items.filter((i) => watches.has(i.itemId)).length).toBeGreaterThanOrEqual(3);
    for (const i of after.items.filter((x) => watches.has(x.itemId))) {
      expect(i.reasons).toContain('matches the style you liked in the studio: “фото мужских часов для баннера”');
    }
    expect(after.stages.studioFeedback).toEqual({ likes: 1, dislikes: 0 });
    const stored = await mesh.query<{ verdict: string; feedback_id: string }>(
      'SELECT verdict, feedback_id FROM recommender.studio_feedback WHERE user_id = $1',
      [user],
    );
    expect(stored).toEqual([{ verdict: 'like', feedback_id: like.feedbackId }]);
    const [inbox] = await mesh.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM recommender.inbox WHERE event_id = $1',
      [first.eventId],
    );
    expect(inbox.n).toBe(1);

    // A changed mind (same image, later) replaces the like; a late, older event changes nothing.
    const dislike = await publishFeedback({ ...like, verdict: 'dislike' });
    await handled(dislike.eventId);
    const stale = newEnvelope('feedback.submitted', 'gateway', like.generationId);
    await publishFeedback(like, { ...stale, occurredAt: new Date(Date.parse(first.occurredAt) - 60000).toISOString() });
    await handled(stale.eventId);
    expect(await mesh.query('SELECT verdict FROM recommender.studio_feedback WHERE user_id = $1', [user])).toEqual([
      { verdict: 'dislike' },
    ]);
    const disliked = await recommend(user, 5);
    expect(disliked.strategy).toBe('cold-start');
    expect(disliked.stages.studioFeedback).toEqual({ likes: 0, dislikes: 1 });
    expect(disliked.items.flatMap((i) => i.reasons).some((r) => /studio/.test(r))).toBe(false);

    // Bad input is dead-lettered with its reason, nothing stored.
    const bad = await publishFeedback({
      ...like,
      feedbackId: randomUUID(),
      generationId: randomUUID(),
      verdict: 'meh',
    });
    const dead = await mesh.waitFor(
      async () => {
        const msgs = await mesh.drainDeadLetters('recommender');
        return msgs.find((m) => m.properties.messageId === bad.eventId);
      },
      20000,
      'invalid verdict dead-lettered',
    );
    expect(String(dead.properties.headers?.['x-failure-reason'])).toMatch(/verdict/);
    const [n] = await mesh.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM recommender.studio_feedback WHERE user_id = $1',
      [user],
    );
    expect(n.n).toBe(1);
  }, 120000);

  it('covers two clearly different liked styles in proportion, and leaves a one-style user alone', async () => {
    const [watches, shirts, shoes] = [byType('Watches'), byType('Shirts'), byType('Casual Shoes')];
    const act = async (user: string, itemId: string, kind: string) =>
      expect((await call('POST', '/v1/interactions', user, { itemId, kind })).status).toBe(201);
    // Other shoppers go from shirts to shoes: collaborative and sequential signals lean that way.
    for (const other of [mesh.newUser(), mesh.newUser(), mesh.newUser()]) {
      for (const s of shirts.slice(0, 10)) await act(other, s, 'purchase');
      for (const s of shoes.slice(0, 6)) await act(other, s, 'purchase');
    }
    const twoStyles = mesh.newUser();
    for (const w of watches.slice(0, 6)) await act(twoStyles, w, 'like');
    for (const s of shirts.slice(0, 8)) await act(twoStyles, s, 'like');
    const oneStyle = mesh.newUser();
    for (const s of shirts.slice(2, 10)) await act(oneStyle, s, 'like');

    const list = await mesh.waitFor(
      async () => {
        const r = await recommend(twoStyles);
        return r.items.some((i) => (i.contributions.collaborative ?? 0) > 0) ? r : undefined;
      },
      30000,
      'collaborative recommendations after the model refresh',
    );
    const { styleModes } = list.stages;
    expect(styleModes.applied).toBe(true);
    expect(styleModes.modes).toHaveLength(2);
    expect(styleModes.modes.map((m) => m.label).join(' | ')).toMatch(/shirts, white|white, shirts/);
    expect(styleModes.modes.map((m) => m.label).join(' | ')).toMatch(/watches, black|black, watches/);
    const served = (ids: string[]) => list.items.filter((i) => ids.includes(i.itemId)).length;
    // Shares 8/14 and 6/14 of ten seats: 6 and 4; four shirts are left unliked, six watches.
    expect(served(watches)).toBeGreaterThanOrEqual(3);
    expect(served(shirts)).toBeGreaterThanOrEqual(3);
    const fromStyle = list.items.filter((i) => i.reasons.some((r) => r.startsWith('from your style: ')));
    expect(fromStyle.length).toBe(styleModes.promoted);
    // Without the modes the list leans to shirts and the shoes other shoppers bought next: watches had to be brought in,
    // and each says which of the user's styles it comes from.
    expect(styleModes.promoted).toBeGreaterThanOrEqual(1);
    for (const i of fromStyle) {
      const reason = i.reasons.find((r) => r.startsWith('from your style: ')) ?? '';
      expect((/watches/.test(reason) ? watches : shirts).includes(i.itemId)).toBe(true);
    }

    const single = await recommend(oneStyle);
    const profile = (await call('GET', '/v1/style-profile', oneStyle)).body as { status: string; k: number };
    expect(profile.status).toBe('ready');
    expect(profile.k).toBeGreaterThanOrEqual(3); // several mixture components, one style
    expect(single.stages.styleModes).toEqual({ applied: false, modes: [], promoted: 0 });
    expect(single.items.flatMap((i) => i.reasons).some((r) => r.startsWith('from your style'))).toBe(false);
  }, 120000);
});
