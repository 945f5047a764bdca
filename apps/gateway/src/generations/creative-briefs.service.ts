import { HttpStatus, Injectable, Optional } from '@nestjs/common';
import {
  TextDoesNotFit,
  brandFont,
  chooseFormat,
  layoutCreative,
  resolveBrief,
  type BriefField,
  type FontChoice,
} from '@atelier/creative';
import { ApiError } from '@atelier/service-kit';
import { BrandKits } from '../brand-profiles/brand-kits.service';
import type { CreateGenerationDto } from './create-generation.dto';

/** The brief as it travels in GenerationParams.creative (title is the headline). */
export interface ResolvedCreative {
  title: string;
  subline: string;
  price: string;
  oldPrice: string;
  discount: string;
  promoCode: string;
  deadline: string;
  cta: string;
  brandPalette: string[];
  fromRequest: string[];
}

/**
 * Resolves what a generation's images will say: the user's fields win over what the request text says. User text
 * that cannot fit the format even at the minimum size is a 422 naming how many characters fit; text read from the
 * request is cut to fit later instead (the user did not type it as such).
 */
@Injectable()
export class CreativeBriefs {
  constructor(@Optional() private readonly kits?: BrandKits) {}

  /**
   * resolve() measured with the fonts the images will be set in: the brand profile's (the one named, else the
   * user's default one, none for 'none'), as the generator's text layer picks them. The profile is only looked up
   * when the user typed text (only that can be refused); when the enhancer does not answer, the check falls back to
   * the default fonts and the generator cuts what does not fit.
   */
  async resolveFor(userId: string, dto: CreateGenerationDto): Promise<ResolvedCreative> {
    const c = dto.creative;
    const typed =
      c && [c.title, c.subline, c.price, c.oldPrice, c.discount, c.promoCode, c.deadline, c.cta].some(Boolean);
    if (!typed || !this.kits || dto.brandProfileId === 'none') return this.resolve(dto);
    const wanted = dto.brandProfileId?.toLowerCase();
    const profiles = await this.kits.list(userId, 2000).then(
      (r) => r.profiles,
      () => [],
    );
    const profile = profiles.find((p) => (wanted ? p.id.toLowerCase() === wanted : p.isDefault));
    return this.resolve(dto, fontChoice(profile?.fonts ?? []));
  }

  resolve(dto: CreateGenerationDto, fonts?: FontChoice): ResolvedCreative {
    const c = dto.creative;
    const brief = resolveBrief(dto.prompt, {
      headline: c?.title,
      subline: c?.subline,
      price: c?.price,
      oldPrice: c?.oldPrice,
      discount: c?.discount,
      promoCode: c?.promoCode,
      deadline: c?.deadline,
      cta: c?.cta,
    });
    const explicit =
      dto.width !== undefined && dto.height !== undefined ? { width: dto.width, height: dto.height } : undefined;
    const format = chooseFormat(dto.platform ?? 'generic', dto.prompt, explicit);
    try {
      layoutCreative(format.width, format.height, format.safe, brief, fonts ? { fonts } : {});
    } catch (err) {
      if (!(err instanceof TextDoesNotFit)) throw err;
      const own = err.problems.filter((p) => brief.sources[p.field] === 'user');
      if (own.length > 0) {
        throw new ApiError(
          HttpStatus.UNPROCESSABLE_ENTITY,
          'text_does_not_fit',
          own
            .map(
              (p) =>
                `${fieldName(p.field)}: ${p.length} characters, at most ${p.fits} fit at ${format.width}x${format.height}`,
            )
            .join('; '),
          { format: { width: format.width, height: format.height, preset: format.preset.id }, problems: own },
        );
      }
    }
    return {
      title: brief.headline,
      subline: brief.subline,
      price: brief.price,
      oldPrice: brief.oldPrice,
      discount: brief.discount,
      promoCode: brief.promoCode,
      deadline: brief.deadline,
      cta: brief.cta,
      brandPalette: (c?.brandPalette ?? []).map((h) => h.toLowerCase()),
      fromRequest: (Object.keys(brief.sources) as BriefField[])
        .filter((f) => brief.sources[f] === 'request')
        .map(apiName),
    };
  }
}

/** A profile's fonts by role, as the generator reads them: headline first, body second (else the headline's). */
export function fontChoice(fonts: readonly string[]): FontChoice | undefined {
  const [headline, body] = fonts.map((f) => brandFont(f));
  if (!headline && !body) return undefined;
  return { headline: headline ?? undefined, body: body ?? headline ?? undefined };
}

/** Brief fields by their API names (the headline is `title`). */
const apiName = (f: BriefField): string => (f === 'headline' ? 'title' : f);
const fieldName = (f: BriefField): string => `creative.${apiName(f)}`;
