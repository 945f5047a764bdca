import { Injectable } from '@nestjs/common';
import { FatalError } from '@atelier/messaging';
import { bearer, HttpImageBackend } from './http-image-backend';
import type { BackendOutput, ImageRequest } from './image-backend';

interface ImagesResponse {
  data?: Array<{ b64_json?: unknown }>;
}

/** Any OpenAI-compatible `/v1/images/generations` server answering base64 images. It does not take seeds. */
@Injectable()
export class OpenAiImagesBackend extends HttpImageBackend {
  readonly name = 'openai';
  readonly version = '2';

  async generate(request: ImageRequest): Promise<BackendOutput> {
    const env = this.config.env;
    const answer = await this.postJson(
      new URL('/v1/images/generations', env.OPENAI_IMAGES_URL),
      {
        model: env.OPENAI_IMAGES_MODEL,
        prompt: request.prompt,
        n: request.n,
        size: `${request.width}x${request.height}`,
        response_format: 'b64_json',
      },
      { authorization: bearer(env.OPENAI_IMAGES_API_KEY) },
    );
    const body = this.parseJsonAnswer<ImagesResponse>(answer, 'openai images');
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
