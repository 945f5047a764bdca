/**
 * Judge benchmark: images/s of a full-size random-weight CLIP ViT-B/32 image tower through the
 * judge's own pipeline (decode + preprocess + encode + score) versus a bare onnxruntime-node run
 * of the same model on ready tensors, at batch 1 and 8; then the vision judge's images/s and its
 * caption-matching rate on ../shared/data/coco-mini-captions.
 *   npm run bench:judge            (env: BENCH_ROUNDS, default 3)
 */
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '@atelier/config';
import {
  CLIP_VIT_B32_TEXT,
  CLIP_VIT_B32_VISION,
  OPENAI_CLIP_LAYOUT,
  OnnxModel,
  SeededRandom,
  Tensor,
  buildClipTextModel,
  buildClipVisionModel,
} from '@atelier/ml-runtime';
import { ClipJudge } from '../../apps/judge/src/clip/clip-judge';
import { captionMatchingRate } from '../../apps/judge/src/vision/caption-matching';
import { VisionJudge } from '../../apps/judge/src/vision/vision-judge';

const config = loadConfig('judge').env;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const DATA = join(config.ML_MODELS_DIR, '..', 'data', 'coco-mini-captions');

async function timeIt(images: number, rounds: number, fn: () => Promise<unknown>): Promise<number> {
  await fn(); // warm-up
  const started = process.hrtime.bigint();
  for (let r = 0; r < rounds; r++) await fn();
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  return (images * rounds) / seconds;
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-judge-'));
  try {
    const t0 = Date.now();
    writeFileSync(join(dir, 'visual.onnx'), buildClipVisionModel(CLIP_VIT_B32_VISION, OPENAI_CLIP_LAYOUT).toBytes());
    writeFileSync(join(dir, 'textual.onnx'), buildClipTextModel(CLIP_VIT_B32_TEXT, OPENAI_CLIP_LAYOUT).toBytes());
    console.log(`built random-weight ViT-B/32 image + text towers in ${Date.now() - t0} ms`);

    const rows = readFileSync(join(DATA, 'captions.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { file: string; captions: string[] });
    const photos = rows.map((r) => readFileSync(join(DATA, 'images', r.file)));
    const session = { intraOpThreads: config.ML_INTRA_OP_THREADS };

    const bare = await OnnxModel.load(join(dir, 'visual.onnx'), session);
    const judge = await ClipJudge.load({
      clipDir: dir,
      modelsDir: config.ML_MODELS_DIR,
      aestheticHead: 'laion-v1-vit-b-32',
      normalisation: 'clipscore',
      session,
      batchSize: 8,
    });
    const rng = new SeededRandom(1);
    console.log('\n| batch | bare onnxruntime (img/s) | judge pipeline (img/s) | pipeline / bare |');
    console.log('|---|---|---|---|');
    for (const batch of [1, 8]) {
      const pixels = new Float32Array(batch * 3 * 224 * 224).map(() => rng.normal());
      const tensor = new Tensor('float32', pixels, [batch, 3, 224, 224]);
      const rounds = Math.max(1, Math.round((ROUNDS * 8) / batch));
      const bareRate = await timeIt(batch, rounds, () => bare.run({ image: tensor }));
      const images = photos.slice(0, batch).map((bytes, index) => ({ index, bytes }));
      const pipeRate = await timeIt(batch, rounds, () => judge.judge({ prompt: 'a photo of a cat on a sofa', images }));
      console.log(
        `| ${batch} | ${bareRate.toFixed(2)} | ${pipeRate.toFixed(2)} | ${(pipeRate / bareRate).toFixed(3)} |`,
      );
    }
    await bare.release();

    const vision = await VisionJudge.load();
    const eight = photos.slice(0, 8).map((bytes, index) => ({ index, bytes }));
    const visionRate = await timeIt(8, ROUNDS, () => vision.judge({ prompt: 'a cat on a sofa', images: eight }));
    console.log(`\nvision judge (640 px COCO photos, batch 8): ${visionRate.toFixed(2)} img/s`);
    const analyses = [];
    for (const p of photos) analyses.push(await vision.analyse(p));
    for (let k = 0; k < 5; k++) {
      const r = captionMatchingRate(
        analyses,
        rows.map((row) => row.captions[k]),
      );
      console.log(
        `caption matching (caption ${k}, ${r.images} images, pools of ${r.poolSize}): ${(100 * r.rate).toFixed(1)}% vs random ${(100 * r.randomRate).toFixed(1)}%`,
      );
    }
    console.log(`(files in ${readdirSync(dir).join(', ')} removed)`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
