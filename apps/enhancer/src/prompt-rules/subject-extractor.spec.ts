import { assemblePrompt } from '../backends/prompt-assembly';
import { detectPlatformAndGoal } from './platform-goal-detector';
import { extractSubject } from './subject-extractor';

describe('extractSubject', () => {
  it.each([
    ['пост в инсту про новую коллекцию платьев', 'новую коллекцию платьев'],
    ['нужна картинка для поста в инсту: эклеры с фисташкой', 'эклеры с фисташкой'],
    ['сделайте баннер для кофейни, осень', 'кофейни, осень'],
    ['карточка товара для вб: кожаная сумка, белый фон', 'кожаная сумка, белый фон'],
    ['сторис для вк — открытие пекарни', 'открытие пекарни'],
    ['make an instagram story about our new latte', 'our new latte'],
    // Words that merely start like a format or channel word are the subject.
    ['распродажа постельного белья, пост в вк', 'распродажа постельного белья'],
    ['скидка постоянным клиентам', 'скидка постоянным клиентам'],
    ['ищем инструктора для инструментов', 'ищем инструктора для инструментов'],
    ['пост в инсте: новые поступления', 'новые поступления'],
  ])('%s → %s', (text, subject) => {
    expect(extractSubject(text).subject).toBe(subject);
  });

  it('keeps the request when nothing but the format is left', () => {
    expect(extractSubject('пост в инсту')).toEqual({ subject: 'пост в инсту', removed: [] });
  });
});

describe('modifiers from the subject category and the goal', () => {
  const fragments = [
    { group: 'lighting', phrase: 'warm golden hour sunlight', reason: 'x' },
    { group: 'camera', phrase: 'overhead flat lay view', reason: 'x' },
  ];
  const assemble = (english: string, russian: string) =>
    assemblePrompt(english, {
      cleaned: russian,
      language: 'en',
      detection: detectPlatformAndGoal(russian),
      fragments,
      autoEnhance: true,
    });

  it('shows a workplace for a vacancy, whatever the job', () => {
    const r = assemble('pastry chef job opening', 'вакансия повар-кондитер');
    expect(r.subject).toBe('workplace');
    expect(r.prompt).not.toContain('appetizing food styling');
    expect(r.prompt).not.toContain('overhead flat lay view');
  });

  it('gives a law firm a restrained corporate palette and no golden hour', () => {
    const r = assemble('law firm office', 'юридическая фирма');
    expect(r.subject).toBe('corporate');
    expect(r.prompt).toContain('restrained corporate palette');
    expect(r.prompt).not.toContain('golden hour');
    expect(r.operations.map((o) => o.name)).toContain('skip_fragment');
  });
});
