import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.js';
import type { Clock } from '../kernel/clock.js';
import type { MailMessage, Mailer } from './ports.js';

/** A stored message of the outbox. */
export interface OutboxMail extends MailMessage {
  id: number;
  createdAt: string;
}

/**
 * The development mail adapter (MAIL_TRANSPORT=outbox): messages go to the `mail_outbox` table instead of the
 * network; administrators read them at /dev/outbox and tests read them with list().
 */
export class OutboxMailer implements Mailer {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly clock: Clock,
  ) {}

  async send(msg: MailMessage): Promise<void> {
    await this.db
      .insertInto('mail_outbox')
      .values({
        to: msg.to,
        subject: msg.subject,
        text: msg.text,
        html: msg.html ?? null,
        headers: msg.headers ? JSON.stringify(msg.headers) : null,
        created_at: this.clock.now().toISOString(),
      })
      .execute();
  }

  /** Messages newest first, optionally only those to one address. */
  async list(opts: { to?: string; limit?: number } = {}): Promise<OutboxMail[]> {
    let q = this.db.selectFrom('mail_outbox').selectAll();
    if (opts.to) q = q.where('to', '=', opts.to);
    const rows = await q.orderBy('id', 'desc').limit(opts.limit ?? 100).execute();
    return rows.map((r) => ({
      id: Number(r.id),
      to: r.to,
      subject: r.subject,
      text: r.text,
      html: r.html ?? undefined,
      headers: r.headers ? (JSON.parse(r.headers) as Record<string, string>) : undefined,
      createdAt: r.created_at,
    }));
  }
}
