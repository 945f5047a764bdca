import type { ItemRow } from './item.repository';

export interface ItemView {
  id: string;
  /** The owning shop's account id (the platform's all-zero id for items imported before owners). */
  shopId: string;
  externalId: string;
  title: string;
  description: string;
  categoryPath: string[];
  attributes: Record<string, string | number | boolean>;
  price: number | null;
  currency: string;
  imageUrl: string | null;
}

export function toItemView(row: ItemRow): ItemView {
  return {
    id: row.id,
    shopId: row.shop_id,
    externalId: row.external_id,
    title: row.title,
    description: row.description,
    categoryPath: row.category_path,
    attributes: row.attributes,
    price: row.price_minor === null ? null : Number(row.price_minor) / 100,
    currency: row.currency,
    imageUrl: row.image_key ? `/v1/catalog/items/${row.id}/image` : null,
  };
}
