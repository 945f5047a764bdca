import { performance } from 'node:perf_hooks';
import { Injectable, Logger } from '@nestjs/common';
import type { EventPayload } from '@atelier/contracts';
import { BACKEND_CAPABILITIES, clampToCapabilities, type CapabilityAdjustment } from '@atelier/image-capabilities';
import { FatalError } from '@atelier/messaging';
import { ObjectStorage } from '@atelier/storage';
import type { ImageRequest } from '../backends/image-backend';
import { ImageBackends } from '../backends/image-backends';
import type { GenerationRecord, StoredImage } from './generated-images.repository';
import { ImageNormaliser } from './image-normaliser';
import { NsfwClassifier, type NsfwVerdict } from '../safety/nsfw-classifier';

/** Content-addressed: identical PNGs share one object, and a retried delivery rewrites the same key. */
export const imageStorageKey = (sha256: string): string => `images/${sha256.slice(0, 2)}/${sha256}.png`;

export interface GenerationResult {
  record: GenerationRecord;
  images: StoredImage[];
}

/**
 * One generation: clamp the request to the chosen backend's capabilities, call it, normalise every image to PNG,
 * store the bytes. The caller commits the rows and the event.
 */
@Injectable()
export class ImageGeneration {
  private readonly logger = new Logger(ImageGeneration.name);

  constructor(
    private readonly backends: ImageBackends,
    private readonly normaliser: ImageNormaliser,
    private readonly storage: ObjectStorage,
    private readonly nsfw: NsfwClassifier,
  ) {}

  async run(event: EventPayload<'prompt.enhanced'>): Promise<GenerationResult> {
    const p = event.params;
    if (!p) throw new FatalError('prompt.enhanced without params', 'invalid_payload');
    const backend = this.backends.resolve(p.backend);
    const caps = BACKEND_CAPABILITIES[backend.name];
    // The gateway already rejected what the backend cannot serve; this guards events from anywhere else.
    const { params, adjustments } = clampToCapabilities(caps, {
      n: p.n || undefined,
      width: p.width || undefined,
      height: p.height || undefined,
      steps: p.steps || undefined,
      guidance: p.guidance,
    });
    const request: ImageRequest = {
      prompt: event.enhancedPrompt,
      ...params,
      seed: p.seed,
      platform: event.platform,
      creative: {
        title: p.creative?.title ?? '',
        price: p.creative?.price ?? '',
        discount: p.creative?.discount ?? '',
        brandPalette: [...(p.creative?.brandPalette ?? [])],
      },
    };
    const started = performance.now();
    const output = await backend.generate(request);
    if (output.images.length === 0) throw new FatalError(`${backend.name} produced no images`, 'backend_no_images');
    const normalised = await Promise.all(
      output.images.slice(0, params.n).map((img) => this.normaliser.normalise(img.data, params)),
    );
    const durationMs = Math.round(performance.now() - started);
    // One image at a time: the classifier is single-threaded and holds tensors while it runs.
    const verdicts: Array<NsfwVerdict | undefined> = [];
    for (const img of normalised) verdicts.push(await this.nsfw.check(img.png));
    const images: StoredImage[] = await Promise.all(
      normalised.map(async (img, index) => {
        const storageKey = imageStorageKey(img.sha256);
        await this.storage.put(storageKey, img.png);
        const seed = caps.seedHonoured ? output.images[index].seed : undefined;
        return {
          index,
          storageKey,
          width: img.width,
          height: img.height,
          sha256: img.sha256,
          bytes: img.png.length,
          seed,
          nsfw: verdicts[index],
          params: {
            prompt: request.prompt,
            width: request.width,
            height: request.height,
            steps: caps.steps.used ? request.steps : null,
            guidance: caps.guidance.used ? request.guidance : null,
            seed: seed === undefined ? null : seed.toString(),
            platform: request.platform,
            ...(backend.name === 'procedural' ? { creative: request.creative } : {}),
          },
        };
      }),
    );
    if (adjustments.length > 0) this.logAdjustments(event.generationId, backend.name, adjustments);
    return {
      record: {
        generationId: event.generationId,
        userId: event.userId,
        backend: `${backend.name}@${backend.version}`,
        model: output.model,
        prompt: event.enhancedPrompt,
        params: {
          n: p.n,
          width: p.width,
          height: p.height,
          steps: p.steps,
          guidance: p.guidance,
          seed: p.seed.toString(),
          creative: request.creative,
        },
        adjustments,
        diagnostics: output.diagnostics ?? {},
        durationMs,
      },
      images,
    };
  }

  private logAdjustments(generationId: string, backend: string, adjustments: CapabilityAdjustment[]): void {
    this.logger.warn(
      `generation ${generationId}: request clamped to ${backend} capabilities: ` +
        adjustments.map((a) => `${a.field} ${a.from}→${a.to}`).join(', '),
    );
  }
}
