import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseCsv } from '../../apps/recommender/src/catalog/csv';
import type { Interaction } from '../../apps/recommender/src/algorithms/user-item-matrix';

/** <repo>/../shared/data, resolved from dist/scripts/eval or scripts/eval. */
export function defaultDataDir(): string {
  const fromDist = resolve(__dirname, '..', '..', '..', '..', 'shared', 'data');
  const fromSource = resolve(__dirname, '..', '..', '..', 'shared', 'data');
  return __dirname.includes(`${join('dist', 'scripts')}`) ? fromDist : fromSource;
}

export interface InteractionDataset {
  name: string;
  users: number;
  items: number;
  interactions: Interaction[];
  /** Item metadata for content features. */
  itemTitles: string[];
  itemGenres: string[][];
}

const GENRES_100K = [
  'unknown',
  'Action',
  'Adventure',
  'Animation',
  "Children's",
  'Comedy',
  'Crime',
  'Documentary',
  'Drama',
  'Fantasy',
  'Film-Noir',
  'Horror',
  'Musical',
  'Mystery',
  'Romance',
  'Sci-Fi',
  'Thriller',
  'War',
  'Western',
];

/** MovieLens 100K (shared part): every rating is an implicit positive interaction (weight 1). */
export function loadMovielens100k(dataDir: string): InteractionDataset {
  const dir = join(dataDir, 'movielens-100k');
  const itemLines = readFileSync(join(dir, 'u.item'), 'latin1').split('\n').filter(Boolean);
  const itemIndex = new Map<number, number>();
  const itemTitles: string[] = [];
  const itemGenres: string[][] = [];
  for (const line of itemLines) {
    const f = line.split('|');
    itemIndex.set(Number(f[0]), itemTitles.length);
    itemTitles.push(f[1]);
    itemGenres.push(GENRES_100K.filter((_, g) => f[5 + g] === '1'));
  }
  const userIndex = new Map<number, number>();
  const interactions: Interaction[] = [];
  for (const line of readFileSync(join(dir, 'u.data'), 'utf8').split('\n')) {
    if (!line) continue;
    const [u, i, , t] = line.split('\t').map(Number);
    if (!userIndex.has(u)) userIndex.set(u, userIndex.size);
    const item = itemIndex.get(i);
    if (item === undefined) continue;
    interactions.push({ user: userIndex.get(u) ?? 0, item, weight: 1, time: t });
  }
  return {
    name: 'movielens-100k',
    users: userIndex.size,
    items: itemTitles.length,
    interactions,
    itemTitles,
    itemGenres,
  };
}

/** MovieLens latest-small (shared part): every rating is an implicit positive interaction. */
export function loadMovielensLatestSmall(dataDir: string): InteractionDataset {
  const dir = join(dataDir, 'movielens-latest-small');
  const [, ...movies] = parseCsv(readFileSync(join(dir, 'movies.csv'), 'utf8'));
  const itemIndex = new Map<string, number>();
  const itemTitles: string[] = [];
  const itemGenres: string[][] = [];
  for (const [id, title, genres] of movies) {
    itemIndex.set(id, itemTitles.length);
    itemTitles.push(title);
    itemGenres.push((genres ?? '').split('|').filter((g) => g && g !== '(no genres listed)'));
  }
  const userIndex = new Map<string, number>();
  const interactions: Interaction[] = [];
  const lines = readFileSync(join(dir, 'ratings.csv'), 'utf8').split('\n').slice(1);
  for (const line of lines) {
    if (!line) continue;
    const [u, i, , t] = line.split(',');
    const item = itemIndex.get(i);
    if (item === undefined) continue;
    if (!userIndex.has(u)) userIndex.set(u, userIndex.size);
    interactions.push({ user: userIndex.get(u) ?? 0, item, weight: 1, time: Number(t) });
  }
  return {
    name: 'movielens-latest-small',
    users: userIndex.size,
    items: itemTitles.length,
    interactions,
    itemTitles,
    itemGenres,
  };
}
