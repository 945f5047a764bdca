import { Inject, Injectable } from '@nestjs/common';
import { SERVICE_CONFIG, type ServiceConfig } from '@atelier/config';
import { FatalError } from '@atelier/messaging';
import { BackendHttpClient } from '../http/backend-http-client';
import { ImageBackend, type BackendOutput, type ImageRequest } from './image-backend';

interface ImagesResponse {
  data?: Array<{ b64_json?: unknown }>;
}

/** Any OpenAI-compatible `/v1/images/generations` server answering base64 images. It does not take seeds. */
@Injectable()
export class OpenAiImagesBackend extends ImageBackend {
  readonly name = 'openai';
  readonly version = '2';

  constructor(
    @Inject(SERVICE_CONFIG) private readonly config: ServiceConfig<'generator'>,
    private readonly http: BackendHttpClient,
  ) {
    super();
  }

  async generate(request: ImageRequest): Promise<BackendOutput> {
    const env = this.config.env;
    const answer = await this.http.post(
      this.name,
      new URL('/v1/images/generations', env.OPENAI_IMAGES_URL),
      {
        'content-type': 'application/json',
        ...(env.OPENAI_IMAGES_API_KEY ? { authorization: `Bearer ${env.OPENAI_IMAGES_API_KEY}` } : {}),
      },
      JSON.stringify({
        model: env.OPENAI_IMAGES_MODEL,
        prompt: request.prompt,
        n: request.n,
        size: `${request.width}x${request.height}`,
        response_format: 'b64_json',
      }),
    );
    let body: ImagesResponse;
    try {
      body = JSON.parse(answer.body.toString('utf8')) as ImagesResponse;
    } catch {
      throw new FatalError('openai images answer is not JSON', 'backend_bad_answer');
    }
    const items = Array.isArray(body?.data) ? body.data : [];
    const b64 = items.map((d) => d?.b64_json).filter((v): v is string => typeof v === 'string' && v.length > 0);
    if (b64.length === 0 || b64.length !== items.length) {
      throw new FatalError('openai images answer has no b64_json images', 'backend_bad_answer');
    }
    return {
      images: b64.slice(0, request.n).map((s) => ({
        data: { kind: 'encoded', bytes: Buffer.from(s, 'base64') },
        seed: undefined,
      })),
      model: env.OPENAI_IMAGES_MODEL,
    };
  }
}
