import { normalizeEmail } from './email';
import { checkPassword } from './password-policy';

describe('normalizeEmail', () => {
  it('trims, lower-cases, composes Unicode and converts the domain to ASCII', () => {
    expect(normalizeEmail('  Anna.Smith+Shop@Example.COM ')).toBe('anna.smith+shop@example.com');
    expect(normalizeEmail('info@Кофейня.РФ')).toBe('info@xn--e1aiboc0b6e.xn--p1ai');
  });

  it('refuses what is not an address', () => {
    for (const bad of [
      '',
      'anna',
      '@example.com',
      'anna@',
      'anna@localhost',
      'a b@example.com',
      `${'a'.repeat(250)}@ex.com`,
    ]) {
      expect(normalizeEmail(bad)).toBeUndefined();
    }
  });
});

describe('checkPassword', () => {
  const codes = (p: string, email = 'anna@example.com') => checkPassword(p, email).map((x) => x.code);

  it('accepts a long passphrase', () => {
    expect(codes('кофе с корицей по утрам')).toEqual([]);
  });

  it('names every broken rule', () => {
    expect(codes('short')).toEqual(['password_too_short']);
    expect(codes('x'.repeat(129))).toEqual(['password_too_long', 'password_repetitive']);
    expect(codes('Password123')).toEqual(['password_too_common']);
    expect(codes('anna-secret-2024')).toEqual(['password_contains_email']);
    expect(codes('aaaaaaaaaaaa')).toEqual(['password_repetitive']);
  });

  it('counts characters, not UTF-16 units', () => {
    expect(codes('🙂🙂🙂🙂🙂🙂🙂🙂🙂🙃')).toEqual([]);
  });
});
