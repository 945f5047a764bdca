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
import { buildQueries, evaluateVisualSearch, type LabelledPhoto } from './visual-search-evaluation';

const DATA = resolve(__dirname, '..', '..', '..', '..', '..', 'shared', 'data', 'fashion-product-images');

/**
 * A small slice of fashion-product-images (the first 1200 photos by id), annotated by the built-in colour and
 * pattern extractors, embedded by the colour histogram only (no CNN, so the test stays fast). The stated margin:
 * average_vector's precision@10 is at least 0.15 above random's and at least 5× it
 * (measured: 0.23 vs 0.013).
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
    const queries = buildQueries(photos, 30);
    expect(queries.length).toBe(30);
    const p = evaluateVisualSearch(schema, catalog, photos, queries);
    expect(p.average_vector).toBeGreaterThanOrEqual(p.random + 0.15);
    expect(p.average_vector).toBeGreaterThanOrEqual(5 * p.random);
  }, 60_000);
});
