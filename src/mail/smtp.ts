import nodemailer, { type Transporter } from 'nodemailer';
import type { MailMessage, Mailer } from './ports.js';

/** The SMTP adapter (MAIL_TRANSPORT=smtp): nodemailer with the server from SMTP_URL. */
export class SmtpMailer implements Mailer {
  private readonly transport: Transporter;
  constructor(
    smtpUrl: string,
    private readonly from: string,
  ) {
    this.transport = nodemailer.createTransport(smtpUrl);
  }

  async send(msg: MailMessage): Promise<void> {
    await this.transport.sendMail({ from: this.from, to: msg.to, subject: msg.subject, text: msg.text, html: msg.html, headers: msg.headers });
  }
}
