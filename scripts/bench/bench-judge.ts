/**
 * Judge benchmark: images/s of a full-size random-weight CLIP ViT-B/32 image tower through the
 * judge's own pipeline (decode + preprocess + encode + score) versus a bare onnxruntime-node run
 * of the same model on ready tensors, at batch 1 and 8; then the vision judge's images/s (in-process
 * and in the worker pool, with the event-loop delay each causes) and its caption-matching rate on
 * ../shared/data/coco-mini-captions.
 *
 * The machine is shared (other test meshes run beside it), so measurements are interleaved round by round
 * (bare, pipeline, pipeline …) and each figure is the median over rounds: a load spike hits all of them.
 * First, the learned quality model's cost: the vision judge with it (decode, CenterNet, MobileNetV2, hand-made
 * features, model, parts) against bare feature extraction on the same AGIQA-3K images in the same rounds.
 *   npm run bench:judge            (env: BENCH_ROUNDS, default 5; BENCH_JUDGE=quality runs only the first part;
 *                                   DATA_DIR overrides <ML_MODELS_DIR>/../data)
 */
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { loadConfig } from '@atelier/config';
import {
  CLIP_VIT_B32_TEXT,
  CLIP_VIT_B32_VISION,
  OPENAI_CLIP_LAYOUT,
  OnnxModel,
  Tensor,
  buildClipTextModel,
  buildClipVisionModel,
  clipPreprocess,
} from '@atelier/ml-runtime';
import { ClipJudge, type ClipJudgeOptions } from '../../apps/judge/src/clip/clip-judge';
import { captionMatchingRate } from '../../apps/judge/src/vision/caption-matching';
import { VisionJudge } from '../../apps/judge/src/vision/vision-judge';
import { ObjectDetector } from '../../apps/judge/src/vision/object-detector';
import { ImageEmbedder } from '@atelier/ml-runtime';
import { QualityModel } from '../../apps/judge/src/quality/quality-model';
import sharp from 'sharp';
import { JudgeWorkerPool } from '../../apps/judge/src/workers/judge-worker-pool';

const config = loadConfig('judge').env;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const DATA_DIR = process.env.DATA_DIR ?? join(config.ML_MODELS_DIR, '..', 'data');
const DATA = join(DATA_DIR, 'coco-mini-captions');

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function seconds(fn: () => Promise<unknown>): Promise<number> {
  const started = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - started) / 1e9;
}

/** Interleaved rounds: every contender runs once per round; returns median images/s per contender. */
async function interleaved(
  rounds: number,
  contenders: Array<{ images: number; run: () => Promise<unknown> }>,
): Promise<number[]> {
  for (const c of contenders) await c.run(); // warm-up
  const times = contenders.map(() => [] as number[]);
  for (let r = 0; r < rounds; r++) {
    for (const [i, c] of contenders.entries()) times[i].push(await seconds(c.run));
  }
  return contenders.map((c, i) => c.images / median(times[i]));
}

/** Learned quality model: per-image cost of the judge with it vs the bare feature extraction it needs. */
async function benchQuality(): Promise<void> {
  const model = QualityModel.load(config.JUDGE_QUALITY_MODEL);
  const names = readdirSync(join(DATA_DIR, 'agiqa-3k', 'images'))
    .sort()
    .slice(0, 64)
    .filter((_, i) => i % 8 === 0);
  const photos = names.map((n) => readFileSync(join(DATA_DIR, 'agiqa-3k', 'images', n)));
  const images = photos.map((bytes, index) => ({ index, bytes }));
  const judge = await VisionJudge.load({ qualityModel: model });
  await judge.warmUp();
  const detector = await ObjectDetector.load();
  const embedder = await ImageEmbedder.load();
  const decoded = await Promise.all(
    photos.map(async (p) => {
      const { data, info } = await sharp(p)
        .resize(512, 512, { fit: 'inside' })
        .removeAlpha()
        .raw()
        .toBuffer({ resolveWithObject: true });
      const small = await sharp(data, { raw: { width: info.width, height: info.height, channels: 3 } })
        .resize(224, 224, { fit: 'contain', background: '#fff' })
        .raw()
        .toBuffer();
      return { data: new Uint8Array(data), width: info.width, height: info.height, small: new Uint8Array(small) };
    }),
  );
  const analyses = await Promise.all(photos.map((p) => judge.analyse(p)));
  const load = () =>
    loadavg()
      .map((x) => x.toFixed(1))
      .join(' / ');
  const loadBefore = load();
  const [networks, extraction, judged, modelOnly] = await interleaved(Math.max(3, ROUNDS), [
    {
      images: photos.length,
      run: async () => {
        for (const d of decoded) {
          await detector.detect(d.data, d.width, d.height);
          await embedder.embedPixels([d.small]);
        }
      },
    },
    { images: photos.length, run: () => Promise.all(photos.map((p) => judge.analyse(p))) },
    { images: photos.length, run: () => judge.judge({ prompt: 'a cat on a sofa', images }) },
    {
      images: photos.length * 100,
      run: async () => {
        for (let r = 0; r < 100; r++) for (const a of analyses) model.score(a.quality);
      },
    },
  ]);
  const ms = (rate: number) => (1000 / rate).toFixed(1);
  console.log(`
learned quality model ${model.version} (prompt match: ${model.promptMatch ? 'learned' : 'none'}), ${photos.length} AGIQA-3K images, median ms/image over interleaved rounds; load average (1/5/15 min) before ${loadBefore}, after ${load()}:`);
  console.log(
    '| networks only (CenterNet + MobileNetV2, decoded input) | feature extraction (decode + networks + hand-made) | judge with learned model | judge / extraction | judge / networks | model alone |',
  );
  console.log('|---|---|---|---|---|---|');
  console.log(
    `| ${ms(networks)} | ${ms(extraction)} | ${ms(judged)} | ${(extraction / judged).toFixed(3)} | ${(networks / judged).toFixed(3)} | ${(1000 / modelOnly).toFixed(4)} |`,
  );
}

async function main(): Promise<void> {
  await benchQuality();
  if (process.env.BENCH_JUDGE === 'quality') return;
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
    const clip: ClipJudgeOptions = {
      clipDir: dir,
      modelsDir: config.ML_MODELS_DIR,
      aestheticHead: 'laion-v1-vit-b-32',
      normalisation: 'clipscore',
      session,
      batchSize: 8,
    };

    const bare = await OnnxModel.load(join(dir, 'visual.onnx'), session);
    const judge = await ClipJudge.load(clip);
    let fresh = 0;
    console.log('\nCLIP ViT-B/32 (random weights), median images/s over interleaved rounds:');
    console.log(
      '\n| batch | bare onnxruntime | pipeline, prompt cached | ratio | pipeline, new prompt each call | ratio |',
    );
    console.log('|---|---|---|---|---|---|');
    // The bare run gets the same photos, already preprocessed: only decode/preprocess/text/head differ.
    const plane = 3 * 224 * 224;
    const ready = new Float32Array(8 * plane);
    await Promise.all(photos.slice(0, 8).map((p, i) => clipPreprocess(p, 224, ready, i * plane)));
    for (const batch of [1, 8]) {
      const pixels = ready.subarray(0, batch * plane);
      const tensor = new Tensor('float32', pixels, [batch, 3, 224, 224]);
      const rounds = Math.max(3, Math.round((ROUNDS * 8) / batch));
      const images = photos.slice(0, batch).map((bytes, index) => ({ index, bytes }));
      const [b, cached, cold] = await interleaved(rounds, [
        { images: batch, run: () => bare.run({ image: tensor }) },
        { images: batch, run: () => judge.judge({ prompt: 'a photo of a cat on a sofa', images }) },
        { images: batch, run: () => judge.judge({ prompt: `a photo of ${++fresh} cats on a sofa`, images }) },
      ]);
      console.log(
        `| ${batch} | ${b.toFixed(2)} | ${cached.toFixed(2)} | ${(cached / b).toFixed(3)} | ${cold.toFixed(2)} | ${(cold / b).toFixed(3)} |`,
      );
    }
    await judge.release();

    // The service's path: the worker pool (1 worker, 2 requests in flight: decode of the next overlaps inference).
    const pool = new JudgeWorkerPool({ size: 1, spec: { kind: 'clip', clip } });
    await pool.ready;
    const eight = photos.slice(0, 8).map((bytes, index) => ({ index, bytes }));
    const pixels8 = new Tensor('float32', ready, [8, 3, 224, 224]);
    const [bare16, pooled] = await interleaved(Math.max(3, ROUNDS), [
      { images: 16, run: async () => (await bare.run({ image: pixels8 }), bare.run({ image: pixels8 })) },
      {
        images: 16,
        run: () =>
          Promise.all([
            pool.judge({ prompt: 'a photo of a cat on a sofa', images: eight }),
            pool.judge({ prompt: 'a photo of a dog on a sofa', images: eight }),
          ]),
      },
    ]);
    console.log(
      `\nworker pool (1 worker, requests of 8, 2 in flight, prompts cached): ${pooled.toFixed(2)} img/s vs bare ${bare16.toFixed(2)} img/s = ${(pooled / bare16).toFixed(3)}`,
    );
    await pool.close();
    await bare.release();

    console.log('\nvision judge (640 px COCO photos, requests of 8), event-loop delay of the calling thread:');
    const vision = await VisionJudge.load();
    await vision.warmUp();
    const visionRate = async (judgeEight: (prompt: string) => Promise<unknown>, label: string) => {
      const delay = monitorEventLoopDelay({ resolution: 10 });
      const [rate] = await interleaved(Math.max(2, Math.round(ROUNDS / 2)), [
        { images: 16, run: () => Promise.all([judgeEight('a cat on a sofa'), judgeEight('a dog in a park')]) },
      ]);
      delay.enable();
      await Promise.all([judgeEight('a cat on a sofa'), judgeEight('a dog in a park')]);
      delay.disable();
      console.log(`  ${label}: ${rate.toFixed(2)} img/s, max event-loop delay ${(delay.max / 1e6).toFixed(0)} ms`);
    };
    await visionRate((prompt) => vision.judge({ prompt, images: eight }), 'in-process (before)');
    for (const size of [1, 2]) {
      const vpool = new JudgeWorkerPool({ size, spec: { kind: 'vision' } });
      await vpool.ready;
      await visionRate((prompt) => vpool.judge({ prompt, images: eight }), `worker pool of ${size}`);
      await vpool.close();
    }

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

main().then(
  () => process.exit(0),
  (e: unknown) => {
    console.error(e);
    process.exit(1);
  },
);
