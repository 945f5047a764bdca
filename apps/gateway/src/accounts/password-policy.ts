export const PASSWORD_MIN_LENGTH = 10;
export const PASSWORD_MAX_LENGTH = 128;

export type PasswordProblemCode =
  | 'password_too_short'
  | 'password_too_long'
  | 'password_too_common'
  | 'password_contains_email'
  | 'password_repetitive';

export interface PasswordProblem {
  code: PasswordProblemCode;
  message: string;
}

// The most common leaked passwords of 10+ characters (the rule above already excludes shorter ones).
const COMMON = new Set([
  '1234567890',
  '0123456789',
  '12345678910',
  '1q2w3e4r5t',
  '1qaz2wsx3edc',
  'qwertyuiop',
  'qwerty1234',
  'qwerty12345',
  'qwerty123456',
  'password12',
  'password123',
  'password1234',
  'iloveyou12',
  'abcdefghij',
  'abc1234567',
  'asdfghjkl1',
  'zxcvbnm123',
  'q1w2e3r4t5',
  'passw0rd123',
  'йцукенгшщз',
  'пароль1234',
  'пароль12345',
  'administrator',
  'letmein1234',
  'welcome123',
  'changeme123',
  '11111111111',
  '9876543210',
]);

/**
 * Length-based rules as NIST SP 800-63B recommends (no composition rules): 10–128 characters,
 * not a well-known password, not one repeated character, not containing the e-mail's mailbox name.
 */
export function checkPassword(password: string, email: string): PasswordProblem[] {
  const problems: PasswordProblem[] = [];
  const length = [...password].length;
  if (length < PASSWORD_MIN_LENGTH) {
    problems.push({
      code: 'password_too_short',
      message: `password must be at least ${PASSWORD_MIN_LENGTH} characters long`,
    });
  }
  if (length > PASSWORD_MAX_LENGTH) {
    problems.push({
      code: 'password_too_long',
      message: `password must be at most ${PASSWORD_MAX_LENGTH} characters long`,
    });
  }
  const lower = password.toLowerCase();
  if (COMMON.has(lower)) {
    problems.push({ code: 'password_too_common', message: 'password is one of the most common passwords' });
  }
  if (length > 0 && new Set(lower).size === 1) {
    problems.push({ code: 'password_repetitive', message: 'password must not be one repeated character' });
  }
  const mailbox = email.split('@')[0] ?? '';
  if (mailbox.length >= 4 && lower.includes(mailbox)) {
    problems.push({ code: 'password_contains_email', message: 'password must not contain your e-mail name' });
  }
  return problems;
}
