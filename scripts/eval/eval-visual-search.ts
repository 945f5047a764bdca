/**
 * Visual search on fashion-product-images labels (npm run eval:visual-search).
 *
 * Catalogue: the shared 60x80 photos (first --limit by id). Every photo is annotated by the built-in extractors
 * (colour from measured CIELAB, pattern cues) and embedded (MobileNetV2 features + colour histogram); labels are
 * used only to build queries and judge results. Query: 5 positives sharing articleType + baseColour, 5 negatives of
 * the same type in other colours. Relevant = same type and colour as the positives. precision@10 per method.
 *
 *   node dist/scripts/eval/eval-visual-search.js [--data DIR] [--limit 2000] [--queries 100] [--embedding mobilenet|colour]
 */
import { readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { ExactVectorIndex } from '@atelier/vector-index';
import { AttributeSchema } from '../../apps/recommender/src/attributes/attribute-schema';
import { ColourAttributeExtractor } from '../../apps/recommender/src/attributes/colour-attribute.extractor';
import { PatternAttributeExtractor } from '../../apps/recommender/src/attributes/pattern-attribute.extractor';
import {
  composePhotoEmbedding,
  decodePhoto,
  mergeAttributes,
  PHOTO_EMBEDDING_DIMENSIONS,
} from '../../apps/recommender/src/attributes/photo-annotator';
import { imageColourFeatures } from '../../apps/recommender/src/features/colour-features';
import { ImageEmbedder } from '@atelier/ml-runtime';
import { readFashionRows } from '../../apps/recommender/src/visual-search/fashion-fixture';
import { VisualCatalogIndex } from '../../apps/recommender/src/visual-search/visual-catalog-index';
import {
  buildQueries,
  evaluateVisualSearch,
  type LabelledPhoto,
} from '../../apps/recommender/src/visual-search/visual-search-evaluation';
import { readFile } from 'node:fs/promises';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      data: {
        type: 'string',
        default: resolve(__dirname, '..', '..', '..', '..', 'shared', 'data', 'fashion-product-images'),
      },
      limit: { type: 'string', default: '2000' },
      queries: { type: 'string', default: '100' },
      embedding: { type: 'string', default: 'mobilenet' },
    },
  });
  const dir = join(values.data, 'images_60x80');
  const files = new Set(readdirSync(dir).map((f) => f.replace(/\.jpg$/, '')));
  const rows = readFashionRows(values.data, files).slice(0, Number(values.limit));
  const schema = new AttributeSchema();
  const extractors = [new ColourAttributeExtractor(schema), new PatternAttributeExtractor()];
  const embedder = values.embedding === 'mobilenet' ? await ImageEmbedder.load() : undefined;
  const photos: LabelledPhoto[] = [];
  const started = Date.now();
  for (let i = 0; i < rows.length; i += 32) {
    const batch = rows.slice(i, i + 32);
    const bytes = await Promise.all(batch.map((r) => readFile(join(dir, `${r.id}.jpg`))));
    const images = embedder ? await embedder.embed(bytes) : batch.map(() => null);
    for (const [j, r] of batch.entries()) {
      const decoded = await decodePhoto(bytes[j]);
      const results = await Promise.all(extractors.map((e) => e.extract(decoded)));
      photos.push({
        id: r.id,
        type: r.articleType,
        colour: r.baseColour,
        embedding: composePhotoEmbedding(images[j], await imageColourFeatures(bytes[j])),
        attributes: mergeAttributes(
          schema,
          results.map((x) => x.attributes),
        ),
      });
    }
  }
  const annotateSeconds = (Date.now() - started) / 1000;
  const catalog = new VisualCatalogIndex(PHOTO_EMBEDDING_DIMENSIONS, new ExactVectorIndex(PHOTO_EMBEDDING_DIMENSIONS));
  for (const p of photos)
    catalog.upsert({ id: p.id, ownerId: 'catalog', embedding: p.embedding, attributes: p.attributes });
  const queries = buildQueries(photos, Number(values.queries));
  const result = evaluateVisualSearch(schema, catalog, photos, queries);
  console.log(
    `fashion-product-images: ${photos.length} photos (60x80), ${queries.length} queries (5 positives + 5 negatives), ` +
      `embedding ${values.embedding}; annotated in ${annotateSeconds.toFixed(1)} s`,
  );
  console.log('| method | precision@10 |\n|---|---|');
  for (const [method, p] of Object.entries(result)) console.log(`| ${method} | ${p.toFixed(3)} |`);
  console.log(`average_vector / random = ${(result.average_vector / Math.max(result.random, 1e-9)).toFixed(1)}x`);
}

void main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
