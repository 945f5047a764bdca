import { Logger } from '@nestjs/common';
import { createTransport, type Transporter } from 'nodemailer';
import type { ServiceConfig } from '@atelier/config';
import { Mailer, type MailMessage } from './mailer';

/** nodemailer over SMTP with the validated SMTP_* settings (TLS is enforced in production by the config). */
export class SmtpMailer extends Mailer {
  private readonly transport: Transporter;
  private readonly from: string;

  constructor(config: ServiceConfig<'gateway'>) {
    super();
    const env = config.env;
    this.from = env.MAIL_FROM;
    this.transport = createTransport({
      host: env.SMTP_HOST,
      port: env.SMTP_PORT,
      secure: env.SMTP_SECURE,
      requireTLS: env.SMTP_REQUIRE_TLS,
      auth: env.SMTP_USER ? { user: env.SMTP_USER, pass: env.SMTP_PASSWORD } : undefined,
      connectionTimeout: env.SMTP_TIMEOUT_MS,
      greetingTimeout: env.SMTP_TIMEOUT_MS,
      socketTimeout: env.SMTP_TIMEOUT_MS,
    });
  }

  async send(message: MailMessage): Promise<void> {
    await this.transport.sendMail({ from: this.from, ...message });
  }

  close(): void {
    this.transport.close();
  }
}

/**
 * Development without SMTP_HOST only (production refuses an empty host): the message is logged so a developer can
 * follow the link. Tests never use it; they run a real SMTP sink.
 */
export class LoggingMailer extends Mailer {
  private readonly logger = new Logger('Mailer');

  send(message: MailMessage): Promise<void> {
    this.logger.warn(`SMTP_HOST is not set; mail to ${message.to} not sent: ${message.subject}\n${message.text}`);
    return Promise.resolve();
  }
}
