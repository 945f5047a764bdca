/**
 * Imports a catalogue file into the recommender (the API's rules: validation, all-or-nothing per batch,
 * photos through the storage port, one `catalog.item_upserted` per item via the outbox — the running
 * recommender publishes and indexes them).
 *
 *   node dist/scripts/catalog-import.js --file styles.csv [--images DIR] [--category-columns a,b,c]
 *        [--limit N] [--batch 500] [--shop <shop account id>]
 *
 * CSV columns by convention (external_id|sku|id, title|name|productDisplayName, description, category_path,
 * price, currency; the rest become attributes); JSON: an array of items or {items: [...]}, `image` = file name.
 * Items belong to --shop (default: the platform owner, managed by admins).
 * With --images, a CSV row's photo is <images>/<externalId>.jpg when that file exists.
 */
import 'reflect-metadata';
import { existsSync, readFileSync } from 'node:fs';
import { extname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig } from '@atelier/config';
import { Outbox } from '@atelier/messaging';
import { createServiceDataSource } from '@atelier/persistence';
import { FilesystemObjectStorage } from '@atelier/storage';
import {
  csvToItems,
  jsonToItems,
  validateItems,
  type ParsedRow,
} from '../apps/recommender/src/catalog/catalog-file-parser';
import { ItemPhotos } from '../apps/recommender/src/shop-catalogue/item-photos';
import { CatalogWriter } from '../apps/recommender/src/catalog/catalog-writer';
import { ItemRepository } from '../apps/recommender/src/catalog/item.repository';
import { PLATFORM_SHOP_ID } from '../apps/recommender/src/migrations/1763830000000-item-owners';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      file: { type: 'string' },
      images: { type: 'string' },
      'category-columns': { type: 'string' },
      limit: { type: 'string' },
      batch: { type: 'string', default: '500' },
      shop: { type: 'string', default: PLATFORM_SHOP_ID },
    },
  });
  if (!values.file) throw new Error('--file is required');
  const shopId = values.shop ?? PLATFORM_SHOP_ID;
  if (!/^[0-9a-f-]{36}$/i.test(shopId)) throw new Error('--shop must be a shop account id (UUID)');
  const text = readFileSync(values.file, 'utf8');
  let rows: ParsedRow[] =
    extname(values.file).toLowerCase() === '.json'
      ? jsonToItems(text)
      : csvToItems(text, { categoryColumns: values['category-columns']?.split(',').filter(Boolean) });
  if (values.limit) rows = rows.slice(0, Number(values.limit));
  const config = loadConfig('recommender');
  const ds = createServiceDataSource(config.database, {});
  await ds.initialize();
  const outbox = new Outbox(config);
  // The item photos become catalogue photos too (photo.uploaded), so visual search finds the products.
  const writer = new CatalogWriter(
    ds,
    new ItemRepository(ds),
    outbox,
    new FilesystemObjectStorage(config.env.STORAGE_DIR),
    new ItemPhotos(outbox),
  );
  const batch = Math.max(1, Number(values.batch));
  let created = 0;
  let withImages = 0;
  const started = Date.now();
  try {
    for (let start = 0; start < rows.length; start += batch) {
      const slice = rows.slice(start, start + batch);
      const dtos = validateItems(slice.map((r) => r.item));
      const images = new Map<number, Buffer>();
      slice.forEach((r, i) => {
        const file = r.imageFile ?? (values.images ? `${String(r.item.externalId)}.jpg` : undefined);
        const path = file && values.images ? join(values.images, file) : file;
        if (path && existsSync(path)) images.set(i, readFileSync(path));
      });
      withImages += images.size;
      const result = await writer.upsertMany(dtos, { images, shopId });
      created += result.filter((r) => r.created).length;
      console.log(`imported ${Math.min(start + batch, rows.length)}/${rows.length}`);
    }
  } finally {
    await ds.destroy();
  }
  console.log(
    `done: ${rows.length} items (${created} new, ${withImages} with photos) in ${((Date.now() - started) / 1000).toFixed(1)} s`,
  );
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  if (err && typeof err === 'object' && 'details' in err) console.error(JSON.stringify(err.details, null, 2));
  process.exit(1);
});
