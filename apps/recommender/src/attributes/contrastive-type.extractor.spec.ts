import { readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '@atelier/config';
import { ContrastiveEncoder } from '../contrastive/contrastive-encoder';
import { photoTowerInputs, trainFixtureCheckpoint } from '../contrastive/contrastive-fixture';
import { readFashionProducts, type FashionProduct } from '../search/search-evaluation';
import { ARTICLE_TYPE_TO_PRODUCT_TYPE, defaultSharedDataDir } from './attribute-evaluation';
import { AttributeSchema } from './attribute-schema';
import { ContrastiveTypeExtractor } from './contrastive-type.extractor';
import { decodePhoto, PhotoAnnotator } from './photo-annotator';

const FASHION = join(defaultSharedDataDir(), 'fashion-product-images');
const PHOTOS = join(FASHION, 'images_60x80');
const TYPES = ['Watches', 'Tshirts', 'Casual Shoes', 'Handbags'];

/**
 * Zero-shot product type from a tiny checkpoint this test trains itself on 40 real fashion image–text pairs
 * (10 per type), judged on 20 other photos of the same four types. The classifier competes over every schema type
 * whose words the tiny text tower knows — shirt, accessory, sneakers, bag… — not just the four trained ones.
 */
describe('ContrastiveTypeExtractor', () => {
  const schema = new AttributeSchema();
  let dir: string;
  let encoder: ContrastiveEncoder;
  let test: FashionProduct[];

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'zero-shot-'));
    const have = new Set(readdirSync(PHOTOS).map((f) => f.replace(/\.jpg$/, '')));
    const products = readFashionProducts(FASHION, (id) => have.has(id));
    const byType = TYPES.map((t) => products.filter((p) => p.articleType === t));
    const train = byType.flatMap((list) => list.slice(0, 10));
    test = byType.flatMap((list) => list.slice(10, 15));
    const images = await photoTowerInputs(train.map((p) => readFileSync(join(PHOTOS, `${p.id}.jpg`))));
    const { lossBefore, lossAfter } = await trainFixtureCheckpoint(
      dir,
      train.map((p, i) => ({
        id: p.id,
        image: images[i],
        title: p.title,
        categoryPath: [p.masterCategory, p.subCategory, p.articleType],
        attributes: { gender: p.gender, baseColour: p.baseColour },
      })),
    );
    expect(lossAfter).toBeLessThan(lossBefore * 0.5);
    encoder = new ContrastiveEncoder(loadConfig('recommender', { RECOMMENDER_MODELS_DIR: dir }));
    await encoder.onModuleInit();
  }, 60_000);
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('names the type of unseen photos from the type words alone, with softmax confidences', async () => {
    expect(encoder.ready).toBe(true);
    const extractor = new ContrastiveTypeExtractor(schema, encoder);
    // Words the tiny tower never saw (kurtas, sarees, …) leave those types out; the trained ones stay in.
    const classifier = extractor.typeClassifier();
    expect(classifier.values).toEqual(expect.arrayContaining(['watch', 't-shirt', 'shoes', 'bag', 'shirt']));
    expect(classifier.unencodable).toContain('kurta');
    expect(classifier.temperature).toBeCloseTo(encoder.temperature as number, 10);

    let right = 0;
    for (const p of test) {
      const { attributes } = await extractor.extract(await decodePhoto(readFileSync(join(PHOTOS, `${p.id}.jpg`))));
      expect(attributes).toHaveLength(1);
      const [a] = attributes;
      expect(a).toMatchObject({ name: 'product_type', source: 'contrastive' });
      expect(a.confidence).toBeGreaterThan(1 / classifier.values.length);
      expect(a.confidence).toBeLessThanOrEqual(1);
      if (a.value === ARTICLE_TYPE_TO_PRODUCT_TYPE[p.articleType]) right++;
    }
    // Four types, majority class 25%.
    expect(right / test.length).toBeGreaterThanOrEqual(0.8);
  }, 60_000);

  it('reuses the annotator’s features and stays silent (and unlisted) without a checkpoint', async () => {
    const config = loadConfig('recommender', { VISUAL_EXTRACTORS: 'colour,contrastive' });
    const idle = new ContrastiveEncoder(loadConfig('recommender', { RECOMMENDER_MODELS_DIR: join(dir, 'none') }));
    await idle.onModuleInit();
    const photo = await decodePhoto(readFileSync(join(PHOTOS, `${test[0].id}.jpg`)));
    expect(await new ContrastiveTypeExtractor(schema, idle).extract(photo)).toEqual({ attributes: [] });
    expect(new PhotoAnnotator(config, idle).extractorNames()).toEqual(['colour']);

    const annotator = new PhotoAnnotator(config, encoder);
    expect(annotator.extractorNames()).toEqual(['colour', 'contrastive']);
    const annotation = await annotator.annotate(readFileSync(join(PHOTOS, `${test[0].id}.jpg`)));
    const type = annotation.attributes.find((a) => a.name === 'product_type');
    expect(type).toMatchObject({ value: 'watch', source: 'contrastive' });
  }, 30_000);
});
