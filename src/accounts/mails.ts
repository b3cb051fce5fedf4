/**
 * The accounts' mails. Each is written in both interface languages (Chinese first, then English): the address
 * owner's language is not known before they sign in, and one mail serves both.
 */
import type { MailMessage } from '../mail/ports.js';

export function verificationMail(to: string, name: string, link: string): MailMessage {
  return {
    to,
    subject: '验证您的电子邮箱 / Verify your e-mail address',
    text: [
      `${name}，您好：`,
      '',
      '请打开以下链接验证您的电子邮箱（48 小时内有效）：',
      link,
      '',
      '---',
      `Hello ${name},`,
      '',
      'Open this link to verify your e-mail address (valid for 48 hours):',
      link,
      '',
      '如果您没有注册，请忽略本邮件。 If you did not register, ignore this mail.',
    ].join('\n'),
  };
}

export function resetMail(to: string, name: string, link: string): MailMessage {
  return {
    to,
    subject: '设置新密码 / Set a new password',
    text: [
      `${name}，您好：`,
      '',
      '请打开以下链接设置新密码（1 小时内有效，仅可使用一次）：',
      link,
      '',
      '---',
      `Hello ${name},`,
      '',
      'Open this link to set a new password (valid for 1 hour, usable once):',
      link,
      '',
      '如果您没有请求重置密码，请忽略本邮件。 If you did not ask for this, ignore this mail.',
    ].join('\n'),
  };
}
