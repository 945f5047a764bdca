import { Injectable } from '@nestjs/common';
import {
  PROCEDURAL_BACKEND_VERSION,
  pairwiseDistances,
  renderProceduralRawImages,
} from '../procedural/procedural-renderer';
import { toUint64 } from '../procedural/seeded-random';
import { ImageBackend, type BackendOutput, type ImageRequest } from './image-backend';

/** Default backend: deterministic drawings from the prompt, seed and creative brief, no model needed. */
@Injectable()
export class ProceduralBackend extends ImageBackend {
  readonly name = 'procedural';
  readonly version = PROCEDURAL_BACKEND_VERSION;

  async generate(request: ImageRequest): Promise<BackendOutput> {
    const { width, height } = request;
    const raws = renderProceduralRawImages({
      prompt: request.prompt,
      width,
      height,
      seed: request.seed,
      n: request.n,
      platform: request.platform || undefined,
      creative: request.creative,
    });
    const pairs = pairwiseDistances(raws);
    return {
      images: raws.map((pixels, i) => ({
        data: { kind: 'raw', pixels, width, height, channels: 3 },
        seed: toUint64(request.seed + BigInt(i)),
      })),
      model: `procedural@${PROCEDURAL_BACKEND_VERSION}`,
      diagnostics: {
        pairwiseMeanPixelDistance: pairs.map((p) => ({ a: p.a, b: p.b, distance: Math.round(p.distance * 100) / 100 })),
        minPairwiseMeanPixelDistance:
          pairs.length > 0 ? Math.round(Math.min(...pairs.map((p) => p.distance)) * 100) / 100 : null,
      },
    };
  }
}
