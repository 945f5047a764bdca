/** One extracted attribute value with the extractor's confidence in it (0..1). */
export interface AttributeValue {
  name: string;
  value: string;
  confidence: number;
  /** The extractor that produced it. */
  source: string;
}

/** A photo decoded once for every extractor: RGB pixels (longest side ≤ 512) and a small JPEG for remote models. */
export interface DecodedPhoto {
  rgb: Uint8Array;
  width: number;
  height: number;
  jpeg: Buffer;
  /** MobileNetV2 features (null when they are off) and colour histogram, when the annotator computed them already. */
  features?: { image: Float32Array | null; colour: Float32Array };
}

export interface ExtractionResult {
  attributes: AttributeValue[];
  /** Face identity embedding when a face was found (stored, not used for ranking). */
  faceEmbedding?: Float32Array;
}

/** The port every attribute extractor implements (built-in models, a remote VLM, test fakes). */
export interface AttributeExtractor {
  readonly name: string;
  extract(photo: DecodedPhoto): Promise<ExtractionResult>;
}

export const clamp01 = (x: number): number => (Number.isFinite(x) ? Math.min(1, Math.max(0, x)) : 0);
