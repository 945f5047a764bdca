import { basename } from 'node:path';
import { Inject, Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { SERVICE_CONFIG, type ServiceConfig } from '@atelier/config';
import { FatalError } from '@atelier/messaging';
import { ModelLoadError } from '@atelier/ml-runtime';
import { StableDiffusionOnnx, missingSdFiles } from '../local-onnx/sd-onnx-pipeline';
import { toUint64 } from '../procedural/seeded-random';
import { ImageBackend, type BackendAvailability, type BackendOutput, type ImageRequest } from './image-backend';

/**
 * Stable Diffusion 1.5 exported to ONNX, run in-process with onnxruntime-node (CUDA when installed, else CPU).
 * Available only when the export is in GENERATOR_SD_ONNX_DIR; the models load on the first request and stay
 * loaded. One generation at a time: a second would only share the same cores (or GPU) and double the memory.
 */
@Injectable()
export class LocalOnnxBackend extends ImageBackend implements OnModuleDestroy {
  readonly name = 'local-onnx';
  readonly version = '1';
  private readonly logger = new Logger(LocalOnnxBackend.name);
  private loading: Promise<StableDiffusionOnnx> | undefined;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(@Inject(SERVICE_CONFIG) private readonly config: ServiceConfig<'generator'>) {
    super();
  }

  override availability(): BackendAvailability {
    const env = this.config.env;
    const missing = missingSdFiles(env.GENERATOR_SD_ONNX_DIR, env.GENERATOR_SD_ONNX_VOCAB);
    if (missing.length === 0) return { available: true };
    return {
      available: false,
      reason:
        `Stable Diffusion ONNX weights not installed: missing ${missing.join(', ')} ` +
        '(see apps/generator/README.md, "local-onnx")',
    };
  }

  async generate(request: ImageRequest): Promise<BackendOutput> {
    const a = this.availability();
    if (!a.available) throw new FatalError(`local-onnx is unavailable: ${a.reason}`, 'backend_unavailable');
    const run = this.queue.then(() => this.draw(request));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async draw(request: ImageRequest): Promise<BackendOutput> {
    const env = this.config.env;
    const sd = await this.pipeline();
    const seeds = Array.from({ length: request.n }, (_, i) => toUint64(request.seed + BigInt(i)));
    const result = await sd.generate({
      prompt: request.prompt,
      width: request.width,
      height: request.height,
      steps: request.steps,
      guidance: request.guidance,
      seeds,
      sampler: env.GENERATOR_SD_ONNX_SAMPLER,
    });
    return {
      images: result.images.map((img, i) => ({
        data: { kind: 'raw', pixels: img.pixels, width: img.width, height: img.height, channels: 3 },
        seed: seeds[i],
      })),
      model: `sd15-onnx:${basename(env.GENERATOR_SD_ONNX_DIR)}`,
      diagnostics: {
        provider: sd.provider,
        sampler: env.GENERATOR_SD_ONNX_SAMPLER,
        timingsMs: {
          text: Math.round(result.timingsMs.text),
          denoise: Math.round(result.timingsMs.denoise),
          decode: Math.round(result.timingsMs.decode),
        },
      },
    };
  }

  /** Loads once; a failed load is fatal for that request and retried by the next one (files may be fixed). */
  private pipeline(): Promise<StableDiffusionOnnx> {
    if (!this.loading) {
      const env = this.config.env;
      this.loading = StableDiffusionOnnx.load({
        dir: env.GENERATOR_SD_ONNX_DIR,
        vocabFile: env.GENERATOR_SD_ONNX_VOCAB,
        device: env.GENERATOR_SD_ONNX_DEVICE,
        intraOpThreads: env.GENERATOR_SD_ONNX_THREADS,
      }).then(
        (sd) => {
          const why = sd.fallbackReason ? ` (${sd.fallbackReason})` : '';
          this.logger.log(`local-onnx loaded from ${env.GENERATOR_SD_ONNX_DIR} on ${sd.provider}${why}`);
          return sd;
        },
        (e: unknown) => {
          this.loading = undefined;
          if (e instanceof ModelLoadError) {
            throw new FatalError(`local-onnx could not load its models: ${e.message}`, 'backend_model_load_failed', {
              cause: e,
            });
          }
          throw e;
        },
      );
    }
    return this.loading;
  }

  async onModuleDestroy(): Promise<void> {
    const loading = this.loading;
    this.loading = undefined;
    const sd = await loading?.catch(() => undefined);
    await sd?.release();
  }
}
