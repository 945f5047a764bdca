import { randomUnitVectors } from '@atelier/vector-index';
import { fitStyleModel, type LikedItem } from './style-profile';
import {
  carriesStyle,
  distinctModes,
  modeOfEmbedding,
  modeQuotas,
  splitEvidence,
  stratifyByModes,
} from './style-modes';

const D = 64;
const centres = randomUnitVectors(3, D, 11);
const noise = randomUnitVectors(200, D, 12);
const STYLES = [
  { articleType: 'Watches', baseColour: 'Silver' },
  { articleType: 'Shirts', baseColour: 'Blue' },
  { articleType: 'Dresses', baseColour: 'Red' },
];
let serial = 0;
const item = (c: number, spread = 0.25): LikedItem => {
  const i = serial++;
  return {
    id: `i${i}`,
    vector: Float32Array.from({ length: D }, (_, j) => centres[c * D + j] + spread * noise[(i % 200) * D + j]),
    attributes: STYLES[c],
  };
};

describe('distinct style modes', () => {
  it('keeps two clearly different liked clusters apart, in proportion, with their dominant attributes', () => {
    const items = [...Array.from({ length: 14 }, () => item(0)), ...Array.from({ length: 7 }, () => item(1))];
    const model = fitStyleModel(items);
    expect(model.gmm.weights.length).toBeGreaterThanOrEqual(3); // the profile itself never has fewer than 3
    const styles = distinctModes(model, items);
    const { modes } = styles;
    expect(modes).toHaveLength(2);
    expect(modes.map((m) => m.share)).toEqual([14 / 21, 7 / 21]);
    expect(modes[0].dominant.map((a) => a.value).sort()).toEqual(['Silver', 'Watches']);
    expect(modes[1].dominant.map((a) => a.value).sort()).toEqual(['Blue', 'Shirts']);
    // A new item of either style falls into its own mode; an item of neither style into none.
    expect(modeOfEmbedding(styles, item(1).vector)).toBe(1);
    expect(modeOfEmbedding(styles, item(0).vector)).toBe(0);
    expect(modeOfEmbedding(styles, item(2).vector)).toBe(-1);
    // Membership also needs the attributes that define the mode (all its liked items are silver watches).
    expect(carriesStyle({ articleType: 'Watches', baseColour: 'Silver', gender: 'Men' }, modes[0])).toBe(true);
    expect(carriesStyle({ articleType: 'Casual Shoes', baseColour: 'Silver' }, modes[0])).toBe(false);
  });

  it('sees one mode in one cluster, although the mixture split it into several components', () => {
    const items = Array.from({ length: 24 }, () => item(2, 0.4));
    const model = fitStyleModel(items);
    expect(model.gmm.weights.length).toBeGreaterThanOrEqual(3);
    const { modes } = distinctModes(model, items);
    expect(modes).toHaveLength(1);
    expect(modes[0].share).toBe(1);
    expect(modes[0].components).toHaveLength(new Set(modes[0].components).size);
  });

  it('weighs the evidence for two modes by BIC', () => {
    const a = Array.from({ length: 10 }, (_, i) => [i % 3, (i * 7) % 5]);
    const far = a.map(([x, y]) => [x + 50, y]);
    expect(splitEvidence(a, far, 0.01)).toBeGreaterThan(0);
    const near = a.map(([x, y]) => [x + 0.1, y]);
    expect(splitEvidence(a, near, 0.01)).toBeLessThan(0);
  });
});

describe('stratified selection by mode', () => {
  it('gives each mode seats by the largest remainder of its share', () => {
    expect(modeQuotas([0.5, 0.5], 10)).toEqual([5, 5]);
    expect(modeQuotas([2 / 3, 1 / 3], 10)).toEqual([7, 3]);
    expect(modeQuotas([0.6, 0.25, 0.15], 5)).toEqual([3, 1, 1]);
  });

  it('brings the minority mode into the top k in proportion, keeping rank order within the list', () => {
    // Relevance order: eight items of mode 0 first, then mode 1 items, one item without a mode.
    const modes = [0, 0, 0, 0, 0, 0, 0, 0, -1, 1, 1, 1, 1];
    const picked = stratifyByModes(modes, [0.6, 0.4], 5);
    expect(picked).toEqual([0, 1, 2, 9, 10]);
    expect(picked.map((i) => modes[i])).toEqual([0, 0, 0, 1, 1]);
  });

  it('fills seats a mode cannot use in rank order, and leaves a single-mode list alone', () => {
    expect(stratifyByModes([0, 0, 0, 0, 0, 1], [0.5, 0.5], 4)).toEqual([0, 1, 2, 5]);
    expect(stratifyByModes([0, -1, 0, 0], [1], 3)).toEqual([0, 1, 2]);
    expect(stratifyByModes([0, 1, 0], [0.5, 0.5], 10)).toEqual([0, 1, 2]);
  });
});
