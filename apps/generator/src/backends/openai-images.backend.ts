import { Inject, Injectable } from '@nestjs/common';
import sharp from 'sharp';
import { SERVICE_CONFIG, type ServiceConfig } from '@atelier/config';
import { BackendHttpError, FatalError } from '@atelier/messaging';
import { ImageBackend, type BackendImage, type ImageRequest } from './image-backend';

interface ImagesResponse {
  data?: Array<{ b64_json?: string }>;
}

/** Any OpenAI-compatible `/v1/images/generations` server answering base64 images. */
@Injectable()
export class OpenAiImagesBackend extends ImageBackend {
  readonly name = 'openai';
  readonly version = '1';

  constructor(@Inject(SERVICE_CONFIG) private readonly config: ServiceConfig<'generator'>) {
    super();
  }

  async generate(request: ImageRequest): Promise<BackendImage[]> {
    const env = this.config.env;
    const url = new URL('/v1/images/generations', env.OPENAI_IMAGES_URL);
    let res: Response;
    try {
      res = await fetch(url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(env.OPENAI_IMAGES_API_KEY ? { authorization: `Bearer ${env.OPENAI_IMAGES_API_KEY}` } : {}),
        },
        body: JSON.stringify({
          model: env.OPENAI_IMAGES_MODEL,
          prompt: request.prompt,
          n: request.n,
          size: `${request.width}x${request.height}`,
          response_format: 'b64_json',
        }),
        signal: AbortSignal.timeout(env.GENERATOR_HTTP_TIMEOUT_MS),
      });
    } catch (err) {
      // Network errors and timeouts are transient.
      throw new Error(`openai images request failed: ${(err as Error).message}`, { cause: err });
    }
    if (!res.ok) throw new BackendHttpError(this.name, res.status, (await res.text()).slice(0, 300));
    const body = (await res.json().catch(() => ({}))) as ImagesResponse;
    const items = body.data ?? [];
    if (items.length === 0 || items.some((d) => typeof d.b64_json !== 'string')) {
      throw new FatalError('openai images answer has no b64_json images', 'backend_bad_answer');
    }
    // Normalise whatever came back into PNG of the requested size.
    return Promise.all(
      items.map(async (d, i) => ({
        png: await sharp(Buffer.from(d.b64_json ?? '', 'base64'))
          .resize(request.width, request.height, { fit: 'cover' })
          .png()
          .toBuffer(),
        seed: request.seed + BigInt(i),
        width: request.width,
        height: request.height,
      })),
    );
  }
}
