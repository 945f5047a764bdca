/**
 * The recommender's own photo features for every fashion-product-images 60x80 photo, computed once and cached under
 * var/visual-search: the stored photo embedding (MobileNetV2 + colour histogram, `composePhotoEmbedding`) and the
 * built-in extractors' attributes (colour, pattern). Shared by `train:visual-head` and `eval:visual-search`.
 */
import { existsSync, readdirSync } from 'node:fs';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { IMAGE_MODEL, ImageEmbedder } from '@atelier/ml-runtime';
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
import type { AttributeReading } from '../../apps/recommender/src/visual-search/attribute-profile';
import { readFashionRows, type FashionRow } from '../../apps/recommender/src/visual-search/fashion-fixture';

export interface FashionPhoto extends FashionRow {
  embedding: Float32Array;
  attributes: AttributeReading[];
}

/** Reads every cache file of this model (shards too) into the maps. */
async function readCache(
  cacheDir: string,
  prefix: string,
  embeddings: Map<string, Float32Array>,
  attributes: Map<string, AttributeReading[]>,
): Promise<void> {
  if (!existsSync(cacheDir)) return;
  const d = PHOTO_EMBEDDING_DIMENSIONS;
  for (const f of readdirSync(cacheDir)
    .filter((n) => n.startsWith(prefix) && n.endsWith('.json'))
    .sort()) {
    const base = join(cacheDir, f.replace(/\.json$/, ''));
    if (!existsSync(`${base}.f32`)) continue;
    const meta = JSON.parse(await readFile(`${base}.json`, 'utf8')) as {
      ids: string[];
      attributes: AttributeReading[][];
    };
    const buf = await readFile(`${base}.f32`);
    const all = new Float32Array(buf.buffer, buf.byteOffset, buf.byteLength / 4);
    if (all.length !== meta.ids.length * d) continue; // a half-written shard: computed again
    meta.ids.forEach((id, i) => {
      embeddings.set(id, all.slice(i * d, (i + 1) * d));
      attributes.set(id, meta.attributes[i]);
    });
  }
}

async function writeCache(
  base: string,
  ids: string[],
  embeddings: Map<string, Float32Array>,
  attributes: Map<string, AttributeReading[]>,
): Promise<void> {
  const flat = new Float32Array(ids.length * PHOTO_EMBEDDING_DIMENSIONS);
  ids.forEach((id, i) => flat.set(embeddings.get(id) as Float32Array, i * PHOTO_EMBEDDING_DIMENSIONS));
  await writeFile(`${base}.f32.tmp`, Buffer.from(flat.buffer));
  await writeFile(`${base}.json.tmp`, JSON.stringify({ ids, attributes: ids.map((id) => attributes.get(id)) }));
  await rename(`${base}.f32.tmp`, `${base}.f32`);
  await rename(`${base}.json.tmp`, `${base}.json`);
}

/**
 * The photos with their features; missing ones are computed (only rows with index % shard.count == shard.index
 * when a shard is given, so two processes can fill the cache side by side) and saved every 20 batches, or left out
 * when computeMissing is false.
 */
export async function loadFashionPhotos(
  dataDir: string,
  cacheDir: string,
  log: (line: string) => void = (l) => process.stderr.write(`${l}\n`),
  shard: { index: number; count: number } = { index: 0, count: 1 },
  computeMissing = true,
): Promise<FashionPhoto[]> {
  const imageDir = join(dataDir, 'images_60x80');
  const files = new Set(readdirSync(imageDir).map((f) => f.replace(/\.jpg$/, '')));
  const rows = readFashionRows(dataDir, files);
  const prefix = `fashion-60x80-photo-${IMAGE_MODEL.replace(/[^a-z0-9]+/gi, '_')}`;
  const embeddings = new Map<string, Float32Array>();
  const attributes = new Map<string, AttributeReading[]>();
  await readCache(cacheDir, prefix, embeddings, attributes);
  const missing = rows.filter((r, i) => !embeddings.has(r.id) && i % shard.count === shard.index);
  if (missing.length && !computeMissing) {
    log(`  ${missing.length} photos not cached yet: left out (run without --cached-only to compute them)`);
  } else if (missing.length) {
    await mkdir(cacheDir, { recursive: true });
    const base = join(cacheDir, `${prefix}-${shard.index}of${shard.count}-${Date.now()}`);
    const mine: string[] = [];
    const schema = new AttributeSchema();
    const extractors = [new ColourAttributeExtractor(schema), new PatternAttributeExtractor()];
    const embedder = await ImageEmbedder.load();
    const started = Date.now();
    for (let i = 0; i < missing.length; i += 32) {
      const batch = missing.slice(i, i + 32);
      const bytes = await Promise.all(batch.map((r) => readFile(join(imageDir, `${r.id}.jpg`))));
      const images = await embedder.embed(bytes);
      for (const [j, r] of batch.entries()) {
        const decoded = await decodePhoto(bytes[j]);
        const results = await Promise.all(extractors.map((e) => e.extract(decoded)));
        embeddings.set(r.id, composePhotoEmbedding(images[j], await imageColourFeatures(bytes[j])));
        attributes.set(
          r.id,
          mergeAttributes(
            schema,
            results.map((x) => x.attributes),
          ).map((a) => ({ name: a.name, value: a.value, confidence: a.confidence })),
        );
        mine.push(r.id);
      }
      if ((i / 32) % 20 === 19 || i + 32 >= missing.length) {
        await writeCache(base, mine, embeddings, attributes);
        log(`  photo features ${i + batch.length}/${missing.length} (${((Date.now() - started) / 1000).toFixed(0)} s)`);
      }
    }
  }
  return rows
    .filter((r) => embeddings.has(r.id))
    .map((r) => ({
      ...r,
      embedding: embeddings.get(r.id) as Float32Array,
      attributes: attributes.get(r.id) ?? [],
    }));
}

if (require.main === module) {
  const root = join(__dirname, '..', '..', '..');
  const [index, count] = (process.argv[2] ?? '0/1').split('/').map(Number);
  void loadFashionPhotos(
    resolve(root, '..', 'shared', 'data', 'fashion-product-images'),
    join(root, 'var', 'visual-search'),
    undefined,
    { index, count },
  )
    .then((photos) => console.log(`${photos.length} photos cached`))
    .catch((err: unknown) => {
      console.error(err);
      process.exit(1);
    });
}
