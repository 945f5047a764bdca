import { randomUUID } from 'node:crypto';
import { EVENTS, create, toBinary } from '@atelier/contracts';
import { envelopeToPublishOptions, newEnvelope } from '@atelier/messaging';
import { TestMesh } from './support/test-mesh';

/**
 * Issue 5 end to end over real processes, PostgreSQL and RabbitMQ: brand profiles through the gateway (limit from
 * billing), the built-in backend with a brand in prompt.enhanced, preview, and the policy learning from
 * feedback.submitted events this test publishes itself. Generator and judge are not started: the enhancer's
 * part of the saga is what is under test.
 */
describe('enhancer: brand profiles, built-in backend, learned policy', () => {
  const mesh = new TestMesh({ services: ['gateway', 'billing', 'enhancer'] });
  const api = (path: string): string => `${mesh.supervisor.url('gateway')}${path}`;
  const call = async (
    user: string,
    method: string,
    path: string,
    body?: unknown,
  ): Promise<{ status: number; json: Record<string, unknown> }> => {
    const res = await fetch(api(path), {
      method,
      headers: { 'content-type': 'application/json', 'x-user-id': user },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, json: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
  };

  beforeAll(() => mesh.start(), 120000);
  afterAll(() => mesh.stop(), 60000);

  it('creates, lists, updates and deletes brand profiles within the plan limit', async () => {
    const user = mesh.newUser();
    const created = await call(user, 'POST', '/v1/brand-profiles', {
      name: 'Beans',
      styleShort: 'cozy minimalist coffee brand',
      styleWords: ['cozy', 'minimalist'],
      palette: ['#1E5A32', '#F5EBD7'],
      moodWords: ['calm'],
      bannedWords: ['cheap'],
      composition: 'cup on the left, space for text on the right',
    });
    expect(created.status).toBe(201);
    expect(created.json).toMatchObject({ name: 'Beans', isDefault: true, palette: ['#1E5A32', '#F5EBD7'] });

    // Billing reports no limit (max_brand_profiles = 0) → the default of one profile applies.
    const second = await call(user, 'POST', '/v1/brand-profiles', { name: 'Other' });
    expect(second.status).toBe(403);
    expect((second.json.error as { code: string }).code).toBe('brand_profile_limit');

    const invalid = await call(user, 'POST', '/v1/brand-profiles', { name: 'X', palette: ['green'] });
    expect(invalid.status).toBe(400);

    const list = await call(user, 'GET', '/v1/brand-profiles');
    expect(list.json.limit).toBe(1);
    expect((list.json.items as unknown[]).length).toBe(1);
    // Another user sees nothing of it.
    expect(((await call(mesh.newUser(), 'GET', '/v1/brand-profiles')).json.items as unknown[]).length).toBe(0);
    const id = String(created.json.id);
    expect((await call(mesh.newUser(), 'DELETE', `/v1/brand-profiles/${id}`)).status).toBe(404);

    const updated = await call(user, 'PUT', `/v1/brand-profiles/${id}`, { name: 'Beans & Co', styleWords: ['eco'] });
    expect(updated.status).toBe(200);
    expect(updated.json).toMatchObject({ name: 'Beans & Co', styleWords: ['eco'], isDefault: true });
    expect((await call(user, 'DELETE', `/v1/brand-profiles/${id}`)).status).toBe(204);
    expect((await call(user, 'DELETE', `/v1/brand-profiles/${id}`)).status).toBe(404);
  });

  it('enhances a Russian request into an English, brand-styled prompt and records everything', async () => {
    const user = mesh.newUser();
    const profile = await call(user, 'POST', '/v1/brand-profiles', {
      name: 'Beans',
      styleShort: 'cozy minimalist coffee brand',
      palette: ['#1E5A32'],
      bannedWords: ['cheap'],
    });
    const preview = await call(user, 'POST', '/v1/prompts/preview', {
      prompt: 'баннер для кофейни «Зерно», осень, скидка 20% 🍂',
    });
    expect(preview.status).toBe(200);
    expect(preview.json).toMatchObject({ language: 'ru', platform: 'banner', goal: 'promotion', backend: 'builtin@1' });
    const prompt = String(preview.json.enhancedPrompt);
    // The format words went to detection (3:1 banner below); the subject is what is drawn.
    expect(prompt).toMatch(/^coffee shops? «Зерно», autumn, discount 20%, cozy minimalist coffee brand/u);
    expect(prompt).toContain('deep green color palette');
    expect(String(preview.json.negativePrompt)).toContain('cheap');
    expect(preview.json.brandProfileId).toBe(profile.json.id);
    expect((preview.json.explanation as string[]).length).toBe(4);
    // A named format: the wide banner's shape and size, with the rule's confidence.
    expect(preview.json).toMatchObject({ aspectRatio: '3:1', targetWidth: 1500, targetHeight: 500 });
    expect(preview.json.platformConfidence).toBeCloseTo(0.95, 5);

    // The user's explicit platform and goal win over the words, with confidence 1.
    const chosen = await call(user, 'POST', '/v1/prompts/preview', {
      prompt: 'баннер для кофейни, скидка 20%',
      platform: 'reels',
      goal: 'hiring',
    });
    expect(chosen.json).toMatchObject({
      platform: 'instagram_story',
      goal: 'hiring',
      platformConfidence: 1,
      goalConfidence: 1,
      aspectRatio: '9:16',
      targetWidth: 1080,
      targetHeight: 1920,
    });

    const submitted = await mesh.client.submit(user, {
      prompt: 'insta пост новая коллекция платьев',
      n: 2,
      seed: 1,
      goal: 'seasonal',
    });
    expect(submitted.status).toBe(202);
    const id = submitted.body.id ?? '';
    const [row] = await mesh.waitFor(async () => {
      const rows = await mesh.query<{
        enhanced_prompt: string;
        language: string;
        backend: string;
        brand_profile_id: string;
        platform: string;
        goal: string;
        goal_confidence: number;
        target_width: number;
        target_height: number;
        fragments: Array<{ group: string; phrase: string; reason: string }>;
      }>('SELECT * FROM enhancer.enhancements WHERE generation_id = $1', [id]);
      return rows.length ? rows : undefined;
    });
    expect(row?.language).toBe('mixed');
    expect(row).toMatchObject({ platform: 'instagram_post', goal: 'seasonal', goal_confidence: 1 });
    expect([row?.target_width, row?.target_height]).toEqual([1080, 1080]);
    expect(row?.backend).toBe('builtin@1');
    expect(row?.brand_profile_id).toBe(profile.json.id);
    expect(row?.enhanced_prompt).toMatch(/^new dress collection/u);
    expect(row?.fragments.map((f) => f.group)).toEqual(['lighting', 'background', 'camera', 'finish']);
    // The gateway's read model got the English prompt from prompt.enhanced.
    const view = await mesh.waitFor(async () => {
      const v = await mesh.client.get(user, id);
      return v.body.enhancedPrompt ? v.body : undefined;
    });
    expect(view.enhancedPrompt).toBe(row?.enhanced_prompt);
  });

  it('learns from feedback.submitted: counts per fragment, a changed mind moves the count, strangers are ignored', async () => {
    const user = mesh.newUser();
    const submitted = await mesh.client.submit(user, { prompt: 'фото кожаной сумки на белом фоне', n: 1, seed: 2 });
    const id = submitted.body.id ?? '';
    const [row] = await mesh.waitFor(async () => {
      const rows = await mesh.query<{ fragments: Array<{ group: string; phrase: string }> }>(
        'SELECT fragments FROM enhancer.enhancements WHERE generation_id = $1',
        [id],
      );
      return rows.length ? rows : undefined;
    });
    const lighting = row?.fragments.find((f) => f.group === 'lighting')?.phrase ?? '';

    const ch = await (await mesh.amqp()).createConfirmChannel();
    const publish = (verdict: string, from = user): void => {
      const schema = EVENTS['feedback.submitted'].schema;
      const body = toBinary(
        schema,
        create(schema, { feedbackId: randomUUID(), generationId: id, userId: from, imageIndex: 0, verdict }),
      );
      ch.publish(
        `${mesh.namespace}.events`,
        'feedback.submitted',
        Buffer.from(body),
        envelopeToPublishOptions(newEnvelope('feedback.submitted', 'gateway', id)),
      );
    };
    const stats = async (): Promise<{ likes: number; dislikes: number } | undefined> =>
      (
        await mesh.query<{ likes: number; dislikes: number }>(
          `SELECT likes, dislikes FROM enhancer.policy_arm_stats WHERE scope = $1 AND grp = 'lighting' AND arm = $2`,
          [`user:${user}`, lighting],
        )
      )[0];

    publish('like', mesh.newUser()); // not the owner: ignored
    publish('like');
    await ch.waitForConfirms();
    await mesh.waitFor(async () => ((await stats())?.likes === 1 ? true : undefined), 15000, 'like counted');
    publish('dislike'); // changed mind on the same image
    await ch.waitForConfirms();
    await mesh.waitFor(
      async () => {
        const s = await stats();
        return s?.likes === 0 && s.dislikes === 1 ? true : undefined;
      },
      15000,
      'verdict moved',
    );
    await ch.close();
    const [global] = await mesh.query<{ n: number }>(
      `SELECT (likes + dislikes)::int AS n FROM enhancer.policy_arm_stats WHERE scope = 'global' AND grp = 'lighting' AND arm = $1`,
      [lighting],
    );
    expect(global?.n).toBe(1);

    // The next preview explains the choice from this user's history when it picks that option again.
    const preview = await call(user, 'POST', '/v1/prompts/preview', { prompt: 'сумка на белом фоне' });
    const reasons = preview.json.explanation as string[];
    expect(reasons).toHaveLength(4);
    for (const r of reasons) expect(r).toMatch(/^(added '.+': liked \d+ of \d+ times by (you|all users)|trying '.+')/u);
  });
});
