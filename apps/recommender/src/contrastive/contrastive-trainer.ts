import type { Bm25Vectorizer } from '../features/text-vectorizer';
import { seededRandom, type ContrastiveModel } from './contrastive-model';

export interface TrainingOptions {
  epochs: number;
  batch: number;
  /**
   * Share of texts replaced, each step, by a query view: 1–3 random words of the item's text (no exact
   * `c:`/`a:` tokens). Shoppers type "blue men tshirt", not a catalogue record; without such views the text tower
   * only ever sees full records and embeds a two-word query (or a zero-shot type name) out of distribution.
   */
  queryViews?: number;
  seed?: number;
  /** Called after each epoch with the mean training loss. */
  onEpoch?: (epoch: number, loss: number) => void;
}

/** 1–3 distinct words of an item's tokens, as a short query would have them. */
export function queryView(tokens: readonly string[], random: () => number): string[] {
  const words = [...new Set(tokens.filter((t) => !t.startsWith('c:') && !t.startsWith('a:')))];
  if (words.length === 0) return [...tokens];
  const count = Math.min(words.length, 1 + Math.floor(random() * 3));
  for (let i = 0; i < count; i++) {
    const j = i + Math.floor(random() * (words.length - i));
    [words[i], words[j]] = [words[j], words[i]];
  }
  return words.slice(0, count);
}

/**
 * Mini-batch training of the contrastive towers on aligned pairs (image input row i ↔ text tokens i): shuffled each
 * epoch, the ragged last batch dropped (a tiny batch has too few negatives to be informative). Returns the last
 * epoch's mean loss.
 */
export function trainContrastive(
  model: ContrastiveModel,
  images: readonly Float32Array[],
  tokens: readonly (readonly string[])[],
  bm25: Bm25Vectorizer,
  options: TrainingOptions,
): number {
  const random = seededRandom(options.seed ?? 7);
  const texts = tokens.map((t) => bm25.vector(t));
  const order = images.map((_, i) => i);
  const rate = options.queryViews ?? 0;
  let last = 0;
  for (let epoch = 1; epoch <= options.epochs; epoch++) {
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [order[i], order[j]] = [order[j], order[i]];
    }
    let loss = 0;
    let steps = 0;
    for (let s = 0; s + options.batch <= order.length || (s === 0 && order.length > 0); s += options.batch) {
      const idx = order.slice(s, s + options.batch);
      loss += model.step(
        idx.map((k) => images[k]),
        idx.map((k) => (rate > 0 && random() < rate ? bm25.vector(queryView(tokens[k], random)) : texts[k])),
      ).loss;
      steps++;
    }
    last = loss / Math.max(1, steps);
    options.onEpoch?.(epoch, last);
  }
  return last;
}
