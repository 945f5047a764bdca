import type { AddressInfo } from 'node:net';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';

export interface SunkMail {
  from: string;
  to: string[];
  subject: string;
  text: string;
  html: string;
}

/**
 * A real SMTP server on a random local port that keeps every message it is given (smtp-server + mailparser):
 * the gateway's nodemailer adapter talks SMTP to it exactly as to a provider, and tests read what arrived.
 */
export class SmtpSink {
  readonly mails: SunkMail[] = [];
  private readonly server = new SMTPServer({
    authOptional: true,
    // Plain SMTP on loopback: no certificate to make, and nodemailer then does not try STARTTLS.
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData: (stream, session, done) => {
      simpleParser(stream)
        .then((parsed) => {
          this.mails.push({
            from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
            to: session.envelope.rcptTo.map((r) => r.address.toLowerCase()),
            subject: parsed.subject ?? '',
            text: parsed.text ?? '',
            html: typeof parsed.html === 'string' ? parsed.html : '',
          });
          done();
        })
        .catch((err: Error) => done(err));
    },
  });
  port = 0;

  async start(): Promise<this> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(0, '127.0.0.1', () => resolve());
    });
    this.port = (this.server.server.address() as AddressInfo).port;
    return this;
  }

  /** The gateway's SMTP_* settings for this sink. */
  get env(): Record<string, string> {
    return { SMTP_HOST: '127.0.0.1', SMTP_PORT: String(this.port), SMTP_SECURE: 'false' };
  }

  to(address: string): SunkMail[] {
    return this.mails.filter((m) => m.to.includes(address.toLowerCase()));
  }

  /** The first mail to `address` (after `skip` earlier ones) once it has arrived. */
  async waitFor(address: string, skip = 0, timeoutMs = 15000): Promise<SunkMail> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.to(address)[skip];
      if (found) return found;
      if (Date.now() > deadline) throw new Error(`no mail #${skip + 1} to ${address} within ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  /** The first link in a mail's text that starts with the given origin + path. */
  static link(mail: SunkMail, prefix: string): string {
    const match = mail.text.match(/https?:\/\/\S+/g)?.find((u) => u.startsWith(prefix));
    if (!match) throw new Error(`no ${prefix} link in mail "${mail.subject}"`);
    return match;
  }

  stop(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
