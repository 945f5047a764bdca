import { placedSubjects } from '../design/design-layout';
import type { CreativeLayout } from '@atelier/contracts';
import {
  checkMatchModel,
  consensus,
  fitPairwiseLogistic,
  hasEvidence,
  matchScore,
  type PromptMatchModelJson,
} from './prompt-match';

describe('prompt match', () => {
  it('consensus is the cosine to the mean of the others, undefined without them', () => {
    expect(
      consensus(
        [1, 0],
        [
          [1, 0],
          [2, 0],
        ],
      ),
    ).toBeCloseTo(1, 6);
    expect(
      consensus(
        [0, 1],
        [
          [1, 0],
          [3, 0],
        ],
      ),
    ).toBeCloseTo(0, 6);
    expect(
      consensus(
        [1, 1],
        [
          [1, 0],
          [0, 1],
        ],
      ),
    ).toBeCloseTo(1, 6);
    expect(consensus([1, 0], [])).toBeUndefined();
    expect(consensus([1, 0], [[0, 0]])).toBeUndefined();
    expect(consensus(undefined, [[1, 0]])).toBeUndefined();
  });

  it('the quality prior alone is no evidence', () => {
    expect(hasEvidence({ quality: 0.8 })).toBe(false);
    expect(hasEvidence({ quality: 0.8, consensus: 0.4 })).toBe(true);
    expect(hasEvidence({ objects: 0 })).toBe(true);
  });

  it('learns which feature orders pairs as people do, and ignores noise', () => {
    // Preferred-minus-other differences: feature 0 always speaks for the preferred image, feature 1 is noise.
    let seed = 3;
    const rand = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31 - 0.5;
    };
    const diffs = Array.from({ length: 400 }, () => [Math.abs(rand()) + 0.1 * rand(), rand()]);
    const theta = fitPairwiseLogistic(diffs, 1);
    expect(theta[0]).toBeGreaterThan(1);
    expect(Math.abs(theta[1])).toBeLessThan(theta[0] / 4);
    // Reversed labels reverse the weight.
    const reversed = fitPairwiseLogistic(
      diffs.map((d) => d.map((v) => -v)),
      1,
    );
    expect(reversed[0]).toBeCloseTo(-theta[0], 6);
  });

  it('scores with standardised features; a missing feature counts as the training mean', () => {
    const m: PromptMatchModelJson = {
      features: ['objects', 'consensus'],
      mean: [0.5, 0.6],
      scale: [0.25, 0.1],
      weights: [1, 2],
    };
    expect(matchScore(m, { objects: 0.5, consensus: 0.6 })).toBeCloseTo(0.5, 9);
    expect(matchScore(m, { consensus: 0.7 })).toBeCloseTo(1 / (1 + Math.exp(-2)), 9);
    expect(matchScore(m, { objects: 1, consensus: 0.7 })).toBeGreaterThan(
      matchScore(m, { objects: 0, consensus: 0.7 }),
    );
    expect(() => checkMatchModel({ ...m, weights: [1] })).toThrow(/size mismatch/);
    expect(() => checkMatchModel({ ...m, features: ['objects', 'clip'] })).toThrow(/unknown feature clip/);
  });

  it('reads the placed subject illustrations from the layout record (known exactly), not the focal area', () => {
    const layout = (names: string[]) => ({ subjects: names.map((name) => ({ name })) }) as unknown as CreativeLayout;
    expect(placedSubjects(layout(['coffee-cup', 'croissant']))).toEqual(['cup', 'cake']);
    expect(placedSubjects(layout(['rocket']))).toEqual(['rocket']);
    expect(placedSubjects(layout(['focal_area']))).toBeUndefined();
    expect(placedSubjects(undefined)).toBeUndefined();
  });
});
