import { HttpStatus } from '@nestjs/common';
import { ApiError } from '@atelier/service-kit';
import type { Caller } from '../identity/caller';
import type { RecommenderClient, RecommenderRequest } from '../recommender/recommender-client';
import { ShopReads } from './shop-reads';

const CALLER: Caller = { userId: '5d0c6a7e-1111-4222-8333-944455556666', role: 'user', via: 'cookie', sessionId: 's' };
const ITEM = '0b7c1a9e-7c4f-4f5e-9a43-1d2b3c4d5e6f';
const NEXT = '1b7c1a9e-7c4f-4f5e-9a43-1d2b3c4d5e6f';
const GONE = '2b7c1a9e-7c4f-4f5e-9a43-1d2b3c4d5e6f';

const catalogItem = (id: string) => ({
  id,
  title: `item ${id.slice(0, 1)}`,
  categoryPath: ['Apparel'],
  attributes: {},
  price: 10,
  currency: 'RUB',
  imageUrl: null,
});

/** Answers like the recommender would, recording what was asked and as whom. */
function fakeRecommender(routes: Record<string, unknown>) {
  const calls: Array<{ caller: Caller; request: RecommenderRequest }> = [];
  const client = {
    json: <T>(caller: Caller, request: RecommenderRequest): Promise<T> => {
      calls.push({ caller, request });
      const answer = routes[`${request.method} ${request.path}`];
      if (answer instanceof ApiError) return Promise.reject(answer);
      if (answer === undefined) return Promise.reject(new ApiError(HttpStatus.NOT_FOUND, 'not_found', 'no route'));
      return Promise.resolve(answer as T);
    },
  };
  return { reads: new ShopReads(client as unknown as RecommenderClient), calls };
}

describe('ShopReads', () => {
  it('reads an item with the caller’s latest verdict, cart state and similar items completed from the catalogue', async () => {
    const { reads, calls } = fakeRecommender({
      [`GET /v1/catalog/items/${ITEM}`]: catalogItem(ITEM),
      [`GET /v1/catalog/items/${NEXT}`]: catalogItem(NEXT),
      'GET /v1/interactions': {
        items: [
          { itemId: ITEM, kind: 'dislike' },
          { itemId: NEXT, kind: 'like' },
          { itemId: ITEM, kind: 'like' },
          { itemId: ITEM, kind: 'add_to_cart' },
        ],
      },
      [`GET /v1/items/${ITEM}/similar`]: {
        items: [
          { itemId: NEXT, title: 'next', reasons: ['often chosen together'], score: 1 },
          { itemId: GONE, title: 'gone', reasons: [], score: 0.5 },
        ],
      },
    });
    const data = await reads.product(CALLER, ITEM);
    expect(data.item.id).toBe(ITEM);
    expect(data.standing).toEqual({ verdict: 'dislike', inCart: true });
    expect(data.similar?.map((s) => [s.itemId, s.item?.id])).toEqual([
      [NEXT, NEXT],
      [GONE, undefined],
    ]);
    expect(calls.every((c) => c.caller === CALLER)).toBe(true);
    expect(calls.find((c) => c.request.path.endsWith('/similar'))?.request.query).toEqual({ k: 8 });
  });

  it('leaves similar items undefined while the recommender has not indexed the item, but fails on other errors', async () => {
    const base = {
      [`GET /v1/catalog/items/${ITEM}`]: catalogItem(ITEM),
      'GET /v1/interactions': { items: [] },
    };
    expect((await fakeRecommender(base).reads.product(CALLER, ITEM)).similar).toBeUndefined();
    const down = new ApiError(HttpStatus.SERVICE_UNAVAILABLE, 'recommender_unavailable', 'down');
    await expect(
      fakeRecommender({ ...base, [`GET /v1/items/${ITEM}/similar`]: down }).reads.product(CALLER, ITEM),
    ).rejects.toBe(down);
  });

  it('asks for 12 recommendations and keeps strategy, reasons, relevance ranks and the promoted count', async () => {
    const { reads, calls } = fakeRecommender({
      'GET /v1/recommendations': {
        strategy: 'hybrid',
        items: [{ itemId: NEXT, title: 'next', reasons: ['popular in the shop'], relevanceRank: 3 }],
        stages: { diversification: { promoted: 1 } },
      },
      [`GET /v1/catalog/items/${NEXT}`]: catalogItem(NEXT),
    });
    const list = await reads.forYou(CALLER);
    expect(calls[0].request).toEqual({ method: 'GET', path: '/v1/recommendations', query: { k: 12 } });
    expect(list).toMatchObject({
      strategy: 'hybrid',
      promoted: 1,
      items: [{ itemId: NEXT, reasons: ['popular in the shop'], relevanceRank: 3, item: { id: NEXT } }],
    });
  });

  it('records interactions as the caller and treats a missing offline report as none', async () => {
    const { reads, calls } = fakeRecommender({
      'POST /v1/interactions': { id: 'x' },
      'GET /v1/recommendations/metrics': new ApiError(HttpStatus.NOT_FOUND, 'no_report', 'none'),
    });
    await reads.record(CALLER, ITEM, 'like');
    expect(calls[0]).toEqual({
      caller: CALLER,
      request: { method: 'POST', path: '/v1/interactions', json: { itemId: ITEM, kind: 'like' } },
    });
    expect(await reads.metrics(CALLER)).toBeUndefined();
  });
});
