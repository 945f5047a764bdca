import { COLOUR_DIMENSIONS } from './colour-features';
import { IMAGE_DIMENSIONS } from '@atelier/ml-runtime';

export const TEXT_DIMENSIONS = 256;
export const ITEM_VECTOR_DIMENSIONS = TEXT_DIMENSIONS + COLOUR_DIMENSIONS + IMAGE_DIMENSIONS;

/** Relative weight of each block: cosine of two items = Σ w²·cos(block) / norms. */
export const BLOCK_WEIGHTS = { text: 1, colour: 0.6, image: 0.8 } as const;

/**
 * One multimodal item vector: [text | colour | image] blocks, each unit-length times its weight, the whole
 * L2-normalised. A missing block is zeros, so items without photos are compared by what they have.
 */
export function composeItemVector(
  text: Float32Array,
  colour: Float32Array | null,
  image: Float32Array | null,
  into = new Float32Array(ITEM_VECTOR_DIMENSIONS),
): Float32Array {
  into.fill(0);
  const put = (block: Float32Array | null, offset: number, weight: number) => {
    if (!block) return;
    for (let i = 0; i < block.length; i++) into[offset + i] = block[i] * weight;
  };
  put(text, 0, BLOCK_WEIGHTS.text);
  put(colour, TEXT_DIMENSIONS, BLOCK_WEIGHTS.colour);
  put(image, TEXT_DIMENSIONS + COLOUR_DIMENSIONS, BLOCK_WEIGHTS.image);
  let sum = 0;
  for (let i = 0; i < into.length; i++) sum += into[i] * into[i];
  if (sum > 0) for (let i = 0; i < into.length; i++) into[i] /= Math.sqrt(sum);
  return into;
}

/** Cosine of two items within one block, for explanations ("similar colour"). */
export function blockSimilarity(a: Float32Array, b: Float32Array, block: 'text' | 'colour' | 'image'): number {
  const [start, length] =
    block === 'text'
      ? [0, TEXT_DIMENSIONS]
      : block === 'colour'
        ? [TEXT_DIMENSIONS, COLOUR_DIMENSIONS]
        : [TEXT_DIMENSIONS + COLOUR_DIMENSIONS, IMAGE_DIMENSIONS];
  let dotAB = 0;
  let na = 0;
  let nb = 0;
  for (let i = start; i < start + length; i++) {
    dotAB += a[i] * b[i];
    na += a[i] * a[i];
    nb += b[i] * b[i];
  }
  return na > 0 && nb > 0 ? dotAB / Math.sqrt(na * nb) : 0;
}

/**
 * The photo embedding (`composePhotoEmbedding`: [0.8·image | 0.6·colour], unit length) of an item, recovered from its
 * item vector, whose colour and image blocks carry the same raw features with the same weights.
 */
export function photoEmbeddingOfItemVector(v: Float32Array): Float32Array {
  const out = new Float32Array(IMAGE_DIMENSIONS + COLOUR_DIMENSIONS);
  out.set(v.subarray(TEXT_DIMENSIONS + COLOUR_DIMENSIONS, TEXT_DIMENSIONS + COLOUR_DIMENSIONS + IMAGE_DIMENSIONS), 0);
  out.set(v.subarray(TEXT_DIMENSIONS, TEXT_DIMENSIONS + COLOUR_DIMENSIONS), IMAGE_DIMENSIONS);
  let sum = 0;
  for (const x of out) sum += x * x;
  if (sum > 0) for (let i = 0; i < out.length; i++) out[i] /= Math.sqrt(sum);
  return out;
}
