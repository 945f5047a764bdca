import { domainToASCII } from 'node:url';
import { isEmail } from 'class-validator';

export const MAX_EMAIL_LENGTH = 254;

/**
 * The one form an e-mail is stored and looked up in: trimmed, Unicode NFC, lower case, the domain in ASCII
 * (punycode). Dots and +tags are kept: they may be different mailboxes. Returns undefined when the result is
 * not a plausible address.
 */
export function normalizeEmail(raw: string): string | undefined {
  const trimmed = raw.normalize('NFC').trim().toLowerCase();
  const at = trimmed.lastIndexOf('@');
  if (at <= 0 || at === trimmed.length - 1) return undefined;
  const domain = domainToASCII(trimmed.slice(at + 1));
  if (!domain) return undefined;
  const email = `${trimmed.slice(0, at)}@${domain}`;
  if (email.length > MAX_EMAIL_LENGTH) return undefined;
  return isEmail(email, { allow_utf8_local_part: true, require_tld: true, allow_ip_domain: false }) ? email : undefined;
}
