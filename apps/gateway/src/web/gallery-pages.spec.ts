import { join } from 'node:path';
import type { GenerationViewDto } from '../generations/generation.dto';
import { AssetManifest } from './asset-manifest';
import { historyPage } from './gallery-pages';
import { translator, type Lang } from './i18n';
import type { PageContext } from './layout';
import { requestPage, taskPage } from './pages';

const assets = AssetManifest.fromSources(join(__dirname, 'public'));
const ctx = (lang: Lang): PageContext => ({ lang, t: translator(lang), signedIn: true, assets, csrf: 'c', path: '/' });
const ID = '00000000-0000-4000-8000-000000000001';

const view = (status: string, images = 2): GenerationViewDto =>
  ({
    id: ID,
    status,
    prompt: 'баннер <b>для</b> кофейни',
    params: {},
    cleanedPrompt: null,
    enhancedPrompt: null,
    enhancement: null,
    backend: 'procedural',
    scorer: null,
    images: Array.from({ length: images }, (_, i) => ({
      rank: i + 1,
      index: i,
      width: 512,
      height: 512,
      score: 0.5,
      metrics: {},
      best: i === 0,
      validation: null,
      diversityOrder: null,
      url: `/v1/generations/${ID}/images/${i + 1}`,
    })),
    judging: null,
    failure: null,
    steps: [],
    createdAt: new Date(),
    updatedAt: new Date(),
    completedAt: null,
  }) as GenerationViewDto;

describe('gallery pages', () => {
  it('result page: image links open the image without JS, downloads per format, zip, tools, lightbox labels', () => {
    for (const [lang, zoom, close] of [
      ['ru', 'Открыть картинку 2 крупно', 'Закрыть просмотр'],
      ['en', 'Open image 2 large', 'Close the viewer'],
    ] as const) {
      const page = requestPage(ctx(lang), view('completed'), {});
      expect(page).toMatch(
        new RegExp(
          `<a\\s+class="zoom"\\s+href="/v1/generations/${ID}/images/2"\\s+data-lightbox="1"\\s+aria-label="${zoom}"`,
        ),
      );
      expect(page).toContain(`aria-label="${close}"`);
      for (const f of ['png', 'jpg', 'webp']) {
        expect(page).toContain(`/v1/generations/${ID}/images/1/download?format=${f}`);
        expect(page).toContain(`/v1/generations/${ID}/archive?format=${f}`);
      }
      expect(page).toContain(`action="/app/requests/${ID}/again"`);
      expect(page).toContain(`href="/app/requests/${ID}/delete"`);
      // The prompt is plain, escaped, selectable text; the copy row appears only with the script.
      expect(page).toContain('<dd id="prompt-text">баннер &lt;b&gt;для&lt;/b&gt; кофейни</dd>');
      expect(page).toMatch(/data-copy-row hidden/);
      // Two repeat forms, each with its own key.
      const keys = [...page.matchAll(/name="idempotencyKey" value="([^"]+)"/g)].map((m) => m[1]);
      expect(new Set(keys).size).toBe(2);
    }
  });

  it('progress page: a no-JS refresh toward the result while running, none once finished', () => {
    const running = taskPage(ctx('ru'), view('generating', 0));
    expect(running).toContain(
      `<noscript><meta http-equiv="refresh" content="5; url=/app/tasks/${ID}/next" /></noscript>`,
    );
    expect(running).toContain('результат откроется сам');
    expect(taskPage(ctx('ru'), view('completed'))).not.toContain('http-equiv="refresh"');
  });

  it('history page: filters kept in the form and in "show more", errors next to their fields', () => {
    const summary = { id: ID, status: 'completed', prompt: 'кофе', n: 1, createdAt: new Date(), completedAt: null };
    const page = historyPage(
      ctx('en'),
      { items: [{ ...summary, thumbnailUrl: `/v1/generations/${ID}/images/1/thumbnail` }], nextCursor: 'abc' },
      { raw: { q: 'кофе', status: 'completed' }, filters: { q: 'кофе', status: 'completed' }, errors: {} },
    );
    expect(page).toContain('value="кофе"');
    expect(page).toContain('<option value="completed" selected>Ready</option>');
    expect(page).toContain('href="/app/history?q=%D0%BA%D0%BE%D1%84%D0%B5&amp;status=completed&amp;cursor=abc"');
    expect(page).toContain(`src="/v1/generations/${ID}/images/1/thumbnail"`);
    const bad = historyPage(
      ctx('ru'),
      { items: [], nextCursor: null },
      { raw: { from: '2026-02-30' }, filters: {}, errors: { from: 'Введите дату в формате ГГГГ-ММ-ДД.' } },
    );
    expect(bad).toContain('aria-invalid="true" aria-describedby="from-error"');
    expect(bad).toContain('<p class="field-error" id="from-error">Введите дату в формате ГГГГ-ММ-ДД.</p>');
  });
});
