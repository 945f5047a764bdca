/** One message to one recipient: plain text always, HTML optional. */
export interface MailMessage {
  to: string;
  subject: string;
  text: string;
  html?: string;
}

/**
 * The gateway's e-mail port. Production sends through SMTP (`SmtpMailer`); tests point the same adapter at a
 * local SMTP sink and read what arrived. A failure rejects: callers decide whether the user may see it.
 */
export abstract class Mailer {
  abstract send(message: MailMessage): Promise<void>;
}
