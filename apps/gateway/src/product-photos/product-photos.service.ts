import { createHash } from 'node:crypto';
import { HttpStatus, Injectable } from '@nestjs/common';
import sharp from 'sharp';
import { ObjectStorage } from '@atelier/storage';
import { ApiError } from '@atelier/service-kit';
import type { Caller } from '../identity/caller';
import { RecommenderClient, toApiError } from '../recommender/recommender-client';

/** The recommender's item as `GET /v1/catalog/items/{id}` answers it (the fields used here). */
export interface CatalogueItem {
  id: string;
  shopId: string;
  title: string;
  price: number | null;
  currency: string;
  imageUrl: string | null;
}

/** A catalogue item resolved for a creative: its text, and its photo stored where the generator reads it. */
export interface ResolvedProduct {
  itemId: string;
  photoKey: string;
  title: string;
  price: string;
}

/** Longest side of the stored product photo: the largest art box of any format is below it. */
const MAX_SIDE = 1600;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const SYMBOL: Record<string, string> = { RUB: '₽', USD: '$', EUR: '€', KZT: '₸', BYN: 'Br' };

/** "1 990 ₽": the catalogue price as a creative shows it (grouped digits, kopecks only when there are some). */
export function formatPrice(price: number | null, currency: string): string {
  if (price === null || !Number.isFinite(price) || price < 0) return '';
  const digits = new Intl.NumberFormat('ru-RU', {
    minimumFractionDigits: Number.isInteger(price) ? 0 : 2,
    maximumFractionDigits: 2,
  })
    .format(price)
    .replace(/\s/gu, ' ');
  const code = (currency || 'RUB').toUpperCase();
  return `${digits} ${SYMBOL[code] ?? code}`.slice(0, 24);
}

/**
 * Resolves a shop's catalogue item for a creative, as the signed-in caller over the signed hop to the recommender:
 * only the caller's own items (an admin's: any). Another shop's item answers exactly like an unknown one (404
 * `item_not_found`), so no shop learns what another sells; an item without a photo is 422 `item_has_no_photo`.
 * The photo is re-encoded to PNG (metadata stripped, ≤ 1600 px a side) and stored content-addressed under the
 * caller: `product-photos/<userId>/<sha256>.png`. Nothing is stored for a refused item.
 */
@Injectable()
export class ProductPhotos {
  constructor(
    private readonly recommender: RecommenderClient,
    private readonly storage: ObjectStorage,
  ) {}

  /** The item, checked to be the caller's (no photo read, nothing stored). */
  async item(caller: Caller, itemId: string): Promise<CatalogueItem> {
    if (!UUID.test(itemId)) throw notFound(itemId);
    const reply = await this.recommender.send(caller, {
      method: 'GET',
      path: `/v1/catalog/items/${encodeURIComponent(itemId.toLowerCase())}`,
    });
    if (reply.status === 404) throw notFound(itemId);
    if (reply.status < 200 || reply.status >= 300) throw toApiError(reply);
    const item = reply.json<CatalogueItem>();
    if (caller.role !== 'admin' && item.shopId.toLowerCase() !== caller.userId.toLowerCase()) throw notFound(itemId);
    if (!item.imageUrl) {
      throw new ApiError(HttpStatus.UNPROCESSABLE_ENTITY, 'item_has_no_photo', `item ${itemId} has no photo`, {
        itemId,
      });
    }
    return item;
  }

  /** Every item checked first (all or nothing), then each photo fetched and stored. */
  async resolveAll(caller: Caller, itemIds: readonly string[]): Promise<ResolvedProduct[]> {
    const items: CatalogueItem[] = [];
    for (const id of itemIds) items.push(await this.item(caller, id));
    const out: ResolvedProduct[] = [];
    for (const item of items) out.push(await this.store(caller, item));
    return out;
  }

  async resolve(caller: Caller, itemId: string): Promise<ResolvedProduct> {
    return this.store(caller, await this.item(caller, itemId));
  }

  /** The checked item's photo fetched, re-encoded and stored; its text for the brief. */
  async store(caller: Caller, item: CatalogueItem): Promise<ResolvedProduct> {
    const reply = await this.recommender.send(caller, { method: 'GET', path: `/v1/catalog/items/${item.id}/image` });
    if (reply.status === 404) {
      throw new ApiError(HttpStatus.UNPROCESSABLE_ENTITY, 'item_has_no_photo', `item ${item.id} has no photo`, {
        itemId: item.id,
      });
    }
    if (reply.status < 200 || reply.status >= 300) throw toApiError(reply);
    let png: Buffer;
    try {
      png = await sharp(reply.body, { limitInputPixels: 40_000_000 })
        .rotate()
        .resize(MAX_SIDE, MAX_SIDE, { fit: 'inside', withoutEnlargement: true })
        .png()
        .toBuffer();
    } catch {
      throw new ApiError(
        HttpStatus.UNPROCESSABLE_ENTITY,
        'item_photo_unreadable',
        `item ${item.id}: photo unreadable`,
        {
          itemId: item.id,
        },
      );
    }
    const sha = createHash('sha256').update(png).digest('hex');
    const photoKey = `product-photos/${caller.userId.toLowerCase()}/${sha}.png`;
    await this.storage.put(photoKey, png);
    return {
      itemId: item.id,
      photoKey,
      title: item.title.slice(0, 200),
      price: formatPrice(item.price, item.currency),
    };
  }
}

function notFound(itemId: string): ApiError {
  return new ApiError(HttpStatus.NOT_FOUND, 'item_not_found', 'no such item in your catalogue', { itemId });
}
