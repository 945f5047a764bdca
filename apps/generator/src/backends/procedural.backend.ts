import { Injectable } from '@nestjs/common';
import { PROCEDURAL_BACKEND_VERSION, renderProceduralImages } from '../procedural/procedural-renderer';
import { ImageBackend, type BackendImage, type ImageRequest } from './image-backend';

/** Default backend: deterministic drawings from the prompt and seed, no model needed. */
@Injectable()
export class ProceduralBackend extends ImageBackend {
  readonly name = 'procedural';
  readonly version = PROCEDURAL_BACKEND_VERSION;

  async generate(request: ImageRequest): Promise<BackendImage[]> {
    const images = await renderProceduralImages({
      prompt: request.prompt,
      width: request.width,
      height: request.height,
      seed: request.seed,
      n: request.n,
      platform: request.platform || undefined,
    });
    return images.map((i) => ({ png: i.png, seed: i.seed, width: i.width, height: i.height }));
  }
}
