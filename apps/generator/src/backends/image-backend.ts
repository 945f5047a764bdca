import type { ProductInput } from '../creative/product-layer';
import type { ImageBackendName } from '@atelier/image-capabilities';
import type { BrandKitInput } from '../creative/brand-kit';

/** Text and brand colours the request wants on its images (empty strings / list when absent). */
export interface CreativeBrief {
  /** The headline. */
  title: string;
  price: string;
  discount: string;
  /** #rrggbb, most important first. */
  brandPalette: string[];
  oldPrice?: string;
  promoCode?: string;
  deadline?: string;
  subline?: string;
  cta?: string;
  /** Fields read out of the request text rather than filled in by the user. */
  fromRequest?: string[];
}

/** What a backend is asked to draw, after clamping to its capabilities. */
export interface ImageRequest {
  prompt: string;
  n: number;
  width: number;
  height: number;
  steps: number;
  guidance: number;
  seed: bigint;
  platform: string;
  creative: CreativeBrief;
  /** The request as the user wrote it (subject and colour words for backends that draw without a model). */
  originalPrompt?: string;
  /** The brand kit: the text layer's fonts, colours and logo (the embedded default keeps the logo's corner free). */
  brand?: BrandKitInput;
  /** A catalogue item's photo as the subject: the embedded default draws a plain backdrop for it, no illustrations. */
  product?: ProductInput;
}

/**
 * One image as a backend produced it. Remote backends hand over encoded bytes in whatever format they answered;
 * in-process backends hand over raw pixels, so nothing is encoded twice. The normaliser turns both into PNG.
 */
export type BackendImageData =
  | { kind: 'encoded'; bytes: Buffer }
  | { kind: 'raw'; pixels: Uint8Array; width: number; height: number; channels: 3 | 4 };

export interface BackendImage {
  data: BackendImageData;
  /** The seed the backend actually used, or undefined when it does not honour seeds. */
  seed: bigint | undefined;
  /** What the backend drew, kept with the image (e.g. the embedded default's illustrations). */
  notes?: Record<string, unknown>;
}

export interface BackendOutput {
  images: BackendImage[];
  /** Model that drew the images, e.g. "stabilityai/sdxl-turbo". */
  model: string;
  /** Backend-specific facts worth keeping with the generation (e.g. pairwise pixel distances). */
  diagnostics?: Record<string, unknown>;
}

/** Whether a backend can serve requests on this host, and why not. */
export type BackendAvailability = { available: true } | { available: false; reason: string };

/** Port for image generation; each adapter reports its name (a capability record key) and version. */
export abstract class ImageBackend {
  abstract readonly name: ImageBackendName;
  abstract readonly version: string;
  abstract generate(request: ImageRequest): Promise<BackendOutput>;

  /** Remote backends are always callable (their failures come back per request); local ones may lack files. */
  availability(): BackendAvailability {
    return { available: true };
  }
}
