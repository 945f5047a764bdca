import { HttpStatus } from '@nestjs/common';
import { ApiError } from '@atelier/service-kit';
import type { Caller } from '../identity/caller';
import type { RecommenderClient, RecommenderRequest } from '../recommender/recommender-client';
import { StyleProfileReader } from './style-profile-reader';

const caller: Caller = { userId: '6f1e4f8e-4a7b-4c43-9d55-2d4f3b7a9c01', role: 'user', via: 'cookie', sessionId: 's' };

/** A recommender answering from a table of paths; anything else is a 404 like the real one. */
function recommender(answers: Record<string, unknown>): { client: RecommenderClient; calls: RecommenderRequest[] } {
  const calls: RecommenderRequest[] = [];
  const client = {
    json: (who: Caller, request: RecommenderRequest) => {
      expect(who).toBe(caller);
      calls.push(request);
      const answer = answers[request.path];
      if (answer instanceof ApiError) return Promise.reject(answer);
      if (answer === undefined)
        return Promise.reject(new ApiError(HttpStatus.NOT_FOUND, 'not_found', 'item not found'));
      return Promise.resolve(answer);
    },
  } as unknown as RecommenderClient;
  return { client, calls };
}

const profile = {
  likes: 8,
  status: 'ready',
  modes: [
    { mode: 0, share: 0.6, items: 5, dominant_attributes: [], example_item_ids: ['i1', 'i2'] },
    { mode: 1, share: 0.4, items: 3, dominant_attributes: [], example_item_ids: ['i2', 'gone'] },
  ],
};

describe('StyleProfileReader', () => {
  it('reads the profile as the caller and each example item once; vanished items are left out', async () => {
    const { client, calls } = recommender({
      '/v1/style-profile': profile,
      '/v1/catalog/items/i1': { title: 'Blue shirt', imageUrl: '/v1/catalog/items/i1/image' },
      '/v1/catalog/items/i2': { title: 'No photo', imageUrl: null },
    });
    const reading = await new StyleProfileReader(client).read(caller);
    expect(reading?.profile).toEqual(profile);
    expect(reading?.items).toEqual({
      i1: { title: 'Blue shirt', imageUrl: '/v1/catalog/items/i1/image' },
      i2: { title: 'No photo', imageUrl: null },
    });
    expect(calls.map((c) => c.path).sort()).toEqual([
      '/v1/catalog/items/gone',
      '/v1/catalog/items/i1',
      '/v1/catalog/items/i2',
      '/v1/style-profile',
    ]);
    expect(calls.every((c) => c.method === 'GET')).toBe(true);
  });

  it('builds image paths itself and escapes odd ids', async () => {
    const { client, calls } = recommender({
      '/v1/style-profile': { ...profile, modes: [{ ...profile.modes[0], example_item_ids: ['a/../b'] }] },
      '/v1/catalog/items/a%2F..%2Fb': { title: 'x', imageUrl: 'https://elsewhere.example/x.jpg' },
    });
    const reading = await new StyleProfileReader(client).read(caller);
    expect(calls[1].path).toBe('/v1/catalog/items/a%2F..%2Fb');
    expect(reading?.items['a/../b']).toEqual({ title: 'x', imageUrl: '/v1/catalog/items/a%2F..%2Fb/image' });
  });

  it('answers undefined when the recommender is unavailable and passes its 4xx errors on', async () => {
    const down = recommender({
      '/v1/style-profile': new ApiError(HttpStatus.SERVICE_UNAVAILABLE, 'recommender_unavailable', 'down'),
    });
    expect(await new StyleProfileReader(down.client).read(caller)).toBeUndefined();
    const refused = recommender({ '/v1/style-profile': new ApiError(HttpStatus.FORBIDDEN, 'forbidden', 'no') });
    await expect(new StyleProfileReader(refused.client).read(caller)).rejects.toMatchObject({ status: 403 });
  });
});
