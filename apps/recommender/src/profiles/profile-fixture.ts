import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readFashionRows, type FashionRow } from '../visual-search/fashion-fixture';

/**
 * The dating-profile fixture: CelebA faces (celeba-sample, NON-COMMERCIAL research use only — tests and evals
 * inside the project, never shipped) as the people, fashion-product-images photos as their outfit photos. Images
 * are read by path from the shared data folder, never copied into the repository.
 */
export interface FixtureFace {
  file: string;
  /** The 40 CelebA attributes that are present (value 1). */
  attributes: Set<string>;
  gender: 'female' | 'male';
  /** Not in CelebA: an age from the Young flag, spread deterministically (fixture only). */
  age: number;
  hair: 'black' | 'blond' | 'brown' | 'grey' | 'other';
}

export function readCelebaFaces(dataDir: string): FixtureFace[] {
  const dir = join(dataDir, 'celeba-sample');
  const [header, ...lines] = readFileSync(join(dir, 'list_attr_celeba_subset.csv'), 'utf8').trim().split('\n');
  const names = header.split(',').slice(1);
  return lines
    .map((line, i) => {
      const [id, ...values] = line.trim().split(',');
      const attributes = new Set(names.filter((_, j) => values[j] === '1'));
      const hair = attributes.has('Blond_Hair')
        ? 'blond'
        : attributes.has('Black_Hair')
          ? 'black'
          : attributes.has('Brown_Hair')
            ? 'brown'
            : attributes.has('Gray_Hair')
              ? 'grey'
              : 'other';
      return {
        file: join(dir, 'images', id),
        attributes,
        gender: attributes.has('Male') ? ('male' as const) : ('female' as const),
        age: attributes.has('Young') ? 21 + ((i * 7) % 14) : 36 + ((i * 5) % 20),
        hair: hair as FixtureFace['hair'],
      };
    })
    .filter((f) => existsSync(f.file));
}

export interface FixtureOutfit extends FashionRow {
  file: string;
}

/** fashion-product-images outfit photos (60x80) of the given colours, in id order. */
export function readOutfits(dataDir: string): FixtureOutfit[] {
  const dir = join(dataDir, 'fashion-product-images');
  const images = join(dir, 'images_60x80');
  const ids = new Set(readdirSync(images).map((f) => f.replace(/\.jpg$/, '')));
  return readFashionRows(dir, ids)
    .filter((r) => r.masterCategory === 'Apparel')
    .map((r) => ({ ...r, file: join(images, `${r.id}.jpg`) }));
}
