import { blockSimilarity } from '../features/item-vector';
import { Bm25Vectorizer, itemTokens } from '../features/text-vectorizer';
import { quotePrompt, studioPromptTokens, studioPromptVector } from './studio-prompt';

describe('studio prompts as content signals', () => {
  const items = [
    { title: 'Titan Men Silver Watch', categoryPath: ['Accessories', 'Watches'], attributes: { baseColour: 'Silver' } },
    {
      title: 'Fastrack Women Black Watch',
      categoryPath: ['Accessories', 'Watches'],
      attributes: { baseColour: 'Black' },
    },
    { title: 'Arrow Men Blue Shirt', categoryPath: ['Apparel', 'Shirts'], attributes: { baseColour: 'Blue' } },
    { title: 'Красное летнее платье', categoryPath: ['Apparel', 'Dresses'], attributes: { baseColour: 'Red' } },
  ];
  const docs = items.map((i) => itemTokens(i));
  const bm25 = new Bm25Vectorizer({ dimensions: 256 }).fit(docs);
  const itemVector = (i: number) => studioPromptVector(items[i].title, '', bm25) as Float32Array;

  it('keeps only words the catalogue uses, stemmed like item text, in Russian and English', () => {
    expect(studioPromptTokens('часы', 'elegant silver wrist watches, 8k bokeh', bm25)).toEqual(['silver', 'watch']);
    expect(studioPromptTokens('платья', '', bm25)).toEqual(['плат']);
    expect(studioPromptVector('8k bokeh', 'ultra detailed', bm25)).toBeUndefined();
  });

  it('lands next to the items it describes in the item vector space', () => {
    const prompt = studioPromptVector('наручные часы', 'a silver wrist watch on white background', bm25);
    expect(prompt).toBeDefined();
    const sims = items.map((_, i) => blockSimilarity(prompt as Float32Array, itemVector(i), 'text'));
    expect(sims[0]).toBeGreaterThan(sims[2]);
    expect(sims[0]).toBeGreaterThan(sims[3]);
    expect(sims[1]).toBeGreaterThan(sims[2]);
  });

  it('quotes the request as typed, shortened', () => {
    expect(quotePrompt('  баннер   для кофейни ', 'coffee shop banner')).toBe('баннер для кофейни');
    expect(quotePrompt('', 'coffee shop banner')).toBe('coffee shop banner');
    expect(quotePrompt('x'.repeat(100), '', 10)).toBe(`${'x'.repeat(9)}…`);
  });
});
