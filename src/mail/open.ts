import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.js';
import type { Clock } from '../kernel/clock.js';
import type { Config } from '../kernel/config.js';
import { AppError } from '../kernel/errors.js';
import { OutboxMailer } from './outbox.js';
import type { Mailer } from './ports.js';
import { SmtpMailer } from './smtp.js';

/** The mail services: the configured mailer, and the outbox (always readable, empty when mail goes by SMTP). */
export interface MailServices {
  mailer: Mailer;
  outbox: OutboxMailer;
}

/** Chooses the mail adapter from config (MAIL_TRANSPORT); smtp without SMTP_URL is a configuration error. */
export function openMail(config: Config, db: Kysely<Database>, clock: Clock): MailServices {
  const outbox = new OutboxMailer(db, clock);
  if (config.MAIL_TRANSPORT === 'smtp') {
    if (!config.SMTP_URL) throw new AppError('invalid_config', 'MAIL_TRANSPORT=smtp needs SMTP_URL', { problems: ['SMTP_URL: required when MAIL_TRANSPORT=smtp'] });
    return { mailer: new SmtpMailer(config.SMTP_URL, config.MAIL_FROM), outbox };
  }
  return { mailer: outbox, outbox };
}
