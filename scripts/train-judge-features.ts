/**
 * Extracts (or resumes extracting) the judge's features for every AGIQA-3K image into var/judge-features/.
 *   node dist/scripts/train-judge-features.js [--limit N] [--split test|train] [--shard NAME] [--part K/N]
 *   (N images, whole prompts first; default all; --split only that side; --shard: run several at once, each with
 *   its own shard name; --part K/N: every N-th image from the K-th, so N processes share one split)
 *   DATA_DIR overrides <repo>/../shared/data (a git worktree elsewhere needs it).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { defaultDataDir } from './eval/datasets';
import { VisionJudge } from '../apps/judge/src/vision/vision-judge';
import {
  agiqaDir,
  appendFeatureCache,
  extractionOrder,
  featureCachePath,
  isTestPrompt,
  loadAgiqa,
  readFeatureCache,
  toCached,
} from './train-judge-data';

export async function extractFeatures(
  dataDir: string,
  limit = Number.POSITIVE_INFINITY,
  options: { split?: 'test' | 'train'; shard?: string; part?: [number, number] } = {},
): Promise<void> {
  const all = extractionOrder(loadAgiqa(dataDir));
  const split = options.split;
  const [k, n] = options.part ?? [0, 1];
  const images = (split ? all.filter((i) => isTestPrompt(i.group) === (split === 'test')) : all)
    .slice(0, limit)
    .filter((_, i) => i % n === k);
  const shardPath = featureCachePath(options.shard);
  const cache = readFeatureCache();
  const todo = images.filter((i) => !cache.has(i.name));
  console.log(`features: ${cache.size} cached, ${todo.length} to extract → ${shardPath}`);
  if (todo.length === 0) return;
  const judge = await VisionJudge.load({ embed: true });
  await judge.warmUp();
  const started = Date.now();
  for (const [done, img] of todo.entries()) {
    const bytes = readFileSync(join(agiqaDir(dataDir), 'images', img.name));
    const t0 = Date.now();
    const analysis = await judge.analyse(bytes);
    appendFeatureCache(toCached(img.name, bytes.length, analysis, Date.now() - t0), shardPath);
    if ((done + 1) % 50 === 0) {
      const rate = (done + 1) / ((Date.now() - started) / 1000);
      console.log(`  ${done + 1}/${todo.length} (${rate.toFixed(2)} img/s)`);
    }
  }
}

if (require.main === module) {
  const arg = (name: string) => {
    const i = process.argv.indexOf(name);
    return i > 0 ? process.argv[i + 1] : undefined;
  };
  const limit = Number(arg('--limit') ?? Number.POSITIVE_INFINITY);
  const split = arg('--split');
  if (split !== undefined && split !== 'test' && split !== 'train') throw new Error('--split is test or train');
  const dataDir = process.env.DATA_DIR ?? defaultDataDir();
  const part = arg('--part')?.split('/').map(Number) as [number, number] | undefined;
  extractFeatures(dataDir, limit, { split, shard: arg('--shard'), part }).then(
    () => process.exit(0),
    (e: unknown) => {
      console.error(e);
      process.exit(1);
    },
  );
}
