/** An e-mail to send. Text is required (plain-text clients); html is optional. */
export interface MailMessage {
  to: string;
  subject: string;
  text: string;
  html?: string;
  /** Extra headers, e.g. List-Unsubscribe and List-Unsubscribe-Post (RFC 8058) for alerts. */
  headers?: Record<string, string>;
}

/**
 * The mail port. Adapters: SMTP (nodemailer, MAIL_TRANSPORT=smtp + SMTP_URL) and the development outbox
 * (MAIL_TRANSPORT=outbox, the default): messages are stored in a table, readable by administrators in the UI
 * and by tests.
 */
export interface Mailer {
  send(msg: MailMessage): Promise<void>;
}
