import { dot } from './contrastive-model';

/** One class and the texts that describe it (its name, synonyms). */
export interface ZeroShotClass {
  value: string;
  prompts: readonly string[];
}

export interface ZeroShotPrediction {
  value: string;
  /** Softmax of the class similarities divided by the temperature. */
  probability: number;
  /** Cosine between the image embedding and the class prototype. */
  similarity: number;
}

/**
 * CLIP-style zero-shot classification in a contrastive joint space: each class is the renormalised mean of its
 * prompts' text-tower embeddings (prompt ensembling), an image is scored by cosine against every class, and the
 * softmax of cosine / temperature — the temperature the towers were trained with, so the logits have the scale of
 * training — gives the confidences. No labelled images are needed: adding a class is adding its words.
 */
export class ZeroShotClassifier {
  private constructor(
    readonly values: readonly string[],
    private readonly prototypes: readonly Float32Array[],
    readonly temperature: number,
    /** Classes none of whose prompts the text tower could embed (they can never be predicted). */
    readonly unencodable: readonly string[],
  ) {}

  /** `encodeText` returns a unit-length text-tower embedding, or undefined when it knows none of the words. */
  static fromPrompts(
    classes: readonly ZeroShotClass[],
    encodeText: (text: string) => Float32Array | undefined,
    temperature: number,
  ): ZeroShotClassifier {
    if (!(temperature > 0)) throw new Error(`temperature must be > 0, got ${temperature}`);
    const values: string[] = [];
    const prototypes: Float32Array[] = [];
    const unencodable: string[] = [];
    for (const c of classes) {
      const embeddings = c.prompts.map(encodeText).filter((e): e is Float32Array => e !== undefined);
      if (embeddings.length === 0) {
        unencodable.push(c.value);
        continue;
      }
      const mean = new Float32Array(embeddings[0].length);
      for (const e of embeddings) for (let i = 0; i < mean.length; i++) mean[i] += e[i];
      const norm = Math.sqrt(dot(mean, mean));
      if (norm > 0) for (let i = 0; i < mean.length; i++) mean[i] /= norm;
      values.push(c.value);
      prototypes.push(mean);
    }
    if (values.length === 0) throw new Error('no class could be embedded by the text tower');
    return new ZeroShotClassifier(values, prototypes, temperature, unencodable);
  }

  /** Every class for one unit-length image embedding, most probable first. */
  classify(image: Float32Array): ZeroShotPrediction[] {
    const similarities = this.prototypes.map((p) => dot(image, p));
    const logits = similarities.map((s) => s / this.temperature);
    const max = Math.max(...logits);
    const exps = logits.map((l) => Math.exp(l - max));
    const total = exps.reduce((a, b) => a + b, 0);
    return this.values
      .map((value, i) => ({ value, probability: exps[i] / total, similarity: similarities[i] }))
      .sort((a, b) => b.probability - a.probability || a.value.localeCompare(b.value));
  }

  /** Cosine between two class prototypes (how alike the text tower finds the class names). */
  classSimilarity(a: string, b: string): number | undefined {
    const i = this.values.indexOf(a);
    const j = this.values.indexOf(b);
    return i < 0 || j < 0 ? undefined : dot(this.prototypes[i], this.prototypes[j]);
  }
}
