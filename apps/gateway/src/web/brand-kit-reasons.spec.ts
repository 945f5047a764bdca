import { translator } from './i18n';
import { judgeReasons } from './why';

describe("the judge's designer reasons on the results page", () => {
  it('reads in Russian and English, strengths first', () => {
    const metrics = {
      reason_textLegible: 1,
      reason_logoCovered: -1,
      reason_brandColours: 1,
      reason_textInSafeZone: 1,
      design_adjust: -0.02,
    };
    expect(judgeReasons(metrics, translator('ru'))).toBe(
      'текст читается, цвета в стиле бренда, текст в безопасной зоне, логотип перекрыт',
    );
    expect(judgeReasons({ reason_logoClear: 1, reason_textOverSubject: -1 }, translator('en'))).toBe(
      'the logo is not covered, text covers the subject',
    );
  });
});
