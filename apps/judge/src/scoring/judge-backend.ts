import type { Reason, ScorePart } from '../quality/score-parts';

/** What every judge backend receives for one generation. */
export interface JudgeRequest {
  /** The prompt the images were generated from (the enhanced one). */
  prompt: string;
  /** The user's raw request, often Russian; read for object and colour words too. */
  originalPrompt?: string;
  /** Brand colours ('#rrggbb') the images should carry. */
  brandPalette?: string[];
  /** Subjects (COCO class names) whose illustration was placed in every image: known exactly, so seen. */
  placedSubjects?: string[];
  /**
   * `placedSubjects`: the subject illustrations the creative engine placed in this image (from its layout record,
   * names as the generator gives them; "focal_area" is not a subject). Counted as seen.
   */
  images: Array<{ index: number; bytes: Buffer; placedSubjects?: string[] }>;
}

/** One image as a judge sees it; everything lands in gen_meta. */
export interface ImageJudgement {
  index: number;
  /** Prompt fidelity in [0, 1] (clip_n for the CLIP judge). */
  fidelity: number;
  /** Aesthetics in [0, 1] (aes_n). */
  aesthetic: number;
  /** Agreement with the request's checkable attributes in [0, 1] (validation uses it). */
  consistency: number;
  /** Every component score and raw measurement (numbers only). */
  components: Record<string, number>;
  /** The verdict's parts (quality, fidelity …) with weights and evidence; absent = w_f·fidelity + w_a·aesthetic. */
  parts?: ScorePart[];
  /** Plain-language reasons (ru + en) behind the verdict. */
  reasons?: Reason[];
  /** Feature vector for outlier validation (same length within a batch). */
  features: number[];
  /** Unit-norm descriptor whose dot products give the similarity kernel for diversity selection. */
  descriptor: Float32Array;
  /** Anything else worth keeping (detections, palette …). */
  details?: Record<string, unknown>;
}

/** A judge backend: CLIP + aesthetics, the vision judge, or image statistics. */
export interface JudgeBackend {
  readonly name: string;
  readonly version: string;
  /** Static description (models, files, settings) stored with every prediction. */
  info(): Record<string, unknown>;
  judge(request: JudgeRequest): Promise<ImageJudgement[]>;
}
