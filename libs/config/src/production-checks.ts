// What production refuses to start with, beyond the schema: development keys, weak or reused secrets, cookies
// without Secure, a database login without a password.

/** Least estimated entropy of a signing secret (bits): 128, as for a random 16-byte key. */
export const MIN_SECRET_BITS = 128;

/**
 * An estimate of a secret's entropy: the Shannon entropy of its own symbol frequencies times its length.
 * 32 × "a" is 0 bits; 32 random base64 characters are ~150–190. It over-estimates structured strings (a
 * passphrase of words), so it is a floor against obvious mistakes, not a proof of randomness.
 */
export function estimatedEntropyBits(secret: string): number {
  const all = [...secret];
  // A key that repeats a shorter unit ("0123456789" × 4) holds no more than the unit.
  const symbols = all.slice(0, period(all));
  if (symbols.length === 0) return 0;
  const counts = new Map<string, number>();
  for (const s of symbols) counts.set(s, (counts.get(s) ?? 0) + 1);
  let perSymbol = 0;
  for (const c of counts.values()) {
    const p = c / symbols.length;
    perSymbol -= p * Math.log2(p);
  }
  return perSymbol * symbols.length;
}

/** The length of the shortest unit the sequence repeats (its own length when it repeats none). */
function period(symbols: string[]): number {
  for (let p = 1; p <= symbols.length / 2; p++) {
    if (symbols.every((c, i) => i < p || c === symbols[i - p])) return p;
  }
  return symbols.length;
}

/** Variables whose values are secrets: none may be weak (when a signing key) or equal to another. */
const SIGNING_SECRETS = ['JWT_SECRET', 'INTERNAL_CALLER_SECRET'] as const;
const ALL_SECRETS = [
  ...SIGNING_SECRETS,
  'DATABASE_PASSWORD',
  'SANDBOX_WEBHOOK_SECRET',
  'YOOKASSA_SECRET_KEY',
  'S3_SECRET_ACCESS_KEY',
  'OPENAI_IMAGES_API_KEY',
  'HF_API_TOKEN',
  'ENHANCER_OPENAI_API_KEY',
  'VLM_API_KEY',
  'METRICS_TOKEN',
  'SMTP_PASSWORD',
] as const;

/** The problems of a production environment (empty when it may start). `env` is the parsed, defaulted one. */
export function productionIssues(env: Readonly<Record<string, unknown>>): string[] {
  const issues: string[] = [];
  if (env.COOKIE_SECURE === false) issues.push('COOKIE_SECURE: must be true in production (auth cookies over TLS)');
  if (env.DATABASE_PASSWORD === '') {
    issues.push("DATABASE_PASSWORD: must be set in production (the service's own database role)");
  }
  for (const name of SIGNING_SECRETS) {
    const value = env[name];
    if (typeof value !== 'string') continue;
    const bits = estimatedEntropyBits(value);
    if (bits < MIN_SECRET_BITS) {
      issues.push(
        `${name}: too guessable (~${Math.floor(bits)} bits estimated, ${MIN_SECRET_BITS} needed); use openssl rand -base64 48`,
      );
    }
  }
  // The gateway mails reset links: it needs an SMTP server, reached over TLS, and https links.
  if ('SMTP_HOST' in env) {
    if (env.SMTP_HOST === '')
      issues.push('SMTP_HOST: must be set in production (password reset and e-mail change mail)');
    else if (env.SMTP_SECURE !== true && env.SMTP_REQUIRE_TLS !== true) {
      issues.push('SMTP_SECURE or SMTP_REQUIRE_TLS: must be true in production (mail carries account links)');
    }
    if (typeof env.PUBLIC_BASE_URL === 'string' && !env.PUBLIC_BASE_URL.startsWith('https://')) {
      issues.push('PUBLIC_BASE_URL: must be an https:// origin in production (links in e-mails)');
    }
  }
  const byValue = new Map<string, string[]>();
  for (const name of ALL_SECRETS) {
    const value = env[name];
    if (typeof value === 'string' && value !== '') byValue.set(value, [...(byValue.get(value) ?? []), name]);
  }
  for (const names of byValue.values()) {
    if (names.length > 1) issues.push(`${names.join(', ')}: each secret needs its own value in production`);
  }
  return issues;
}
