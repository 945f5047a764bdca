/**
 * Extracts (or resumes extracting) the judge's features for every AGIQA-3K image into var/judge-features/.
 *   node dist/scripts/train-judge-features.js [--limit N]   (N images, whole prompts first; default all)
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
  loadAgiqa,
  readFeatureCache,
  toCached,
} from './train-judge-data';

export async function extractFeatures(dataDir: string, limit = Number.POSITIVE_INFINITY): Promise<void> {
  const images = extractionOrder(loadAgiqa(dataDir)).slice(0, limit);
  const cache = readFeatureCache();
  const todo = images.filter((i) => !cache.has(i.name));
  console.log(`features: ${cache.size} cached, ${todo.length} to extract → ${featureCachePath()}`);
  if (todo.length === 0) return;
  const judge = await VisionJudge.load({ embed: true });
  await judge.warmUp();
  const started = Date.now();
  for (const [k, img] of todo.entries()) {
    const bytes = readFileSync(join(agiqaDir(dataDir), 'images', img.name));
    const t0 = Date.now();
    const analysis = await judge.analyse(bytes);
    appendFeatureCache(toCached(img.name, bytes.length, analysis, Date.now() - t0));
    if ((k + 1) % 50 === 0) {
      const rate = (k + 1) / ((Date.now() - started) / 1000);
      console.log(`  ${k + 1}/${todo.length} (${rate.toFixed(2)} img/s)`);
    }
  }
}

if (require.main === module) {
  const i = process.argv.indexOf('--limit');
  const limit = i > 0 ? Number(process.argv[i + 1]) : Number.POSITIVE_INFINITY;
  const dataDir = process.env.DATA_DIR ?? defaultDataDir();
  extractFeatures(dataDir, limit).then(
    () => process.exit(0),
    (e: unknown) => {
      console.error(e);
      process.exit(1);
    },
  );
}
