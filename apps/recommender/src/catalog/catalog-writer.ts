import { createHash, randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Outbox } from '@atelier/messaging';
import { ObjectStorage } from '@atelier/storage';
import { CatalogFormatError, RESERVED_NAMES } from './catalog-file-parser';
import type { ItemDto } from './item.dto';
import { ItemRepository, type ItemWrite } from './item.repository';
import { PhotoRejected, sanitizePhoto, type SanitizedPhoto } from '../photos/photo-sanitizer';
import { ItemPhotos, type ItemImage } from '../shop-catalogue/item-photos';

const MAX_IMAGE_BYTES = 4 * 1024 * 1024;
const MAX_IMAGE_PIXELS = 40_000_000;

export interface UpsertedItem {
  id: string;
  externalId: string;
  created: boolean;
}

/**
 * Writes catalog items: images to object storage (content-addressed, so re-imports are idempotent), then the
 * rows and one `catalog.item_upserted` event per item in one transaction — all rows of a batch or none.
 */
@Injectable()
export class CatalogWriter {
  constructor(
    private readonly dataSource: DataSource,
    private readonly items: ItemRepository,
    private readonly outbox: Outbox,
    private readonly storage: ObjectStorage,
    private readonly itemPhotos: ItemPhotos,
  ) {}

  /** `onProgress` is called inside the transaction every 50 rows with the rows written so far. */
  async upsertMany(
    dtos: ItemDto[],
    options: {
      shopId: string;
      correlationId?: string;
      images?: Map<number, Buffer>;
      /** Images already checked and stored (photo uploads), by row. */
      storedImages?: Map<number, ItemImage>;
      onProgress?: (written: number) => Promise<void>;
    },
  ): Promise<UpsertedItem[]> {
    const writes: ItemWrite[] = [];
    const images = new Map<number, ItemImage>();
    for (const [i, dto] of dtos.entries()) {
      const bytes = options.images?.get(i) ?? (dto.imageBase64 ? Buffer.from(dto.imageBase64, 'base64') : undefined);
      const image = options.storedImages?.get(i) ?? (bytes ? await this.storeImage(bytes, i) : undefined);
      if (image) images.set(i, image);
      writes.push({
        id: randomUUID(),
        shopId: options.shopId,
        externalId: dto.externalId,
        title: dto.title.trim(),
        description: dto.description?.trim() ?? '',
        categoryPath: dto.categoryPath ?? [],
        attributes: checkAttributes(dto.attributes ?? {}, i),
        priceMinor: dto.price === undefined ? null : Math.round(dto.price * 100),
        currency: dto.currency ?? 'RUB',
        imageKey: image?.key ?? null,
      });
    }
    const duplicates = writes.map((w) => w.externalId).filter((id, i, all) => all.indexOf(id) !== i);
    if (duplicates.length) throw new CatalogFormatError(`duplicate externalId in one batch: ${duplicates[0]}`);
    const correlationId = options.correlationId ?? randomUUID();
    return this.dataSource.transaction(async (m) => {
      const out: UpsertedItem[] = [];
      for (const [i, w] of writes.entries()) {
        const stored = await this.items.upsert(m, w);
        const image = images.get(i);
        // Every catalogue photo is searchable by look, linked to its item.
        if (image) await this.itemPhotos.link(m, { id: stored.id, shopId: w.shopId }, image, correlationId);
        await this.outbox.add(
          m,
          'catalog.item_upserted',
          {
            itemId: stored.id,
            externalId: w.externalId,
            title: w.title,
            categoryPath: w.categoryPath,
            attributes: Object.fromEntries(Object.entries(w.attributes).map(([k, v]) => [k, String(v)])),
            priceMinor: BigInt(w.priceMinor ?? 0),
            currency: w.currency,
            imageKey: stored.image_key ?? '',
            created: stored.created,
          },
          { correlationId },
        );
        out.push({ id: stored.id, externalId: w.externalId, created: stored.created });
        if (options.onProgress && out.length % 50 === 0) await options.onProgress(out.length);
      }
      return out;
    });
  }

  /** Re-encoded like an uploaded photo: metadata and any trailing bytes (HTML, ZIP) are gone; stored by content. */
  async storeImage(bytes: Buffer, row: number | string): Promise<ItemImage> {
    let clean: SanitizedPhoto;
    try {
      clean = await sanitizePhoto(bytes, { maxBytes: MAX_IMAGE_BYTES, maxPixels: MAX_IMAGE_PIXELS });
    } catch (err) {
      if (err instanceof PhotoRejected) {
        throw new CatalogFormatError(`${typeof row === 'number' ? `row ${row}` : row}: ${err.message}`, [
          { row, code: err.code, status: err.status },
        ]);
      }
      throw err;
    }
    const hash = createHash('sha256').update(clean.bytes).digest('hex');
    const key = `catalog/${hash.slice(0, 2)}/${hash}.${clean.format === 'jpeg' ? 'jpg' : clean.format}`;
    if (!(await this.storage.get(key))) await this.storage.put(key, clean.bytes);
    return { key, format: clean.format, width: clean.width, height: clean.height };
  }
}

function checkAttributes(attributes: Record<string, unknown>, row: number): Record<string, string | number | boolean> {
  const entries = Object.entries(attributes);
  if (entries.length > 50) throw new CatalogFormatError(`row ${row}: at most 50 attributes`);
  for (const [key, value] of entries) {
    if (!/^[\w.-]{1,64}$/.test(key) || RESERVED_NAMES.has(key))
      throw new CatalogFormatError(`row ${row}: attribute name ${key} is not allowed`);
    const ok =
      (typeof value === 'string' && value.length <= 500) ||
      (typeof value === 'number' && Number.isFinite(value)) ||
      typeof value === 'boolean';
    if (!ok) throw new CatalogFormatError(`row ${row}: attribute ${key} must be a short string, number or boolean`);
  }
  return attributes as Record<string, string | number | boolean>;
}
