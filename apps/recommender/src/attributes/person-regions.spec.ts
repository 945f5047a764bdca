import { AttributeSchema } from './attribute-schema';
import type { DecodedPhoto } from './attribute-extractor';
import { FACE_REGIONS_SOURCE, hairAndClothing, SEGMENTATION_SOURCE } from './human-attribute.extractor';
import { personRegions, type PersonMask } from './person-regions';

const schema = new AttributeSchema();

const WALL: [number, number, number] = [220, 190, 130]; // the schema's own blonde: a warm beige wall
const HAIR: [number, number, number] = [25, 20, 20];
const SKIN: [number, number, number] = [224, 172, 140];
const SHIRT: [number, number, number] = [200, 30, 30];
const W = 120;
const H = 160;
/** Face box (normalised x, y, w, h) as BlazeFace would report it: 48×48 px from (36, 48). */
const FACE: [number, number, number, number] = [0.3, 0.3, 0.4, 0.3];

/**
 * A slim person in front of a beige wall: an elliptic head (top at y = 40) with a short black crew cut on its top
 * 12 px, skin below, a skin neck and a narrow red shirt. The fixed boxes above and below the face mostly see wall.
 */
function scene(options: { bald?: boolean } = {}): { photo: DecodedPhoto; mask: PersonMask } {
  const rgb = new Uint8Array(W * H * 3);
  const alpha = new Uint8Array(W * H);
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      const head = ((x + 0.5 - 60) / 22) ** 2 + ((y + 0.5 - 70) / 30) ** 2 <= 1;
      const neck = x >= 52 && x < 68 && y >= 96 && y < 114; // reaches into the torso box (from y = 110)
      const shirt = x >= 45 && x < 75 && y >= 114;
      let colour = WALL;
      if (head) colour = y < 52 && !options.bald ? HAIR : SKIN;
      else if (neck) colour = SKIN;
      else if (shirt) colour = SHIRT;
      rgb.set(colour, (y * W + x) * 3);
      alpha[y * W + x] = head || neck || shirt ? 255 : 0;
    }
  }
  return { photo: { rgb, width: W, height: H, jpeg: Buffer.alloc(0) }, mask: { width: W, height: H, alpha } };
}

const valueOf = (attrs: Array<{ name: string; value: string }>, name: string) =>
  attrs.find((a) => a.name === name)?.value;

describe('hair and clothing colour from a person mask', () => {
  it('excludes the background: the fixed box reads the wall as blonde hair, the mask reads the black hair', () => {
    const { photo, mask } = scene();
    const fixed = hairAndClothing(schema, photo, FACE);
    expect(valueOf(fixed, 'hair_colour')).toBe('blonde');
    expect(valueOf(fixed, 'clothing_colour')).not.toBe('red');
    expect(fixed.every((a) => a.source === FACE_REGIONS_SOURCE)).toBe(true);

    const segmented = hairAndClothing(schema, photo, FACE, mask);
    expect(valueOf(segmented, 'hair_colour')).toBe('black');
    expect(valueOf(segmented, 'clothing_colour')).toBe('red');
    expect(segmented.every((a) => a.source === SEGMENTATION_SOURCE)).toBe(true);
  });

  it('keeps only person pixels and drops the skin measured on the face', () => {
    const { photo, mask } = scene();
    const regions = personRegions(photo, mask, FACE);
    expect(regions).toBeDefined();
    expect(regions?.faceCoverage).toBe(1);
    const colours = (px: Uint8Array | undefined) => {
      const seen = new Set<string>();
      for (let i = 0; px && i < px.length; i += 3) seen.add(`${px[i]},${px[i + 1]},${px[i + 2]}`);
      return seen;
    };
    // Hair band: only the crew cut (no wall, no forehead or ears); torso: only the shirt (no wall, no neck).
    expect([...colours(regions?.hair)]).toEqual([HAIR.join(',')]);
    expect([...colours(regions?.clothing)]).toEqual([SHIRT.join(',')]);
    expect((regions?.hair.length ?? 0) / 3).toBeGreaterThan(69); // the 3%-of-face minimum
  });

  it('gives no hair colour for a bald head instead of naming the wall or the scalp', () => {
    const { photo, mask } = scene({ bald: true });
    expect(valueOf(hairAndClothing(schema, photo, FACE), 'hair_colour')).toBe('blonde');
    const segmented = hairAndClothing(schema, photo, FACE, mask);
    expect(valueOf(segmented, 'hair_colour')).toBeUndefined();
    expect(valueOf(segmented, 'clothing_colour')).toBe('red');
  });

  it('falls back to the fixed boxes when the mask found no person at the face or does not fit the photo', () => {
    const { photo, mask } = scene();
    const empty: PersonMask = { ...mask, alpha: new Uint8Array(W * H) };
    const elsewhere: PersonMask = { ...mask, alpha: mask.alpha.map((a, i) => (i % W < 20 ? 255 : 0)) };
    const wrongSize: PersonMask = { width: W / 2, height: H / 2, alpha: new Uint8Array((W * H) / 4).fill(255) };
    for (const m of [empty, elsewhere, wrongSize]) {
      expect(personRegions(photo, m, FACE)).toBeUndefined();
      const attrs = hairAndClothing(schema, photo, FACE, m);
      expect(valueOf(attrs, 'hair_colour')).toBe('blonde');
      expect(attrs.every((a) => a.source === FACE_REGIONS_SOURCE)).toBe(true);
    }
  });
});
