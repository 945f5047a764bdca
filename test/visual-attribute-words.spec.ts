import { VISUAL_ATTRIBUTES } from '../apps/gateway/src/web/attribute-words';
import { STYLE_PROFILE_MIN_LIKES } from '../apps/gateway/src/web/style-profile-pages';
import { ATTRIBUTE_SCHEMA } from '../apps/recommender/src/attributes/attribute-schema';
import { MIN_LIKES } from '../apps/recommender/src/style-profiles/style-profile';

/**
 * The web studio cannot import the recommender, so it keeps a copy of the attribute words (filters, photo
 * attributes, explanation parts) and of the likes a style profile needs. This fails when they drift apart.
 */
describe('gateway copy of the recommender attribute schema', () => {
  it('has every attribute and value with the same Russian and English words', () => {
    const recommender = ATTRIBUTE_SCHEMA.map((a) => ({
      name: a.name,
      label: a.label,
      values: a.values.map((v) => ({ value: v.value, label: v.label })),
    }));
    expect(VISUAL_ATTRIBUTES).toEqual(recommender);
  });

  it('knows how many likes a style profile needs', () => {
    expect(STYLE_PROFILE_MIN_LIKES).toBe(MIN_LIKES);
  });
});
