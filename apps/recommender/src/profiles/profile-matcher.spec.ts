import { AttributeSchema } from '../attributes/attribute-schema';
import { aggregate, ProfileMatcher, type CandidatePhoto } from './profile-matcher';

const vec = (...xs: number[]) => {
  const v = new Float32Array(xs);
  const n = Math.hypot(...xs);
  return v.map((x) => x / n);
};
const hair = (value: string) => [{ name: 'hair_colour', value, confidence: 0.9 }];

describe('ProfileMatcher', () => {
  const matcher = new ProfileMatcher(new AttributeSchema());

  it('aggregates photo scores as best, mean or soft-max (between the two)', () => {
    expect(aggregate([0.9, 0.1], 'best')).toBeCloseTo(0.9);
    expect(aggregate([0.9, 0.1], 'mean')).toBeCloseTo(0.5);
    const soft = aggregate([0.9, 0.1], 'softmax');
    expect(soft).toBeGreaterThan(0.5);
    expect(soft).toBeLessThan(0.9);
    expect(aggregate([0.4, 0.4, 0.4], 'softmax')).toBeCloseTo(0.4);
    expect(aggregate([], 'softmax')).toBe(0);
  });

  it('ranks profiles by their photos, explains with the attributes of the best photo, keeps examples out', () => {
    const candidates: CandidatePhoto[] = [
      { userId: 'a', photoId: 'a1', embedding: vec(1, 0.1, 0), attributes: hair('blond') },
      { userId: 'a', photoId: 'a2', embedding: vec(0.2, 1, 0), attributes: hair('black') },
      { userId: 'b', photoId: 'b1', embedding: vec(0, 0, 1), attributes: hair('black') },
      { userId: 'c', photoId: 'c1', embedding: vec(0.9, 0.2, 0), attributes: hair('blond') },
      { userId: 'c', photoId: 'c2', embedding: vec(1, 0, 0.1), attributes: hair('blond') },
      { userId: 'x', photoId: 'liked', embedding: vec(1, 0, 0), attributes: hair('blond') },
    ];
    const out = matcher.rank(
      {
        positives: [{ id: 'liked', embedding: vec(1, 0, 0), attributes: hair('blond') }],
        negatives: [{ id: 'disliked', embedding: vec(0, 0, 1), attributes: hair('black') }],
        gamma: 0.5,
        k: 3,
        aggregation: 'mean',
      },
      candidates,
    );
    expect(out.map((m) => m.userId)).toEqual(['c', 'a', 'b']);
    expect(out.flatMap((m) => m.photoScores.map((p) => p.photoId))).not.toContain('liked');
    expect(out[1].bestPhotoId).toBe('a1');
    expect(out[0].explanation.parts).toEqual(
      expect.arrayContaining([expect.objectContaining({ attribute: 'hair_colour', value: 'blond' })]),
    );
    expect(out[0].explanation.en).toMatch(/hair/i);
    // A black-haired profile never claims to be like the (blond) likes.
    expect(out[2].explanation.parts.filter((p) => p.relation === 'like_positives')).toHaveLength(0);
    expect(out[0].matchScore).toBeGreaterThan(out[2].matchScore);
  });

  it('best rewards one great photo, mean rewards consistency', () => {
    const candidates: CandidatePhoto[] = [
      { userId: 'one-great', photoId: 'g1', embedding: vec(1, 0, 0), attributes: [] },
      { userId: 'one-great', photoId: 'g2', embedding: vec(0, 0, 1), attributes: [] },
      { userId: 'steady', photoId: 's1', embedding: vec(0.8, 0.6, 0), attributes: [] },
      { userId: 'steady', photoId: 's2', embedding: vec(0.8, 0.6, 0), attributes: [] },
    ];
    const q = { positives: [{ id: 'q', embedding: vec(1, 0, 0), attributes: [] }], negatives: [], gamma: 0, k: 2 };
    expect(matcher.rank({ ...q, aggregation: 'best' }, candidates)[0].userId).toBe('one-great');
    expect(matcher.rank({ ...q, aggregation: 'mean' }, candidates)[0].userId).toBe('steady');
  });

  it('returns nothing without a liked photo', () => {
    expect(matcher.rank({ positives: [], negatives: [], gamma: 0, k: 3, aggregation: 'best' }, [])).toEqual([]);
  });
});
