import sharp from 'sharp';
import type { BriefText } from './brief';
import { safeZoneFor } from './formats';
import type { FontChoice } from './fonts';
import { prepareIllustrations } from './illustrations';
import { TextDoesNotFit, layoutCreative, type Box, type Layout } from './layout';
import { renderTextLayer, type LayoutRecord } from './render';
import { paletteFromText, sceneKindFor, sceneSvg, type SceneRecord } from './scene';

export interface CreativeSpec {
  width: number;
  height: number;
  platform: string;
  /** The request as the user wrote it: subject words, colour words. */
  request: string;
  brief: BriefText;
  brandPalette: readonly string[];
  seed: number;
  /** A brand kit's fonts and logo; its palette is brandPalette. */
  brand?: { fonts?: FontChoice; logo?: Buffer };
}

export interface CreativeRecord extends LayoutRecord {
  /** Fields cut to fit the delivered format (the gateway refuses user text that cannot fit; parsed text is cut). */
  truncated: string[];
  scene?: SceneRecord;
  /**
   * Where the subject is: the embedded default's illustrations, or for a model's picture its focal area (the middle
   * of the space the text left it), which no text may cover.
   */
  subjects: Array<{ name: string; box: Box }>;
}

/**
 * Lays the brief out; a field that cannot fit even at the minimum size is cut to what fits, with an ellipsis, and
 * the cut is recorded. (User text was already checked at the gateway against the format it asked for.)
 */
export function layoutLenient(spec: Pick<CreativeSpec, 'width' | 'height' | 'platform' | 'brief' | 'brand'>): {
  layout: Layout;
  truncated: string[];
} {
  const safe = safeZoneFor(spec.platform, spec.width, spec.height);
  const brief: BriefText = { ...spec.brief };
  const truncated: string[] = [];
  const kit = { fonts: spec.brand?.fonts, logo: spec.brand?.logo !== undefined };
  for (let attempt = 0; attempt < 4; attempt++) {
    try {
      return { layout: layoutCreative(spec.width, spec.height, safe, brief, kit), truncated };
    } catch (err) {
      if (!(err instanceof TextDoesNotFit)) throw err;
      for (const p of err.problems) {
        const field = p.field === 'promoCode' ? 'promoCode' : p.field;
        const chars = [...brief[field]];
        // "Промокод " is added by the layout: its length counts against what fits.
        const room = Math.max(0, p.fits - (field === 'promoCode' ? 9 : 0) - 1);
        brief[field] = room >= 3 ? `${chars.slice(0, room).join('').trimEnd()}…` : '';
        truncated.push(field);
      }
    }
  }
  const empty = Object.fromEntries(Object.keys(brief).map((k) => [k, ''])) as unknown as BriefText;
  return { layout: layoutCreative(spec.width, spec.height, safe, empty, kit), truncated: Object.keys(brief) };
}

/** The embedded default picture: subject illustrations composed for the request, as RGB pixels. */
export async function drawDefaultPicture(
  spec: CreativeSpec,
  layout: Layout,
): Promise<{ data: Buffer; scene: SceneRecord }> {
  await prepareIllustrations();
  const palette = paletteFromText(spec.request, spec.brandPalette);
  const { svg, record } = sceneSvg({
    width: spec.width,
    height: spec.height,
    art: layout.art,
    text: spec.request,
    kind: sceneKindFor(spec.request, spec.platform, spec.brief, 0),
    palette,
    seed: spec.seed,
  });
  const data = await sharp(Buffer.from(svg), { limitInputPixels: false })
    .resize(spec.width, spec.height, { fit: 'fill' })
    .flatten({ background: '#ffffff' })
    .removeAlpha()
    .raw()
    .toBuffer();
  return { data, scene: record };
}

/**
 * The text layer on a picture of the spec's size (RGB pixels), or on the embedded default's picture when none is
 * given. Returns the PNG and the record of what was set where, in which colours and at which measured contrast.
 */
export async function composeCreative(
  spec: CreativeSpec,
  picture?: Buffer,
): Promise<{ png: Buffer; record: CreativeRecord; layers: { shapes: string; text: string } }> {
  const { layout, truncated } = layoutLenient(spec);
  let data = picture;
  let scene: SceneRecord | undefined;
  if (!data) ({ data, scene } = await drawDefaultPicture(spec, layout));
  const palette = paletteFromText(spec.request, spec.brandPalette);
  const { png, record, layers } = await renderTextLayer({ data, width: spec.width, height: spec.height }, layout, {
    palette,
    brand: spec.brand !== undefined && spec.brandPalette.length > 0,
    logo: spec.brand?.logo,
  });
  const subjects = scene
    ? scene.illustrations.map((i) => ({ name: i.name, box: i.box }))
    : [{ name: 'focal_area', box: focalArea(layout.art) }];
  return { png, layers, record: { ...record, truncated, subjects, ...(scene ? { scene } : {}) } };
}

/** The middle half (each way) of the subject's space: where a model's picture puts what it was asked for. */
export function focalArea(art: Box): Box {
  return { x: art.x + art.w / 4, y: art.y + art.h / 4, w: art.w / 2, h: art.h / 2 };
}
