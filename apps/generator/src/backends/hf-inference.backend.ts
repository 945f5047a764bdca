import { Injectable } from '@nestjs/common';
import { FatalError } from '@atelier/messaging';
import { bearer, HttpImageBackend } from './http-image-backend';
import type { BackendImage, BackendOutput, ImageRequest } from './image-backend';

/**
 * Hugging Face Inference API (text-to-image task): POST {inputs, parameters} to `<HF_API_URL>/models/<HF_MODEL>`,
 * the answer is the image bytes. One image per call, so n images cost n calls with seeds seed+i.
 * 401/403/404 are fatal (bad token, gated or missing model); 429/503 ("model loading") are retried honouring
 * Retry-After / estimated_time by the shared HTTP client.
 */
@Injectable()
export class HfInferenceBackend extends HttpImageBackend {
  readonly name = 'hf';
  readonly version = '1';

  async generate(request: ImageRequest): Promise<BackendOutput> {
    const env = this.config.env;
    const base = env.HF_API_URL.endsWith('/') ? env.HF_API_URL : `${env.HF_API_URL}/`;
    const url = new URL(`models/${env.HF_MODEL}`, base);
    const images: BackendImage[] = [];
    for (let i = 0; i < request.n; i++) {
      // The API takes a JSON number: seeds above 2^53 would lose bits, so those are folded into 32 bits.
      const wide = BigInt.asUintN(64, request.seed + BigInt(i));
      const seed = wide <= BigInt(Number.MAX_SAFE_INTEGER) ? wide : wide & 0xffff_ffffn;
      const answer = await this.postJson(
        url,
        {
          inputs: request.prompt,
          parameters: {
            num_inference_steps: request.steps,
            guidance_scale: request.guidance,
            width: request.width,
            height: request.height,
            seed: Number(seed),
          },
        },
        { accept: 'image/png', authorization: bearer(env.HF_API_TOKEN) },
      );
      if (answer.contentType.includes('json')) {
        throw new FatalError(
          `hf answered JSON instead of an image: ${answer.body.toString('utf8').slice(0, 200)}`,
          'backend_bad_answer',
        );
      }
      images.push({ data: { kind: 'encoded', bytes: answer.body }, seed });
    }
    return { images, model: env.HF_MODEL };
  }
}
