import 'reflect-metadata';
import type { ServiceConfig } from '@atelier/config';
import { ApiError } from '@atelier/service-kit';
import { AttributeSchema } from '../attributes/attribute-schema';
import type { PhotoAnnotator } from '../attributes/photo-annotator';
import type { PhotoRepository } from '../photos/photo.repository';
import { MAX_EXAMPLES, VisualSearchService } from './visual-search.service';

const uuid = (i: number) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`;

/** Request checks before any photo is read (the photo repository is a port; it records whether it was asked). */
describe('VisualSearchService bad input', () => {
  const usable = jest.fn().mockResolvedValue([]);
  const service = new VisualSearchService(
    {
      env: { RECOMMENDER_VECTOR_INDEX: 'exact', VISUAL_SEARCH_NEGATIVE_WEIGHT: 0.5 },
    } as unknown as ServiceConfig<'recommender'>,
    { usable } as unknown as PhotoRepository,
    { schema: new AttributeSchema() } as unknown as PhotoAnnotator,
  );
  const request = (positives: number, negatives: number, filters?: Record<string, string[]>) => ({
    ownerId: uuid(999),
    positiveIds: Array.from({ length: positives }, (_, i) => uuid(i)),
    negativeIds: Array.from({ length: negatives }, (_, i) => uuid(100 + i)),
    filters,
    k: 10,
    strategy: 'average_vector' as const,
  });
  const rejection = async (promise: Promise<unknown>) => {
    const err = await promise.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(ApiError);
    return err as ApiError;
  };

  beforeEach(() => usable.mockClear());

  it(`rejects more than ${MAX_EXAMPLES} examples in total, or none liked, without reading any photo`, async () => {
    for (const [pos, neg] of [
      [6, 5],
      [MAX_EXAMPLES + 1, 0],
      [0, 3],
    ]) {
      const err = await rejection(service.search(request(pos, neg)));
      expect(err.getStatus()).toBe(400);
      expect(err.body.error.code).toBe('validation_failed');
    }
    expect(usable).not.toHaveBeenCalled();
  });

  it('lists the allowed attributes for an unknown filter attribute, and the allowed values for an unknown value', async () => {
    const unknown = await rejection(service.search(request(1, 0, { sleeve_length: ['long'] })));
    expect(unknown.getStatus()).toBe(400);
    expect((unknown.body.error.details as { allowed: string[] }).allowed).toEqual(new AttributeSchema().names());
    const value = await rejection(service.search(request(1, 0, { colour: ['ultraviolet'] })));
    expect(value.getStatus()).toBe(400);
    expect(value.body.error.details).toMatchObject({ unknown: ['ultraviolet'] });
    expect(usable).not.toHaveBeenCalled();
  });

  it('accepts 5 liked + 5 disliked and then asks only for photos the caller may use', async () => {
    const err = await rejection(service.search(request(5, 5)));
    expect(err.getStatus()).toBe(404);
    expect(usable).toHaveBeenCalledWith(expect.arrayContaining([uuid(0), uuid(104)]), uuid(999));
  });
});
