import { translator } from './i18n';
import { explainScore } from './why';

describe('explainScore', () => {
  it('names the two strongest and the weakest known metric, in the chosen language', () => {
    const metrics = { sharpness_n: 0.9, contrast_n: 0.75, colourfulness_n: 0.2, exposure_n: 0.5, sharpness: 123 };
    expect(explainScore(metrics, translator('en'))).toBe(
      'strong: sharpness 0.90, contrast 0.75; weaker: colourfulness 0.20',
    );
    expect(explainScore(metrics, translator('ru'))).toBe(
      'сильные стороны: резкость 0.90, контраст 0.75; слабее: насыщенность цвета 0.20',
    );
  });

  it('says so when the judge left no known metrics', () => {
    expect(explainScore({ unknown: 0.5, sharpness_n: Number.NaN }, translator('en'))).toBe('no judge data');
  });
});
