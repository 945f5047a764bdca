import sharp from 'sharp';
import { extractPalette, type PaletteColour } from '@atelier/colour-science';
import type { CreativeLayout, LayoutBox } from '@atelier/contracts';
import type { DesignBox, DesignLayout } from './designer-checks';
import { extractTargets } from '../vision/prompt-targets';

const box = (b: LayoutBox | undefined): DesignBox => ({ x: b?.x ?? 0, y: b?.y ?? 0, w: b?.w ?? 0, h: b?.h ?? 0 });

/** images.generated's layout record as the designer checks read it. */
export function designLayout(l: CreativeLayout): DesignLayout {
  return {
    width: l.width,
    height: l.height,
    safe: { top: l.safeTop, right: l.safeRight, bottom: l.safeBottom, left: l.safeLeft },
    texts: l.texts.map((t) => ({
      field: t.field,
      box: box(t.box),
      contrast: t.contrast,
      colour: t.colour,
      background: t.background,
    })),
    subjects: l.subjects.map((s) => ({ name: s.name, box: box(s.box) })),
    ...(l.logo ? { logo: box(l.logo) } : {}),
    colours: [...l.colours],
  };
}

/** The picture's dominant colours (k-means in CIELAB on a 96 px copy). */
export async function pictureColours(png: Buffer): Promise<PaletteColour[]> {
  const { data, info } = await sharp(png)
    .resize(96, 96, { fit: 'inside' })
    .removeAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  return extractPalette(data, info.channels, 6);
}

/**
 * The subject illustrations the creative engine placed in an image, from its layout record (known exactly: prompt-match
 * evidence that counts as seen). Illustration names that name a COCO class ("coffee-cup" → cup) become that class,
 * so the detector's verdict on the class is replaced; other names count as one more seen subject. A picture from a
 * model has only "focal_area" (no known subject): undefined.
 */
export function placedSubjects(layout: CreativeLayout | undefined): string[] | undefined {
  const names = (layout?.subjects ?? []).map((s) => s.name).filter((n) => n && n !== 'focal_area');
  if (names.length === 0) return undefined;
  const out = new Set<string>();
  for (const name of names) {
    const classes = extractTargets([name.replace(/[-_]+/gu, ' ')]).objects;
    for (const c of classes.length ? classes : [name]) out.add(c);
  }
  return [...out];
}
