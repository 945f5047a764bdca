import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ExactVectorIndex } from '@atelier/vector-index';
import { AttributeSchema } from '../attributes/attribute-schema';
import { ColourAttributeExtractor } from '../attributes/colour-attribute.extractor';
import { PatternAttributeExtractor } from '../attributes/pattern-attribute.extractor';
import {
  composePhotoEmbedding,
  decodePhoto,
  mergeAttributes,
  PHOTO_EMBEDDING_DIMENSIONS,
} from '../attributes/photo-annotator';
import { imageColourFeatures } from '../features/colour-features';
import { readFashionRows } from './fashion-fixture';
import { VisualCatalogIndex } from './visual-catalog-index';
import {
  bootstrapCi,
  buildQueries,
  evaluateVisualSearch,
  meanOf,
  type LabelledPhoto,
} from './visual-search-evaluation';

const DATA = resolve(__dirname, '..', '..', '..', '..', '..', 'shared', 'data', 'fashion-product-images');

/**
 * A small slice of fashion-product-images (the first 1200 photos by id), annotated by the built-in colour and
 * pattern extractors, embedded by the colour histogram only (no CNN, so the test stays fast). The stated margin:
 * average_vector's precision@10 is at least 0.15 above random's and at least 5× it, and one query per distinct
 * type|colour group (no group sampled twice).
 */
describe('visual search on fashion-product-images labels (slice)', () => {
  it('average_vector beats random by the stated margin', async () => {
    expect(existsSync(DATA)).toBe(true);
    const dir = join(DATA, 'images_60x80');
    const rows = readFashionRows(DATA, new Set(readdirSync(dir).map((f) => f.replace(/\.jpg$/, '')))).slice(0, 1200);
    const schema = new AttributeSchema();
    const extractors = [new ColourAttributeExtractor(schema), new PatternAttributeExtractor()];
    const photos: LabelledPhoto[] = [];
    for (const r of rows) {
      const bytes = readFileSync(join(dir, `${r.id}.jpg`));
      const decoded = await decodePhoto(bytes);
      const results = await Promise.all(extractors.map((e) => e.extract(decoded)));
      photos.push({
        id: r.id,
        type: r.articleType,
        colour: r.baseColour,
        embedding: composePhotoEmbedding(null, await imageColourFeatures(bytes)),
        attributes: mergeAttributes(
          schema,
          results.map((x) => x.attributes),
        ),
      });
    }
    const catalog = new VisualCatalogIndex(
      PHOTO_EMBEDDING_DIMENSIONS,
      new ExactVectorIndex(PHOTO_EMBEDDING_DIMENSIONS),
    );
    for (const p of photos)
      catalog.upsert({ id: p.id, ownerId: 'c', embedding: p.embedding, attributes: p.attributes });
    const queries = buildQueries(photos);
    expect(queries.length).toBeGreaterThanOrEqual(10);
    expect(new Set(queries.map((q) => `${q.type}|${q.colour}`)).size).toBe(queries.length);
    const byId = new Map(photos.map((p) => [p.id, p]));
    for (const q of queries) {
      for (const id of q.positives) expect(byId.get(id)).toMatchObject({ type: q.type, colour: q.colour });
      for (const id of q.negatives) expect(byId.get(id)?.colour).not.toBe(q.colour);
    }
    const r = evaluateVisualSearch(schema, catalog, photos, queries, { strategies: ['average_vector'] });
    const [average, random] = [r.average_vector ?? [], r.random ?? []];
    expect(average).toHaveLength(queries.length);
    expect(r['average_vector:positives_only']).toHaveLength(queries.length);
    expect(meanOf(average)).toBeGreaterThanOrEqual(meanOf(random) + 0.15);
    expect(meanOf(average)).toBeGreaterThanOrEqual(5 * meanOf(random));
    const [lo, hi] = bootstrapCi(average);
    expect(lo).toBeLessThanOrEqual(meanOf(average));
    expect(hi).toBeGreaterThanOrEqual(meanOf(average));
    expect(hi - lo).toBeGreaterThan(0);
  }, 240_000);
});
