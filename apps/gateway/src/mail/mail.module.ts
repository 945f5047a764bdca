import { Module } from '@nestjs/common';
import { SERVICE_CONFIG, type ServiceConfig } from '@atelier/config';
import { Mailer } from './mailer';
import { LoggingMailer, SmtpMailer } from './smtp-mailer';

/** The e-mail port: SMTP when SMTP_HOST is set (always in production), else a development log. */
@Module({
  providers: [
    {
      provide: Mailer,
      inject: [SERVICE_CONFIG],
      useFactory: (config: ServiceConfig<'gateway'>): Mailer =>
        config.env.SMTP_HOST ? new SmtpMailer(config) : new LoggingMailer(),
    },
  ],
  exports: [Mailer],
})
export class MailModule {}
