import { performance } from 'node:perf_hooks';
import { Injectable, Logger } from '@nestjs/common';
import type { EventPayload } from '@atelier/contracts';
import { createHash } from 'node:crypto';
import { resolveBrief } from '@atelier/creative';
import {
  BACKEND_CAPABILITIES,
  clampToCapabilities,
  drawingSizeFor,
  type CapabilityAdjustment,
} from '@atelier/image-capabilities';
import { FatalError } from '@atelier/messaging';
import { ObjectStorage, generationImageKey } from '@atelier/storage';
import type { CreativeBrief, ImageRequest } from '../backends/image-backend';
import { CreativeLayer, type CreativeImage } from '../creative/creative-layer.service';
import { brandKitInput, briefWithoutBanned, type BrandKitInput } from '../creative/brand-kit';
import { cutOutProduct } from '../creative/product-cutout';
import type { ProductInput } from '../creative/product-layer';
import { ImageBackends } from '../backends/image-backends';
import type { GenerationRecord, StoredImage } from './generated-images.repository';
import { ImageNormaliser } from './image-normaliser';
import { NsfwClassifier, type NsfwVerdict } from '../safety/nsfw-classifier';

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
    private readonly creative: CreativeLayer,
  ) {}

  /**
   * `stillWanted`, when given, is asked once the backend has drawn and before anything is stored: false (the
   * generation failed meanwhile) ends the run with `undefined`, nothing written.
   */
  run(event: EventPayload<'prompt.enhanced'>): Promise<GenerationResult>;
  run(
    event: EventPayload<'prompt.enhanced'>,
    stillWanted: () => Promise<boolean>,
  ): Promise<GenerationResult | undefined>;
  async run(
    event: EventPayload<'prompt.enhanced'>,
    stillWanted?: () => Promise<boolean>,
  ): Promise<GenerationResult | undefined> {
    const p = event.params;
    if (!p) throw new FatalError('prompt.enhanced without params', 'invalid_payload');
    const backend = this.backends.resolve(p.backend);
    const caps = BACKEND_CAPABILITIES[backend.name];
    const delivered = deliveredSize(event);
    const [drawWidth, drawHeight] = drawingSizeFor(caps, delivered.width, delivered.height);
    // The gateway already rejected what the backend cannot serve; this guards events from anywhere else.
    const { params, adjustments } = clampToCapabilities(caps, {
      n: p.n || undefined,
      width: drawWidth,
      height: drawHeight,
      steps: p.steps || undefined,
      guidance: p.guidance,
    });
    if (params.width !== delivered.width || params.height !== delivered.height) {
      adjustments.push({
        field: 'size',
        from: `${delivered.width}x${delivered.height}`,
        to: `${params.width}x${params.height} drawn, delivered at ${delivered.width}x${delivered.height}`,
      });
    }
    const brand = await this.brandKit(event);
    const product = await this.product(event);
    const creative = creativeOf(p);
    const request: ImageRequest = {
      prompt: event.enhancedPrompt,
      ...params,
      seed: p.seed,
      platform: event.platform,
      // The request's own colours win; otherwise the brand kit's. Banned words never reach the image.
      creative: briefWithoutBanned(
        {
          ...creative,
          brandPalette: creative.brandPalette.length > 0 ? creative.brandPalette : (brand?.palette ?? []),
        },
        brand?.bannedWords ?? [],
      ),
      originalPrompt: event.originalPrompt || p.prompt,
      ...(brand ? { brand } : {}),
      ...(product ? { product } : {}),
    };
    const started = performance.now();
    const output = await backend.generate(request);
    if (output.images.length === 0) throw new FatalError(`${backend.name} produced no images`, 'backend_no_images');
    if (stillWanted && !(await stillWanted())) return undefined;
    const drawn = await Promise.all(
      output.images.slice(0, params.n).map((img) => this.normaliser.normalise(img.data, params)),
    );
    // Every backend's picture: to the delivered size, then the same text layer (one at a time: CPU-bound).
    const layered: CreativeImage[] = [];
    for (const [i, img] of drawn.entries()) {
      layered.push(await this.creative.apply(img.png, request, delivered, Number((p.seed + BigInt(i)) % 2147483647n)));
    }
    const normalised = layered.map((l) => ({
      png: l.png,
      width: delivered.width,
      height: delivered.height,
      sha256: createHash('sha256').update(l.png).digest('hex'),
    }));
    const durationMs = Math.round(performance.now() - started);
    // One image at a time: the classifier is single-threaded and holds tensors while it runs.
    const verdicts: Array<NsfwVerdict | undefined> = [];
    for (const img of normalised) verdicts.push(await this.nsfw.check(img.png));
    const images: StoredImage[] = await Promise.all(
      normalised.map(async (img, index) => {
        const storageKey = generationImageKey(event.generationId, img.sha256);
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
            width: img.width,
            height: img.height,
            drawnWidth: request.width,
            drawnHeight: request.height,
            fit: layered[index].fit,
            steps: caps.steps.used ? request.steps : null,
            guidance: caps.guidance.used ? request.guidance : null,
            seed: seed === undefined ? null : seed.toString(),
            platform: request.platform,
            creative: request.creative,
            layout: layered[index].record,
            ...(event.brandKit ? { brandKit: { profileId: event.brandKit.profileId, name: event.brandKit.name } } : {}),
            textLayerMs: layered[index].textLayerMs,
            ...(output.images[index].notes ?? {}),
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
          width: delivered.width,
          height: delivered.height,
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

  /**
   * The catalogue item's photo (stored by the gateway), cut out of its studio background once for every image. A
   * photo missing from storage is fatal: the creative would lose its subject, so the saga fails and quota is released.
   */
  private async product(event: EventPayload<'prompt.enhanced'>): Promise<ProductInput | undefined> {
    const item = event.params?.product;
    if (!item?.photoKey) return undefined;
    if (!item.photoKey.startsWith('product-photos/')) {
      throw new FatalError(`product photo key ${item.photoKey} is not a product photo`, 'invalid_product_photo');
    }
    const bytes = await this.storage.get(item.photoKey);
    if (!bytes) throw new FatalError(`product photo ${item.photoKey} not in storage`, 'product_photo_missing');
    const cutout = await cutOutProduct(bytes).catch((err: unknown) => {
      throw new FatalError(`product photo ${item.photoKey} unreadable: ${String(err)}`, 'invalid_product_photo');
    });
    return { itemId: item.itemId, photoKey: item.photoKey, cutout };
  }

  /** The event's brand kit with its logo's bytes; a logo missing from storage is left out (logged), never fatal. */
  private async brandKit(event: EventPayload<'prompt.enhanced'>): Promise<BrandKitInput | undefined> {
    const kit = event.brandKit;
    if (!kit) return undefined;
    const logo = kit.logoKey ? await this.storage.get(kit.logoKey).catch(() => undefined) : undefined;
    if (kit.logoKey && !logo) this.logger.warn(`generation ${event.generationId}: logo ${kit.logoKey} not in storage`);
    return brandKitInput(kit, logo);
  }

  private logAdjustments(generationId: string, backend: string, adjustments: CapabilityAdjustment[]): void {
    this.logger.warn(
      `generation ${generationId}: request clamped to ${backend} capabilities: ` +
        adjustments.map((a) => `${a.field} ${a.from}→${a.to}`).join(', '),
    );
  }
}

/**
 * The size the images are delivered at: the user's own size when they chose one, else the platform's format the
 * enhancer decided (prompt.enhanced's target size), else the request's size (events from older producers).
 */
export function deliveredSize(event: EventPayload<'prompt.enhanced'>): { width: number; height: number } {
  const p = event.params;
  const own = { width: p?.width || 512, height: p?.height || 512 };
  if (p?.explicitSize) return own;
  if (event.targetWidth > 0 && event.targetHeight > 0) return { width: event.targetWidth, height: event.targetHeight };
  return own;
}

/** The brief the gateway resolved; an event without one (older producers) gets the request text's own. */
function creativeOf(p: NonNullable<EventPayload<'prompt.enhanced'>['params']>): CreativeBrief {
  const c = p.creative;
  if (!c) {
    const r = resolveBrief(p.prompt, {});
    return {
      title: r.headline,
      price: r.price,
      discount: r.discount,
      brandPalette: [],
      oldPrice: r.oldPrice,
      promoCode: r.promoCode,
      deadline: r.deadline,
      subline: r.subline,
      cta: r.cta,
      fromRequest: Object.keys(r.sources),
    };
  }
  return {
    title: c.title,
    price: c.price,
    discount: c.discount,
    brandPalette: [...c.brandPalette],
    oldPrice: c.oldPrice,
    promoCode: c.promoCode,
    deadline: c.deadline,
    subline: c.subline,
    cta: c.cta,
    fromRequest: [...c.fromRequest],
  };
}
