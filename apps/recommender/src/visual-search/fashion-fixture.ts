import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface FashionRow {
  id: string;
  gender: string;
  masterCategory: string;
  subCategory: string;
  articleType: string;
  baseColour: string;
  usage: string;
}

/**
 * fashion-product-images' styles.csv rows (the first 9 columns; the display name may contain commas) that have a
 * 60x80 photo in the folder.
 */
export function readFashionRows(dataDir: string, withImages: Set<string>): FashionRow[] {
  const text = readFileSync(join(dataDir, 'styles.csv'), 'utf8');
  const rows: FashionRow[] = [];
  for (const line of text.split('\n').slice(1)) {
    const f = line.split(',');
    if (f.length < 9 || !withImages.has(f[0])) continue;
    const [id, gender, masterCategory, subCategory, articleType, baseColour, , , usage] = f;
    if (!articleType || !baseColour || baseColour === 'NA') continue;
    rows.push({ id, gender, masterCategory, subCategory, articleType, baseColour, usage });
  }
  return rows.sort((a, b) => Number(a.id) - Number(b.id));
}
