import { Injectable } from '@nestjs/common';
import { FatalError } from '@atelier/messaging';
import { HttpImageBackend } from './http-image-backend';
import type { BackendOutput, ImageRequest } from './image-backend';

interface Txt2ImgResponse {
  images?: unknown;
  info?: unknown;
}

interface Txt2ImgInfo {
  all_seeds?: unknown;
  sd_model_name?: unknown;
}

/**
 * Automatic1111 / Forge `POST /sdapi/v1/txt2img`: one call draws `batch_size` images with seeds seed..seed+n-1,
 * answered as base64 PNGs plus an `info` JSON string naming the seeds and model actually used.
 */
@Injectable()
export class A1111Backend extends HttpImageBackend {
  readonly name = 'a1111';
  readonly version = '1';

  async generate(request: ImageRequest): Promise<BackendOutput> {
    const env = this.config.env;
    // A1111 seeds are signed 32-bit-ish ints in practice (-1 = random); keep ours in [0, 2^32).
    const seed = Number(request.seed & 0xffff_ffffn);
    const answer = await this.postJson(
      new URL('/sdapi/v1/txt2img', env.A1111_URL),
      {
        prompt: request.prompt,
        steps: request.steps,
        cfg_scale: request.guidance,
        width: request.width,
        height: request.height,
        seed,
        batch_size: request.n,
        n_iter: 1,
        sampler_name: env.A1111_SAMPLER,
        send_images: true,
        save_images: false,
        ...(env.A1111_MODEL ? { override_settings: { sd_model_checkpoint: env.A1111_MODEL } } : {}),
      },
      { authorization: env.A1111_AUTH && `Basic ${Buffer.from(env.A1111_AUTH).toString('base64')}` },
    );
    const body = this.parseJsonAnswer<Txt2ImgResponse>(answer);
    const images = Array.isArray(body?.images) ? body.images.filter((v): v is string => typeof v === 'string') : [];
    if (images.length < request.n) {
      throw new FatalError(`a1111 answered ${images.length} images, asked for ${request.n}`, 'backend_bad_answer');
    }
    const info = parseInfo(body.info);
    // With batch_size > 1 the server may prepend a grid of the batch; the last n entries are the images.
    const own = images.slice(images.length - request.n);
    const seeds = Array.isArray(info.all_seeds) ? info.all_seeds : [];
    return {
      images: own.map((b64, i) => {
        const s = seeds[i];
        return {
          data: { kind: 'encoded', bytes: Buffer.from(b64, 'base64') },
          seed: typeof s === 'number' && Number.isSafeInteger(s) && s >= 0 ? BigInt(s) : BigInt(seed + i),
        };
      }),
      model:
        typeof info.sd_model_name === 'string' && info.sd_model_name ? info.sd_model_name : env.A1111_MODEL || 'a1111',
    };
  }
}

function parseInfo(info: unknown): Txt2ImgInfo {
  if (typeof info !== 'string') return {};
  try {
    const parsed = JSON.parse(info) as unknown;
    return typeof parsed === 'object' && parsed !== null ? (parsed as Txt2ImgInfo) : {};
  } catch {
    return {};
  }
}
