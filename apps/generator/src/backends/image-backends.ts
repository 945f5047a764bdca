import { Inject, Injectable, Logger } from '@nestjs/common';
import { SERVICE_CONFIG, type ServiceConfig } from '@atelier/config';
import { FatalError } from '@atelier/messaging';
import type { ImageBackend } from './image-backend';
import { A1111Backend } from './a1111.backend';
import { HfInferenceBackend } from './hf-inference.backend';
import { LocalOnnxBackend } from './local-onnx.backend';
import { OpenAiImagesBackend } from './openai-images.backend';
import { ProceduralBackend } from './procedural.backend';

/** Picks the backend for a request: the one it names, else the configured default. */
@Injectable()
export class ImageBackends {
  private readonly logger = new Logger(ImageBackends.name);
  private readonly byName: Map<string, ImageBackend>;

  constructor(
    procedural: ProceduralBackend,
    openai: OpenAiImagesBackend,
    hf: HfInferenceBackend,
    a1111: A1111Backend,
    localOnnx: LocalOnnxBackend,
    @Inject(SERVICE_CONFIG) private readonly config: ServiceConfig<'generator'>,
  ) {
    const all = [procedural, openai, hf, a1111, localOnnx];
    this.byName = new Map<string, ImageBackend>(all.map((b) => [b.name, b]));
    for (const b of all) {
      const a = b.availability();
      if (!a.available) this.logger.log(`image backend ${b.name} is unavailable on this host: ${a.reason}`);
    }
  }

  /**
   * The backend for a request. An unknown or unavailable one is a fatal error: retrying cannot install weights,
   * so the request fails at once (generation.failed with the code) instead of cycling through retries.
   */
  resolve(requested: string): ImageBackend {
    const name = requested || this.config.env.GENERATOR_DEFAULT_BACKEND;
    const backend = this.byName.get(name);
    if (!backend) throw new FatalError(`unknown image backend "${name}"`, 'unknown_backend');
    const a = backend.availability();
    if (!a.available) throw new FatalError(`image backend ${name} is unavailable: ${a.reason}`, 'backend_unavailable');
    return backend;
  }
}
