import { briefWithoutBanned, brandKitInput, withoutBanned } from './brand-kit';

describe('banned words leave the text layer', () => {
  it('removes whole words in any case and tidies what is left', () => {
    expect(withoutBanned('Дешёвый кофе, круассаны!', ['дешёвый'])).toBe('Кофе, круассаны!');
    expect(withoutBanned('очень дешёвый кофе', ['дешёвый'])).toBe('очень кофе');
    expect(withoutBanned('Лучший КОФЕ в городе', ['кофе', 'лучший'])).toBe('В городе');
    // Only whole words: "кофейня" stays when "кофе" is banned.
    expect(withoutBanned('Кофейня у дома', ['кофе'])).toBe('Кофейня у дома');
    expect(withoutBanned('cheap (sale) now', ['(sale)'])).toBe('cheap now');
  });

  it('cleans every text field of the brief but not price or discount', () => {
    const brief = briefWithoutBanned(
      { title: 'Дешёвые тюльпаны', subline: 'дешёвые и свежие', price: '190 ₽', discount: '−20%', brandPalette: [] },
      ['дешёвые'],
    );
    expect(brief).toMatchObject({ title: 'Тюльпаны', subline: 'и свежие', price: '190 ₽', discount: '−20%' });
  });

  it('reads the kit: headline font first, body font second (else the first)', () => {
    const kit = {
      profileId: 'p',
      name: 'n',
      palette: ['#1E5A32'],
      fonts: ['DejaVu Serif'],
      logoKey: '',
      bannedWords: [],
      toneWords: [],
    } as unknown as Parameters<typeof brandKitInput>[0];
    expect(brandKitInput(kit, undefined)).toEqual({
      palette: ['#1E5A32'],
      fonts: { headline: 'DejaVu Serif', body: 'DejaVu Serif' },
      bannedWords: [],
    });
    expect(brandKitInput(undefined, undefined)).toBeUndefined();
  });
});
