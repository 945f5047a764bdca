import { AttributeSchema } from './attribute-schema';
import { ColourAttributeExtractor } from './colour-attribute.extractor';
import { classifyPattern, patternCues, PatternAttributeExtractor } from './pattern-attribute.extractor';
import { ageGroup, faceAttributes } from './human-attribute.extractor';
import type { DecodedPhoto } from './attribute-extractor';
import { mergeAttributes } from './photo-annotator';

const schema = new AttributeSchema();

function photo(width: number, height: number, pixel: (x: number, y: number) => [number, number, number]): DecodedPhoto {
  const rgb = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) rgb.set(pixel(x, y), (y * width + x) * 3);
  return { rgb, width, height, jpeg: Buffer.alloc(0) };
}

/** A garment-like rectangle on white, filled by `fill`. */
const onWhite = (fill: (x: number, y: number) => [number, number, number]) =>
  photo(120, 160, (x, y) => (x >= 20 && x < 100 && y >= 20 && y < 140 ? fill(x, y) : [255, 255, 255]));

describe('attribute schema', () => {
  it('makes colour similarity follow CIEDE2000: light brown is near blonde and far from black', () => {
    const nearBlonde = schema.similarity('hair_colour', 'light brown', 'blonde');
    expect(nearBlonde).toBeGreaterThan(0.3);
    expect(schema.similarity('hair_colour', 'black', 'blonde')).toBeLessThan(0.01);
    expect(schema.similarity('hair_colour', 'black', 'dark brown')).toBeGreaterThan(
      schema.similarity('hair_colour', 'black', 'light brown'),
    );
    expect(schema.similarity('hair_colour', 'blonde', 'blonde')).toBe(1);
  });

  it('makes ordinal similarity fall with rank distance and keeps nominal values apart unless related', () => {
    expect(schema.similarity('age_group', '18-29', '30-44')).toBeGreaterThan(
      schema.similarity('age_group', '18-29', '45-59'),
    );
    expect(schema.similarity('age_group', 'child', '60+')).toBe(0);
    expect(schema.similarity('gender', 'female', 'male')).toBe(0);
    expect(schema.similarity('product_type', 'jeans', 'trousers')).toBeCloseTo(0.7);
    expect(schema.similarity('product_type', 'trousers', 'jeans')).toBeCloseTo(0.7);
    expect(schema.similarity('product_type', 'shirt', 't-shirt')).toBeGreaterThan(
      schema.similarity('product_type', 'shirt', 'shoes'),
    );
    expect(schema.value('product_type', 'kurta')?.label.ru).toBe('курта');
    expect(schema.similarity('colour', 'red', 'not-a-colour')).toBe(0);
  });

  it('names colours from measured CIELAB values', () => {
    expect(schema.nearestColour('colour', [30, 60, 45])?.value).toBe('red');
    expect(schema.nearestColour('hair_colour', [80, 2, 35])?.value).toBe('blonde');
  });
});

describe('built-in extractors', () => {
  it('finds the dominant colour of a product on white and calls a plain one solid', async () => {
    const red = onWhite(() => [200, 30, 35]);
    const colour = await new ColourAttributeExtractor(schema).extract(red);
    expect(colour.attributes).toEqual([expect.objectContaining({ name: 'colour', value: 'red' })]);
    expect(colour.attributes[0].confidence).toBeGreaterThan(0.8);
    const pattern = await new PatternAttributeExtractor().extract(red);
    expect(pattern.attributes[0].value).toBe('solid');
  });

  it('tells stripes from checks from a plain surface by gradient cues', () => {
    const stripes = onWhite((_, y) => (Math.floor(y / 4) % 2 ? [20, 30, 120] : [230, 200, 40]));
    const checks = onWhite((x, y) => ((Math.floor(x / 6) + Math.floor(y / 6)) % 2 ? [20, 30, 120] : [230, 200, 40]));
    expect(classifyPattern(patternCues(stripes)).value).toBe('striped');
    expect(classifyPattern(patternCues(checks)).value).toBe('checked');
  });

  it('maps face detections to age group, gender, expression, hair and clothing colour; no face → none of them', () => {
    // Blonde band above the face box, a navy torso below it.
    const img = photo(200, 300, (x, y) => (y < 60 ? [220, 190, 130] : y > 170 ? [25, 35, 90] : [200, 160, 140]));
    const attrs = faceAttributes(
      schema,
      img,
      [
        {
          score: 0.9,
          boxRaw: [0.3, 0.2, 0.4, 0.3],
          age: 26,
          gender: 'female',
          genderScore: 0.93,
          emotion: [{ emotion: 'happy', score: 0.8 }],
        },
      ],
      [{ label: 'bench', score: 0.7 }],
    );
    const get = (n: string) => attrs.find((a) => a.name === n)?.value;
    expect(get('gender')).toBe('female');
    expect(get('age_group')).toBe('18-29');
    expect(get('expression')).toBe('happy');
    expect(get('hair_colour')).toBe('blonde');
    expect(get('clothing_colour')).toBe('navy blue');
    expect(get('setting')).toBe('outdoor');
    const none = faceAttributes(schema, img, [], []);
    expect(none.map((a) => a.name)).not.toEqual(expect.arrayContaining(['gender']));
    expect(none.some((a) => ['gender', 'age_group', 'expression', 'hair_colour'].includes(a.name))).toBe(false);
    expect(ageGroup(37)).toEqual({ value: '30-44', confidence: expect.any(Number) as number });
  });

  it('merges extractors: the most confident reading per single-valued attribute, every value of multi ones', () => {
    const merged = mergeAttributes(schema, [
      [
        { name: 'colour', value: 'red', confidence: 0.6, source: 'colour' },
        { name: 'objects', value: 'dog', confidence: 0.5, source: 'human' },
      ],
      [
        { name: 'colour', value: 'maroon', confidence: 0.8, source: 'vlm' },
        { name: 'objects', value: 'car', confidence: 0.7, source: 'vlm' },
        { name: 'colour', value: 'plaid', confidence: 1, source: 'vlm' },
      ],
    ]);
    expect(merged.filter((a) => a.name === 'colour')).toEqual([expect.objectContaining({ value: 'maroon' })]);
    expect(
      merged
        .filter((a) => a.name === 'objects')
        .map((a) => a.value)
        .sort(),
    ).toEqual(['car', 'dog']);
  });
});
