import { Injectable } from '@nestjs/common';
import { drawDefaultPicture, layoutLenient, paletteFromText, type CreativeSpec } from '@atelier/creative';
import { productBackdrop } from '../creative/product-layer';
import { meanPixelDistance } from '../procedural/procedural-renderer';
import { toUint64 } from '../procedural/seeded-random';
import { briefOf } from '../creative/brief-of';
import { ImageBackend, type BackendOutput, type ImageRequest } from './image-backend';

/** Version of the embedded default's drawing: bump when the same request draws different pixels. */
export const EMBEDDED_DEFAULT_VERSION = '4';

/**
 * Default backend, no model needed: the request's subject as vector illustrations (Fluent Emoji Flat, matched by
 * CLDR keywords) composed into a layout of its kind (hero, flat-lay, product card, sale, vacancy, event), in the
 * space the text layer leaves free. Deterministic per seed; image i uses seed + i.
 */
@Injectable()
export class ProceduralBackend extends ImageBackend {
  readonly name = 'procedural';
  readonly version = EMBEDDED_DEFAULT_VERSION;

  async generate(request: ImageRequest): Promise<BackendOutput> {
    const { width, height } = request;
    const spec: Omit<CreativeSpec, 'seed'> = {
      width,
      height,
      platform: request.platform,
      request: request.originalPrompt || request.prompt,
      brief: briefOf(request.creative),
      brandPalette: request.creative.brandPalette,
      ...(request.brand ? { brand: { fonts: request.brand.fonts, logo: request.brand.logo } } : {}),
    };
    // The same layout the text layer will compute, so the subject sits where the text is not.
    const { layout } = layoutLenient(spec);
    const drawn: Array<{ seed: bigint; data: Buffer; scene?: unknown }> = [];
    for (let i = 0; i < request.n; i++) {
      const seed = toUint64(request.seed + BigInt(i));
      if (request.product) {
        // The product photo is the subject (set by the creative layer): only a backdrop here.
        drawn.push({
          seed,
          data: await productBackdrop(width, height, paletteFromText(spec.request, spec.brandPalette)),
        });
        continue;
      }
      drawn.push({ seed, ...(await drawDefaultPicture({ ...spec, seed: Number(seed % 2147483647n) }, layout)) });
    }
    const distances: Array<{ a: number; b: number; distance: number }> = [];
    for (let a = 0; a < drawn.length; a++) {
      for (let b = a + 1; b < drawn.length; b++) {
        const distance = meanPixelDistance(drawn[a].data, drawn[b].data);
        distances.push({ a, b, distance: Math.round(distance * 100) / 100 });
      }
    }
    return {
      images: drawn.map((d) => ({
        data: { kind: 'raw', pixels: d.data, width, height, channels: 3 },
        seed: d.seed,
        notes: d.scene ? { scene: d.scene } : {},
      })),
      model: `procedural@${EMBEDDED_DEFAULT_VERSION}`,
      diagnostics: {
        pairwiseMeanPixelDistance: distances,
        minPairwiseMeanPixelDistance: distances.length > 0 ? Math.min(...distances.map((p) => p.distance)) : null,
      },
    };
  }
}
