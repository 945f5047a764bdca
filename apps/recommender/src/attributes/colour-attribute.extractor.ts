import type { AttributeSchema } from './attribute-schema';
import type { AttributeExtractor, DecodedPhoto, ExtractionResult } from './attribute-extractor';
import { nameDominantColour, regionPixels, subjectPixels, whiteBorderShare } from './colour-regions';

/** Dominant colour of the product (or of the whole photo), named from measured CIELAB values. */
export class ColourAttributeExtractor implements AttributeExtractor {
  readonly name = 'colour';

  constructor(private readonly schema: AttributeSchema) {}

  extract(photo: DecodedPhoto): Promise<ExtractionResult> {
    // On a white catalogue background the background is removed by a flood fill from the border (white garments
    // survive); elsewhere the central 70% is the subject.
    const onWhite = whiteBorderShare(photo) > 0.6;
    const pixels =
      (onWhite ? (subjectPixels(photo) ?? regionPixels(photo, [0, 0, 1, 1], true)) : undefined) ??
      regionPixels(photo, [0.15, 0.15, 0.7, 0.7]);
    const named = nameDominantColour(this.schema, 'colour', pixels);
    return Promise.resolve({
      attributes: named
        ? [{ name: 'colour', value: named.value, confidence: named.confidence, source: this.name }]
        : [],
    });
  }
}
