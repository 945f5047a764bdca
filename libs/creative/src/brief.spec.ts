import { parseBrief, resolveBrief } from './brief';

describe('parseBrief', () => {
  it.each([
    ['Кофейня, скидка 20% на всё', { discount: '−20%' }],
    ['распродажа -70% на кроссовки', { discount: '−70%' }],
    ['скидки до 50% только до воскресенья', { discount: '−50%', deadline: 'Только до воскресенья' }],
    ['30% скидка на второй товар', { discount: '−30%' }],
    ['акция 1+1 на пиццу', { discount: '1+1' }],
    ['латте 190 ₽', { price: '190 ₽' }],
    ['букеты от 990 р', { price: 'от 990 ₽' }],
    ['кроссовки 4 990 руб вместо 7 490 руб', { price: '4 990 ₽', oldPrice: '7 490 ₽' }],
    ['было 2490 ₽, стало 1490 ₽', { price: '1 490 ₽', oldPrice: '2 490 ₽' }],
    ['термокружка 1490 → 990 ₽', { price: '990 ₽', oldPrice: '1 490 ₽' }],
    ['промокод LETO20 даёт скидку', { promoCode: 'LETO20' }],
    ['по коду spring15 минус 15%', { promoCode: 'SPRING15', discount: '−15%' }],
    ['вводи WINTER2025 при заказе', { promoCode: 'WINTER2025' }],
    ['акция действует до 15 марта', { deadline: 'Акция действует до 15 марта' }],
    ['успей до 31.12', { deadline: 'Успей до 31.12' }],
    ['только сегодня бесплатная доставка', { deadline: 'Только сегодня' }],
    ['мастер-класс 15 июня в 19:00', { deadline: '15 июня в 19:00' }],
    ['пост с надписью «Открылись на Тверской»', { headline: 'Открылись на Тверской' }],
  ])('%s', (text, expected) => {
    expect(parseBrief(text)).toMatchObject(expected);
  });

  it('leaves out what the request does not say', () => {
    expect(parseBrief('тюльпаны к 8 марта')).toMatchObject({ price: '', oldPrice: '', discount: '', promoCode: '' });
    expect(parseBrief('баннер 1080x1080 для кофейни')).toMatchObject({ promoCode: '', price: '' });
  });

  it('makes a headline of the request without the frame words and the parsed pieces', () => {
    expect(parseBrief('Кофейня, круассаны, скидка 20%').headline).toBe('Кофейня, круассаны');
    expect(parseBrief('сделай пост для инстаграм: новая коллекция платьев').headline).toBe('Новая коллекция платьев');
  });
});

describe('parseBrief: more ways SMM requests write prices, discounts, codes and deadlines', () => {
  it.each([
    ['скидка 25% на велосипеды до конца мая', { discount: '−25%', deadline: 'До конца мая' }],
    ['зимние шины до конца ноября', { deadline: 'До конца ноября' }],
    ['промокод DRESS10 на 10%', { promoCode: 'DRESS10', discount: '−10%' }],
    ['по промокоду ВЕСНА20 всё дешевле', { promoCode: 'ВЕСНА20' }],
    ['промокод «ЛЕТО» на первый заказ', { promoCode: 'ЛЕТО' }],
    ['скидка 20 процентов на стрижку', { discount: '−20%' }],
    ['минус 15 процентов на всё', { discount: '−15%' }],
    ['скидос 30% на худи', { discount: '−30%' }],
    ['sale 40% на всё', { discount: '−40%' }],
    ['было 1290, стало 890 ₽', { price: '890 ₽', oldPrice: '1 290 ₽' }],
    ['старая цена 2990, новая 1990 руб', { price: '1 990 ₽', oldPrice: '2 990 ₽' }],
    ['капучино всего за 150', { price: '150 ₽' }],
    ['цена: 4 490', { price: '4 490 ₽' }],
    ['розы 990р.', { price: '990 ₽' }],
    ['набор за 1 290 руб.', { price: '1 290 ₽' }],
    ['акция до 15.06', { deadline: 'Акция до 15.06' }],
    ['предложение действует с 1 по 10 марта', { deadline: 'С 1 по 10 марта' }],
    ['успейте до конца акции', { deadline: 'Успейте до конца акции' }],
    ['только 3 дня скидка 40%', { discount: '−40%', deadline: 'Только 3 дня' }],
    ['всё по 199 рублей', { price: '199 ₽' }],
    ['выставка кошек 20-21 апреля, вход 300 р', { deadline: '20-21 апреля', price: '300 ₽' }],
  ])('%s', (text, expected) => {
    expect(parseBrief(text)).toMatchObject(expected);
  });

  it('does not read a salary, a volume or a count as the price', () => {
    expect(parseBrief('вакансия бариста, зарплата от 60 000 р').price).toBe('');
    expect(parseBrief('термокружка 450 мл за 890 ₽').price).toBe('890 ₽');
    expect(parseBrief('курьеры, оплата 3000 руб в день').price).toBe('');
    // "доставка" holds "ставк" (a pay word) inside: only whole words count.
    expect(parseBrief('доставка воды 19 л — 250 ₽').price).toBe('250 ₽');
  });
});

describe('resolveBrief', () => {
  it("lets the user's fields win and records where each field came from", () => {
    const r = resolveBrief('скидка 20%, промокод LETO20, 190 ₽', { discount: '−25%', headline: 'Осенний латте' });
    expect(r).toMatchObject({ discount: '−25%', headline: 'Осенний латте', promoCode: 'LETO20', price: '190 ₽' });
    expect(r.sources).toEqual({ discount: 'user', headline: 'user', promoCode: 'request', price: 'request' });
    expect(r.cta).not.toBe('');
  });
});
