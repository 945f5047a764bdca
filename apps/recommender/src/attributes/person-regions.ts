import { ciede2000, rgbToLab, type Lab } from '@atelier/colour-science';
import type { DecodedPhoto } from './attribute-extractor';

/** A person-segmentation mask at the photo's resolution: per pixel, the model's person probability × 255. */
export interface PersonMask {
  width: number;
  height: number;
  alpha: Uint8Array;
}

/** Pixels (RGB triples) of the hair and the clothing of the person whose face box was given. */
export interface PersonRegions {
  hair: Uint8Array;
  clothing: Uint8Array;
  /** Median skin colour measured on the face (undefined when the face had too few person pixels to sample). */
  skin?: Lab;
  /** Share of the face's central area that the mask calls person. */
  faceCoverage: number;
}

/** Probability ≥ 0.5: the person side of the mask. */
const PERSON_ALPHA = 128;
/** Below this share of person pixels on the face itself, the mask did not find this person. */
const MIN_FACE_COVERAGE = 0.5;
/**
 * CIEDE2000 radius around the face's median skin colour inside which a pixel counts as skin (forehead, ears, neck,
 * arms). On the CelebA fixture half of the cheek/nose pixels lie within ΔE00 4–12 of their median (eyes, lips and
 * shadow make the rest) and blonde hair clusters sit 10–18 away, so 9 drops most skin and little fair hair.
 */
const SKIN_DELTA_E = 9;

type Box = [number, number, number, number];

/** Pixel rectangle [x0, y0, x1, y1) of a normalised box, clipped to the photo. */
function pixelRect(photo: DecodedPhoto, box: Box): [number, number, number, number] {
  return [
    Math.max(0, Math.floor(box[0] * photo.width)),
    Math.max(0, Math.floor(box[1] * photo.height)),
    Math.min(photo.width, Math.ceil((box[0] + box[2]) * photo.width)),
    Math.min(photo.height, Math.ceil((box[1] + box[3]) * photo.height)),
  ];
}

function labAt(photo: DecodedPhoto, i: number): Lab {
  return rgbToLab(photo.rgb[i * 3], photo.rgb[i * 3 + 1], photo.rgb[i * 3 + 2]);
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[s.length >> 1];
};

/**
 * Skin test per pixel, answered once per 15-bit RGB bin (its centre colour; ≤ 4 levels per channel off, well inside
 * the ΔE00 radius): CIEDE2000 on every pixel of a torso cost more than the segmentation model itself.
 */
function skinTest(photo: DecodedPhoto, skin: Lab): (i: number) => boolean {
  const known = new Uint8Array(1 << 15); // 0 unknown, 1 not skin, 2 skin
  return (i: number) => {
    const r = photo.rgb[i * 3] >> 3;
    const g = photo.rgb[i * 3 + 1] >> 3;
    const b = photo.rgb[i * 3 + 2] >> 3;
    const bin = (r << 10) | (g << 5) | b;
    if (known[bin] === 0) {
      const lab = rgbToLab((r << 3) + 4, (g << 3) + 4, (b << 3) + 4);
      known[bin] = ciede2000(lab, skin) < SKIN_DELTA_E ? 2 : 1;
    }
    return known[bin] === 2;
  };
}

/**
 * Hair and clothing pixels from a person mask instead of fixed rectangles, so the background never counts:
 *
 * - the face box must sit on the person (≥ half of its centre is mask), else undefined (the caller falls back);
 * - skin = the per-channel median CIELAB of the person pixels on the cheeks/nose, and a pixel is skin within
 *   ΔE00 `SKIN_DELTA_E` of it;
 * - hair = person pixels in the band from 0.6 face heights above the box to the middle of the cheeks, 0.3 face
 *   widths either side, outside the face ellipse, minus skin;
 * - clothing = person pixels in the same torso box the fixed-box reading uses (0.3–1.8 face heights below the box,
 *   0.4 face widths either side), minus skin: only which pixels count changes, not where. (A wider, taller box
 *   scored the same on the studio shots of eval:attributes.)
 */
export function personRegions(photo: DecodedPhoto, mask: PersonMask, face: Box): PersonRegions | undefined {
  if (mask.width !== photo.width || mask.height !== photo.height) return undefined;
  const [x, y, w, h] = face;
  if (!(w > 0 && h > 0)) return undefined;
  const W = photo.width;
  const person = (i: number) => mask.alpha[i] >= PERSON_ALPHA;

  // The face's centre: is the person there, and what colour is the skin?
  const [cx0, cy0, cx1, cy1] = pixelRect(photo, [x + 0.25 * w, y + 0.4 * h, 0.5 * w, 0.35 * h]);
  const L: number[] = [];
  const A: number[] = [];
  const B: number[] = [];
  let core = 0;
  for (let py = cy0; py < cy1; py++) {
    for (let px = cx0; px < cx1; px++) {
      const i = py * W + px;
      core++;
      if (!person(i)) continue;
      const [l, a, b] = labAt(photo, i);
      L.push(l);
      A.push(a);
      B.push(b);
    }
  }
  const faceCoverage = core ? L.length / core : 0;
  if (faceCoverage < MIN_FACE_COVERAGE) return undefined;
  const skin: Lab | undefined = L.length >= 8 ? [median(L), median(A), median(B)] : undefined;
  const isSkin = skin ? skinTest(photo, skin) : () => false;

  // Face ellipse (normalised coordinates → pixels): the box centre, a little taller than the box to cover the brow.
  const ex = (x + 0.5 * w) * photo.width;
  const ey = (y + 0.5 * h) * photo.height;
  const rx = 0.42 * w * photo.width;
  const ry = 0.55 * h * photo.height;
  const inFace = (px: number, py: number) => ((px + 0.5 - ex) / rx) ** 2 + ((py + 0.5 - ey) / ry) ** 2 <= 1;

  const collect = (box: Box, keep: (px: number, py: number, i: number) => boolean): Uint8Array => {
    const [x0, y0, x1, y1] = pixelRect(photo, box);
    const out: number[] = [];
    for (let py = y0; py < y1; py++) {
      for (let px = x0; px < x1; px++) {
        const i = py * W + px;
        if (!person(i) || !keep(px, py, i) || isSkin(i)) continue;
        out.push(photo.rgb[i * 3], photo.rgb[i * 3 + 1], photo.rgb[i * 3 + 2]);
      }
    }
    return Uint8Array.from(out);
  };
  const hair = collect([x - 0.3 * w, y - 0.6 * h, 1.6 * w, 1.15 * h], (px, py) => !inFace(px, py));
  const clothing = collect([x - 0.4 * w, y + 1.3 * h, 1.8 * w, 1.5 * h], () => true);
  return { hair, clothing, skin, faceCoverage };
}
