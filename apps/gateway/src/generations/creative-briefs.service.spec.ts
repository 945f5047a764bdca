import { ApiError } from '@atelier/service-kit';
import type { BrandKits } from '../brand-profiles/brand-kits.service';
import type { CreateGenerationDto } from './create-generation.dto';
import { CreativeBriefs, fontChoice } from './creative-briefs.service';

// Real fonts (Roboto and DejaVu from scripts/setup/ensure-system.sh test) and the real layout.
const USER = '00000000-0000-4000-8000-00000000000a';
const dto = (title: string, brandProfileId?: string): CreateGenerationDto =>
  ({ prompt: 'кофейня', platform: 'instagram_story', creative: { title }, brandProfileId }) as CreateGenerationDto;

/** Wide Cyrillic words, exactly n characters, not ending in a space. */
const text = (n: number): string => 'Широкий шрифт '.repeat(n).slice(0, n).replace(/ $/u, 'Ш');

/** How many characters of the headline fit, from the 422 a far too long one gets. */
function fits(briefs: CreativeBriefs, fonts?: Parameters<CreativeBriefs['resolve']>[2]): number {
  try {
    briefs.resolve(dto(text(2000)), undefined, fonts);
  } catch (err) {
    expect(err).toBeInstanceOf(ApiError);
    const body = (err as ApiError).getResponse() as { error: { details: { problems: Array<{ fits: number }> } } };
    return body.error.details.problems[0].fits;
  }
  throw new Error('2000 characters fitted');
}

const kits = (fonts: string[]): BrandKits =>
  ({
    list: async () => ({
      profiles: [{ id: 'b1', isDefault: true, fonts }],
      limit: 10,
    }),
  }) as unknown as BrandKits;

describe('CreativeBriefs fit check with the brand font', () => {
  it('measures with the chosen font: a wider font refuses text Roboto takes, naming how many characters fit', async () => {
    const plain = new CreativeBriefs();
    const roboto = fits(plain);
    const wide = fits(plain, fontChoice(['DejaVu Sans']));
    expect(wide).toBeLessThan(roboto);
    const title = text(wide + 1);
    expect(() => plain.resolve(dto(title))).not.toThrow();

    // Through the brand profile, the default one and one named: the same text is a 422 in the wide font.
    const briefs = new CreativeBriefs(kits(['DejaVu Sans']));
    for (const profile of [undefined, 'b1']) {
      const err: unknown = await briefs.resolveFor(USER, dto(title, profile)).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(ApiError);
      expect((err as ApiError).getStatus()).toBe(422);
      const body = (err as ApiError).getResponse() as {
        error: { code: string; details: { problems: Array<{ fits: number }> } };
      };
      expect(body.error.code).toBe('text_does_not_fit');
      expect(body.error.details.problems[0].fits).toBe(wide);
    }
    // 'none' uses no profile: the default fonts take it.
    await expect(briefs.resolveFor(USER, dto(title, 'none'))).resolves.toMatchObject({ title });
  });

  it('reads fonts as the generator does: headline first, body second or the headline', () => {
    expect(fontChoice(['DejaVu Serif'])).toEqual({ headline: 'DejaVu Serif', body: 'DejaVu Serif' });
    expect(fontChoice(['dejavu sans', 'Roboto'])).toEqual({ headline: 'DejaVu Sans', body: 'Roboto' });
    expect(fontChoice([])).toBeUndefined();
  });
});
