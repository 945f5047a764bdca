import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { COLOUR_DIMENSIONS } from '../features/colour-features';
import { IMAGE_DIMENSIONS } from '@atelier/ml-runtime';
import { Bm25Vectorizer, type Bm25State } from '../features/text-vectorizer';
import { TEXT_DIMENSIONS } from '../features/item-vector';
import { ContrastiveModel, type ContrastiveWeights } from './contrastive-model';

export const CONTRASTIVE_CHECKPOINT = 'contrastive-v1.json';
/** Image tower input: MobileNetV2 features then the colour histogram. */
export const CONTRASTIVE_IMAGE_INPUT = IMAGE_DIMENSIONS + COLOUR_DIMENSIONS;
export const CONTRASTIVE_TEXT_INPUT = TEXT_DIMENSIONS;
/**
 * The box the image tower's training photos fit (fashion-product-images' 60×80 thumbnails). Photos are scaled into
 * it before their features are computed: MobileNetV2 features of a sharp 300×400 photo differ enough from those of
 * its 60×80 thumbnail that the tower misreads them (zero-shot type accuracy 10% vs 40% on the same photos).
 */
export const CONTRASTIVE_PHOTO_BOX = { width: 60, height: 80 } as const;

/** Which products the towers were trained on, so an evaluation can prove its items were never seen. */
export interface ContrastiveSplit {
  /** The held-out rule, e.g. `fashion-product-images id % 5 == 1`. */
  heldOut: string;
  /** Product ids of every training pair. */
  trainIds: string[];
}

export interface ContrastiveCheckpoint {
  format: 'atelier-contrastive-v1';
  trainedAt: string;
  /** The BM25 statistics the text tower was trained with, so queries are vectorised the same way. */
  bm25: Bm25State;
  weights: ContrastiveWeights;
  metrics: Record<string, number>;
  /** Absent in checkpoints written before the split was recorded. */
  split?: ContrastiveSplit;
  /** The box the training photos fit (absent before it was recorded: 60×80 then too). */
  photoBox?: { width: number; height: number };
}

/** The photo scaled into CONTRASTIVE_PHOTO_BOX (JPEG), or undefined when it already fits. */
export async function toPhotoBox(photo: Buffer): Promise<Buffer | undefined> {
  const meta = await sharp(photo, { limitInputPixels: 40_000_000 }).metadata();
  // EXIF orientations 5–8 swap the sides once the photo is turned upright.
  const [width, height] = (meta.orientation ?? 1) >= 5 ? [meta.height, meta.width] : [meta.width, meta.height];
  const { width: w, height: h } = CONTRASTIVE_PHOTO_BOX;
  if ((width ?? 0) <= w && (height ?? 0) <= h) return undefined;
  return sharp(photo, { limitInputPixels: 40_000_000 })
    .rotate()
    .resize(w, h, { fit: 'inside' })
    .jpeg({ quality: 90 })
    .toBuffer();
}

/** The image tower's input row for an item: [MobileNetV2 | colour], either block zeros when missing. */
export function imageTowerInput(image: Float32Array | null, colour: Float32Array | null): Float32Array {
  const row = new Float32Array(CONTRASTIVE_IMAGE_INPUT);
  if (image) row.set(image, 0);
  if (colour) row.set(colour, IMAGE_DIMENSIONS);
  return row;
}

export async function saveContrastiveCheckpoint(
  dir: string,
  model: ContrastiveModel,
  bm25: Bm25Vectorizer,
  metrics: Record<string, number>,
  split?: ContrastiveSplit,
): Promise<string> {
  await mkdir(dir, { recursive: true });
  const file = join(dir, CONTRASTIVE_CHECKPOINT);
  const checkpoint: ContrastiveCheckpoint = {
    format: 'atelier-contrastive-v1',
    trainedAt: new Date().toISOString(),
    bm25: bm25.state(),
    weights: model.toJSON(),
    metrics,
    split,
    photoBox: CONTRASTIVE_PHOTO_BOX,
  };
  // Write then rename: a service starting mid-write never sees half a file.
  await writeFile(`${file}.tmp`, JSON.stringify(checkpoint));
  await rename(`${file}.tmp`, file);
  return file;
}

export interface LoadedContrastive {
  model: ContrastiveModel;
  bm25: Bm25Vectorizer;
  file: string;
  trainedAt: string;
  split?: ContrastiveSplit;
}

/** The checkpoint in `dir`, or undefined when none was trained yet. */
export async function loadContrastiveCheckpoint(dir: string): Promise<LoadedContrastive | undefined> {
  const file = join(dir, CONTRASTIVE_CHECKPOINT);
  if (!existsSync(file)) return undefined;
  const checkpoint = JSON.parse(await readFile(file, 'utf8')) as ContrastiveCheckpoint;
  if (checkpoint.format !== 'atelier-contrastive-v1') throw new Error(`${file}: unknown checkpoint format`);
  const { weights } = checkpoint;
  if (weights.image.input !== CONTRASTIVE_IMAGE_INPUT || weights.text.input !== CONTRASTIVE_TEXT_INPUT) {
    throw new Error(`${file}: tower inputs do not match this build's features`);
  }
  const box = checkpoint.photoBox ?? CONTRASTIVE_PHOTO_BOX;
  if (box.width !== CONTRASTIVE_PHOTO_BOX.width || box.height !== CONTRASTIVE_PHOTO_BOX.height) {
    throw new Error(`${file}: trained on ${box.width}×${box.height} photos, this build prepares 60×80`);
  }
  return {
    model: ContrastiveModel.fromJSON(weights),
    bm25: Bm25Vectorizer.fromState(checkpoint.bm25),
    file,
    trainedAt: checkpoint.trainedAt,
    split: checkpoint.split,
  };
}
