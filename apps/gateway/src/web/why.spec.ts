import { translator } from './i18n';
import { explainScore, judgeReasons, verdictText } from './why';

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

describe('the judge verdict in words', () => {
  const metrics = { score_100: 81.6, verdict: 2, reason_sharp: 1, reason_noisy: -1, reason_harmonious: 1, reason_x: 1 };

  it('shows the 0–100 score with its word, in the chosen language', () => {
    expect(verdictText(metrics, translator('ru'))).toBe('82 / 100 · отлично');
    expect(verdictText({ score_100: 30, verdict: 0 }, translator('en'))).toBe('30 / 100 · weak');
  });

  it('says nothing for a judge that gave no verdict', () => {
    expect(verdictText({ sharpness_n: 0.4 }, translator('ru'))).toBeUndefined();
    expect(verdictText({ score_100: 50, verdict: 7 }, translator('ru'))).toBeUndefined();
    expect(judgeReasons({ sharpness_n: 0.4 }, translator('ru'))).toBeUndefined();
  });

  it('lists the reasons in plain words, strengths first, unknown codes left out', () => {
    expect(judgeReasons(metrics, translator('ru'))).toBe('резкое, цвета гармоничные, шумное');
    expect(judgeReasons(metrics, translator('en'))).toBe('sharp, harmonious colours, noisy');
  });
});
