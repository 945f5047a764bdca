import { Inject, Injectable } from '@nestjs/common';
import { SERVICE_CONFIG, type ServiceConfig } from '@atelier/config';
import { FatalError } from '@atelier/messaging';
import type { ImageBackend } from './image-backend';
import { A1111Backend } from './a1111.backend';
import { HfInferenceBackend } from './hf-inference.backend';
import { OpenAiImagesBackend } from './openai-images.backend';
import { ProceduralBackend } from './procedural.backend';

/** Picks the backend for a request: the one it names, else the configured default. */
@Injectable()
export class ImageBackends {
  private readonly byName: Map<string, ImageBackend>;

  constructor(
    procedural: ProceduralBackend,
    openai: OpenAiImagesBackend,
    hf: HfInferenceBackend,
    a1111: A1111Backend,
    @Inject(SERVICE_CONFIG) private readonly config: ServiceConfig<'generator'>,
  ) {
    this.byName = new Map<string, ImageBackend>([procedural, openai, hf, a1111].map((b) => [b.name, b]));
  }

  resolve(requested: string): ImageBackend {
    const name = requested || this.config.env.GENERATOR_DEFAULT_BACKEND;
    const backend = this.byName.get(name);
    if (!backend) throw new FatalError(`unknown image backend "${name}"`, 'unknown_backend');
    return backend;
  }
}
