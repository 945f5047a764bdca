import { imageColourFeatures } from '../features/colour-features';
import { ImageEmbedder } from '@atelier/ml-runtime';
import { TEXT_DIMENSIONS } from '../features/item-vector';
import { Bm25Vectorizer, itemTokens, type TextSource } from '../features/text-vectorizer';
import {
  CONTRASTIVE_IMAGE_INPUT,
  CONTRASTIVE_TEXT_INPUT,
  imageTowerInput,
  saveContrastiveCheckpoint,
} from './contrastive-checkpoint';
import { ContrastiveModel } from './contrastive-model';
import { trainContrastive } from './contrastive-trainer';

/** One training pair for a small checkpoint: the image tower's input row and the catalogue text of a product. */
export interface FixturePair extends TextSource {
  id: string;
  /** MobileNetV2 features + colour histogram, as `imageTowerInput` lays them out. */
  image: Float32Array;
}

export interface FixtureOptions {
  /** Output dimensions of both towers. */
  dimensions?: number;
  /** Full-batch steps. */
  steps?: number;
  learningRate?: number;
  /** Share of query views (see trainContrastive). */
  queryViews?: number;
  seed?: number;
}

/** Image-tower inputs of photos, computed exactly as the service computes them for items and uploads. */
export async function photoTowerInputs(photos: readonly Buffer[]): Promise<Float32Array[]> {
  const cnn = await (await ImageEmbedder.load()).embed([...photos]);
  const colours = await Promise.all(photos.map((p) => imageColourFeatures(p)));
  return photos.map((_, i) => imageTowerInput(cnn[i], colours[i]));
}

/**
 * Trains a small linear checkpoint on a handful of real image–text pairs and saves it in `dir` — for tests, which
 * must not depend on a checkpoint trained beforehand. Texts are built as `train:contrastive` builds them.
 */
export async function trainFixtureCheckpoint(
  dir: string,
  pairs: readonly FixturePair[],
  options: FixtureOptions = {},
): Promise<{ file: string; model: ContrastiveModel; lossBefore: number; lossAfter: number }> {
  const images = pairs.map((p) => p.image);
  const tokens = pairs.map((p) => itemTokens(p));
  const bm25 = new Bm25Vectorizer({ dimensions: TEXT_DIMENSIONS }).fit(tokens);
  const texts = tokens.map((t) => bm25.vector(t));
  const dimensions = options.dimensions ?? 16;
  const model = new ContrastiveModel({
    image: { input: CONTRASTIVE_IMAGE_INPUT, hidden: 0, output: dimensions },
    text: { input: CONTRASTIVE_TEXT_INPUT, hidden: 0, output: dimensions },
    learningRate: options.learningRate ?? 3e-3,
    seed: options.seed ?? 5,
  });
  model.image.fitNormalisation(images);
  model.text.fitNormalisation(texts);
  const lossBefore = model.loss(images, texts);
  trainContrastive(model, images, tokens, bm25, {
    epochs: options.steps ?? 150,
    batch: pairs.length,
    queryViews: options.queryViews ?? 0.5,
    seed: options.seed ?? 5,
  });
  const lossAfter = model.loss(images, texts);
  const file = await saveContrastiveCheckpoint(
    dir,
    model,
    bm25,
    { lossBefore, lossAfter },
    { heldOut: 'test fixture', trainIds: pairs.map((p) => p.id) },
  );
  return { file, model, lossBefore, lossAfter };
}
