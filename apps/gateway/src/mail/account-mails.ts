import type { MailMessage } from './mailer';

export type MailLang = 'ru' | 'en';

const escape = (s: string): string =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);

/** Paragraphs as text and as minimal HTML; a link paragraph becomes an anchor. */
function message(to: string, subject: string, paragraphs: ReadonlyArray<string | { link: string; label: string }>) {
  const text = paragraphs.map((p) => (typeof p === 'string' ? p : `${p.label}: ${p.link}`)).join('\n\n');
  const html = paragraphs
    .map((p) =>
      typeof p === 'string'
        ? `<p>${escape(p)}</p>`
        : `<p><a href="${escape(p.link)}">${escape(p.label)}</a></p><p>${escape(p.link)}</p>`,
    )
    .join('\n');
  return { to, subject, text, html } satisfies MailMessage;
}

export function passwordResetMail(lang: MailLang, to: string, link: string, minutes: number): MailMessage {
  return lang === 'ru'
    ? message(to, 'Ателье: сброс пароля', [
        'Кто-то (надеемся, вы) попросил сбросить пароль от вашего аккаунта в Ателье.',
        { link, label: 'Задать новый пароль' },
        `Ссылка действует ${minutes} мин и только один раз. Если вы не просили сброс, просто не открывайте её: пароль останется прежним.`,
      ])
    : message(to, 'Atelier: reset your password', [
        'Someone (hopefully you) asked to reset the password of your Atelier account.',
        { link, label: 'Set a new password' },
        `The link works once and for ${minutes} minutes. If you did not ask for it, ignore it: your password stays as it is.`,
      ]);
}

export function emailChangeMail(lang: MailLang, to: string, link: string, hours: number): MailMessage {
  return lang === 'ru'
    ? message(to, 'Ателье: подтвердите новый e-mail', [
        `Чтобы входить в Ателье с адресом ${to}, подтвердите его.`,
        { link, label: 'Подтвердить адрес' },
        `Ссылка действует ${hours} ч и только один раз. Если вы ничего не меняли, не открывайте её.`,
      ])
    : message(to, 'Atelier: confirm your new e-mail', [
        `To sign in to Atelier with ${to}, confirm this address.`,
        { link, label: 'Confirm the address' },
        `The link works once and for ${hours} hours. If you changed nothing, ignore it.`,
      ]);
}

export function emailChangedNotice(lang: MailLang, to: string, newEmail: string): MailMessage {
  return lang === 'ru'
    ? message(to, 'Ателье: e-mail аккаунта изменён', [
        `E-mail вашего аккаунта в Ателье изменён на ${newEmail}. Этот адрес больше не подходит для входа.`,
        'Если это были не вы, ответьте на это письмо: мы поможем вернуть доступ.',
      ])
    : message(to, 'Atelier: your account e-mail changed', [
        `The e-mail of your Atelier account is now ${newEmail}. This address no longer signs you in.`,
        'If this was not you, reply to this mail and we will help you get your account back.',
      ]);
}
