import sharp from 'sharp';
import { TestMesh } from './support/test-mesh';

interface TextRecord {
  field: string;
  text: string;
  contrast: number;
  insideSafeZone: boolean;
}
interface ImageRow {
  width: number;
  height: number;
  params: {
    fit: string;
    creative: { fromRequest: string[] };
    layout: { width: number; height: number; texts: TextRecord[] };
    scene?: { kind: string; illustrations: Array<{ name: string }> };
  };
}

/** Creatives end to end: the platform's exact size, the request's own text set legibly, the subject drawn. */
describe('creatives through the mesh', () => {
  // The recommender plays no part in a generation. The five services start one after another: on a busy shared
  // machine six processes importing at once can each take longer than the supervisor's readiness wait.
  const mesh = new TestMesh({ env: { JUDGE_BACKEND: 'statistics' }, services: [] });

  beforeAll(async () => {
    await mesh.start();
    for (const service of ['gateway', 'billing', 'enhancer', 'generator', 'judge'] as const) {
      await mesh.supervisor.start(service);
    }
  }, 400000);
  afterAll(() => mesh.stop(), 60000);

  const cases = [
    {
      body: { prompt: 'сторис для кофейни: круассаны, скидка 20% до воскресенья, промокод LETO20', seed: 1 },
      size: [1080, 1920],
      fields: ['discount', 'deadline', 'promoCode'],
      icon: 'croissant',
    },
    {
      body: { prompt: 'термокружка 1 490 ₽ вместо 1 990 ₽', platform: 'marketplace_card', seed: 2 },
      size: [900, 1200],
      fields: ['price', 'oldPrice'],
      icon: 'hot-beverage',
    },
    {
      body: { prompt: 'тюльпаны к 8 марта, букеты от 990 р', platform: 'instagram_post', seed: 3 },
      size: [1080, 1080],
      fields: ['price'],
      icon: 'tulip',
    },
    {
      body: { prompt: 'рекламный баннер: распродажа кроссовок -70%', platform: 'banner', seed: 4 },
      size: [1200, 628],
      fields: ['discount'],
      icon: 'running-shoe',
    },
    {
      body: { prompt: 'ищем бариста в кофейню', platform: 'telegram_post', seed: 5 },
      size: [1280, 720],
      fields: ['headline'],
      icon: 'hot-beverage',
    },
  ];

  it('delivers each platform its exact size, with the text read from the request set legibly and the subject drawn', async () => {
    const user = mesh.newUser();
    const submitted = await Promise.all(cases.map((c) => mesh.client.submit(user, c.body)));
    expect(submitted.map((s) => s.status)).toEqual(cases.map(() => 202));
    for (const [i, c] of cases.entries()) {
      const done = await mesh.client.waitForTerminal(user, submitted[i].body.id ?? '', 120000);
      expect(done.status).toBe('completed');
      const img = await mesh.client.image(user, done.id, 1);
      const meta = await sharp(img.bytes).metadata();
      expect([meta.width, meta.height]).toEqual(c.size);
      const [row] = await mesh.query<ImageRow>(
        'SELECT width, height, params FROM generator.images WHERE generation_id = $1',
        [done.id],
      );
      expect([row.width, row.height]).toEqual(c.size);
      const layout = row.params.layout;
      expect([layout.width, layout.height]).toEqual(c.size);
      for (const field of c.fields) {
        const t = layout.texts.find((x) => x.field === field);
        expect(t && { field: t.field, legible: t.contrast >= 4.5, inside: t.insideSafeZone }).toEqual({
          field,
          legible: true,
          inside: true,
        });
      }
      expect(row.params.scene?.illustrations.map((x) => x.name)).toContain(c.icon);
      // The API answer shows which text the generation used and which of it came from the request's words.
      const view = (await mesh.client.get(user, done.id)).body as unknown as {
        params: { creative: { fromRequest: string[] } };
      };
      const fromRequest = c.fields.map((f) => (f === 'headline' ? 'title' : f));
      expect(view.params.creative.fromRequest).toEqual(expect.arrayContaining(fromRequest));
    }
  }, 300000);

  it('refuses text that cannot fit the format with 422 before any quota is reserved', async () => {
    const user = mesh.newUser();
    const title = 'Большая осенняя распродажа всего ассортимента '.repeat(3).trim();
    const res = await mesh.client.submit(user, { prompt: 'баннер', width: 320, height: 180, creative: { title } });
    expect(res.status).toBe(422);
    const error = (
      res.body as { error: { code: string; message: string; details: { problems: Array<{ fits: number }> } } }
    ).error;
    expect(error.code).toBe('text_does_not_fit');
    expect(error.details.problems[0].fits).toBeLessThan(title.length);
    expect(error.message).toContain(`at most ${error.details.problems[0].fits} fit`);
    const ok = await mesh.client.submit(user, {
      prompt: 'баннер',
      width: 320,
      height: 180,
      creative: { title: title.slice(0, error.details.problems[0].fits) },
    });
    expect(ok.status).toBe(202);
    await mesh.client.waitForTerminal(user, ok.body.id ?? '', 120000);
    // Only the accepted request reached billing.
    const generations = await mesh.query('SELECT id FROM gateway.generations WHERE user_id = $1', [user]);
    expect(generations).toHaveLength(1);
    expect(await mesh.settledUsage(user, { committed: 1, reserved: 0 })).toEqual({ committed: 1, reserved: 0 });
  }, 180000);
});
