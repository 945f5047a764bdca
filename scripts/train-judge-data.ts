/**
 * Human-rated generated images for the judge (AGIQA-3K, shared part) and their extracted features, cached outside
 * the repo in <tmpdir>/atelier-judge-features/<FEATURE_EXTRACTOR_VERSION>/*.jsonl, one record per image keyed by its
 * path under the data dir: extraction (CenterNet + MobileNetV2 + hand-made features) costs 1–3 s per image on this
 * loaded machine, training and evaluation then take seconds. Several extraction processes may fill the cache at once
 * (each appends to its own shard file); readers merge all shards.
 */
import { appendFileSync, existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PaletteColour } from '@atelier/colour-science';
import type { ImageAnalysis } from '../apps/judge/src/vision/vision-judge';
import type { Detection } from '../apps/judge/src/vision/object-detector';
import type { HandcraftedFeature } from '../apps/judge/src/quality/quality-features';

export interface RatedImage {
  name: string;
  prompt: string;
  /** Prompt index (000–299, the file name's suffix): the grouping key. */
  group: number;
  /** Generator family (AttnGAN, glide, DALLE2, midjourney, sd1.5, sdxl …) and setting. */
  generator: string;
  setting: string;
  mosQuality: number;
  mosAlign: number;
}

/** Generators the issue calls old (drop them for "modern only"). */
export const OLD_GENERATORS = new Set(['attngan', 'glide']);

export function isModern(img: RatedImage): boolean {
  return !OLD_GENERATORS.has(img.generator.toLowerCase());
}

/** RFC 4180-ish CSV (quoted fields with commas and doubled quotes). */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      row.push(field);
      if (row.some((f) => f.length > 0)) rows.push(row);
      row = [];
      field = '';
    } else field += c;
  }
  row.push(field);
  if (row.some((f) => f.length > 0)) rows.push(row);
  return rows;
}

export function agiqaDir(dataDir: string): string {
  return join(dataDir, 'agiqa-3k');
}

export function loadAgiqa(dataDir: string): RatedImage[] {
  const [header, ...rows] = parseCsv(readFileSync(join(agiqaDir(dataDir), 'data.csv'), 'utf8'));
  const col = (n: string) => header.indexOf(n);
  return rows.map((r) => {
    const name = r[col('name')];
    const m = /^(.+?)_([^_]+)_(\d{3})\.[a-z]+$/i.exec(name);
    if (!m) throw new Error(`unexpected AGIQA-3K name ${name}`);
    return {
      name,
      prompt: r[col('prompt')],
      group: Number(m[3]),
      generator: m[1],
      setting: m[2],
      mosQuality: Number(r[col('mos_quality')]),
      mosAlign: Number(r[col('mos_align')]),
    };
  });
}

/** FNV-1a of a prompt index: a fixed, tuning-free shuffle of the prompts. */
function promptHash(group: number): number {
  let h = 0x811c9dc5;
  for (const ch of `agiqa-prompt-${group}`) {
    h ^= ch.charCodeAt(0);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

/**
 * Frozen before any tuning: 30 % of the prompts (by a fixed hash of the prompt index) are the test split; no
 * prompt is on both sides. Training and its grouped cross-validation see only the rest.
 */
export function isTestPrompt(group: number): boolean {
  return promptHash(group) % 10 < 3;
}

/** Grouped k-fold of training prompts (fold = hash of the prompt index mod k, salted differently from the split). */
export function foldOf(group: number, k: number): number {
  return (promptHash(group + 100_000) >>> 3) % k;
}

/** Images ordered so that every prefix covers whole prompts in a fixed random order (honest subsampling). */
export function extractionOrder(images: RatedImage[]): RatedImage[] {
  return [...images].sort((a, b) => promptHash(a.group) - promptHash(b.group) || a.name.localeCompare(b.name));
}

/** What is cached per image. */
export interface CachedFeatures {
  name: string;
  /** cacheKey(name): the image's path under the data dir. */
  key: string;
  bytes: number;
  features: Record<HandcraftedFeature, number>;
  embedding: number[];
  detections: Detection[];
  palette: PaletteColour[];
  statistics: { score: number; metrics: Record<string, number> };
  balance: number;
  extractMs: number;
}

/**
 * What the cached records depend on: the detector, the embedder, the hand-made features and the way images are
 * decoded for them. Bump it when any of these changes; old caches are then ignored, not mixed in.
 */
export const FEATURE_EXTRACTOR_VERSION = 'x1-centernet-mobilenetv2-hc18';

export function featureCacheDir(version = FEATURE_EXTRACTOR_VERSION): string {
  return join(tmpdir(), 'atelier-judge-features', version);
}

/** The shard this process appends to (`shard` tells concurrent extractors apart). */
export function featureCachePath(shard = 'main'): string {
  return join(featureCacheDir(), `agiqa-3k.${shard}.jsonl`);
}

/** The cache key of an image: its path under the data dir. */
export function cacheKey(name: string): string {
  return `agiqa-3k/images/${name}`;
}

/** Every cached image of this extractor version (all shards), by file name. */
export function readFeatureCache(dir = featureCacheDir()): Map<string, CachedFeatures> {
  const out = new Map<string, CachedFeatures>();
  if (!existsSync(dir)) return out;
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.jsonl'))) {
    for (const line of readFileSync(join(dir, file), 'utf8').split('\n')) {
      if (!line.trim()) continue;
      try {
        const f = JSON.parse(line) as CachedFeatures;
        if (f.key === cacheKey(f.name)) out.set(f.name, f);
      } catch {
        // a line cut short by an interrupted run: extracted again
      }
    }
  }
  return out;
}

export function appendFeatureCache(f: CachedFeatures, path = featureCachePath()): void {
  mkdirSync(join(path, '..'), { recursive: true });
  appendFileSync(path, `${JSON.stringify(f)}\n`);
}

export function toCached(name: string, bytes: number, a: ImageAnalysis, extractMs: number): CachedFeatures {
  const r = (x: number) => Math.round(x * 1e5) / 1e5;
  return {
    name,
    key: cacheKey(name),
    bytes,
    features: a.quality.features,
    embedding: Array.from(a.quality.embedding ?? [], r),
    detections: a.detections,
    palette: a.palette,
    statistics: a.statistics,
    balance: a.balance,
    extractMs,
  };
}

/** Back to the vision judge's analysis (for scoring the cached image against its prompt). */
export function toAnalysis(f: CachedFeatures): ImageAnalysis {
  return {
    detections: f.detections,
    palette: f.palette,
    statistics: f.statistics,
    balance: f.balance,
    colourHistogram: new Float32Array(64),
    quality: { features: f.features, embedding: Float32Array.from(f.embedding) },
  };
}
