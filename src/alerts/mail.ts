/**
 * E-mail delivery of notifications: at once ('immediate': one mail per person per run with what is new), or as a
 * digest ('daily': on any run of a UTC day, everything not yet mailed from before that day; 'weekly': the same per
 * ISO week, starting Monday 00:00 UTC). State is the notification's mailed_at, so the job is idempotent and catches
 * up after downtime. Every mail carries List-Unsubscribe and List-Unsubscribe-Post (RFC 8058 one-click).
 */
import type { Mailer } from '../mail/ports.js';
import { isUiLang, t, type UiLang } from '../web/i18n/index.js';
import { describe, summaryPath, summaryTitle } from './describe.js';
import type { MailMode, Notification } from './model.js';
import type { AlertStore } from './ports.js';
import { deriveToken } from './tokens.js';

export interface MailDeps {
  store: AlertStore;
  mailer: Mailer | null;
  /** Absolute base URL for links in mails (PUBLIC_URL). */
  baseUrl: string;
  defaultMode: MailMode;
  defaultLang: UiLang;
}

/** Start of the UTC day of a time. */
export function startOfDay(now: Date): Date {
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
}

/** Start (Monday 00:00 UTC) of the ISO week of a time. */
export function startOfWeek(now: Date): Date {
  const d = startOfDay(now);
  const dow = (d.getUTCDay() + 6) % 7; // Monday = 0
  return new Date(d.getTime() - dow * 86_400_000);
}

/** The notifications a mode sends at `now`, among those not yet mailed (the cut-off per mode). */
export function cutoffFor(mode: MailMode, now: Date): Date | null {
  switch (mode) {
    case 'immediate':
      return new Date(now.getTime() + 1);
    case 'daily':
      return startOfDay(now);
    case 'weekly':
      return startOfWeek(now);
    case 'off':
      return null;
  }
}

/** The one-click unsubscribe URL of a person (see tokens.ts). */
export async function unsubscribeUrl(store: AlertStore, baseUrl: string, personId: string, defaultMode: MailMode): Promise<string> {
  const pref = await store.mailPref(personId, defaultMode);
  const token = deriveToken(await store.secret(), 'unsubscribe', personId, pref.unsubscribeGeneration);
  return `${baseUrl}/unsubscribe/${token}`;
}

function render(lang: UiLang, mode: MailMode, items: Notification[], baseUrl: string, unsub: string): { subject: string; text: string } {
  const subject =
    mode === 'immediate'
      ? items.length === 1
        ? describe(lang, items[0].summary)
        : t(lang, 'alerts.mail.subjectMany', { count: items.length })
      : t(lang, mode === 'daily' ? 'alerts.mail.subjectDaily' : 'alerts.mail.subjectWeekly', { count: items.length });
  const lines = items.map((n) => {
    const title = summaryTitle(lang, n.summary);
    return `• ${describe(lang, n.summary)}${title ? ` — ${title}` : ''}\n  ${baseUrl}${summaryPath(n.summary)}`;
  });
  const text = [
    t(lang, 'alerts.mail.intro'),
    '',
    ...lines,
    '',
    `${t(lang, 'alerts.mail.all')}: ${baseUrl}/notifications`,
    `${t(lang, 'alerts.mail.settings')}: ${baseUrl}/account/alerts`,
    `${t(lang, 'alerts.mail.unsubscribe')}: ${unsub}`,
  ].join('\n');
  return { subject: subject.slice(0, 200), text };
}

/**
 * Sends what is due at `now`: per person, by their mode. People with mode 'off' (or without a verified address)
 * have their notifications marked handled, so a later switch to a digest does not flood them with old news.
 */
export async function runMail(deps: MailDeps, now: Date): Promise<{ mails: number; notifications: number }> {
  const at = now.toISOString();
  const pending = await deps.store.unmailed(new Date(now.getTime() + 1).toISOString(), 10_000);
  const byPerson = new Map<string, Notification[]>();
  for (const n of pending) byPerson.set(n.personId, [...(byPerson.get(n.personId) ?? []), n]);
  let mails = 0;
  let count = 0;
  for (const [personId, list] of byPerson) {
    const pref = await deps.store.mailPref(personId, deps.defaultMode);
    const contact = deps.mailer ? await deps.store.contactOf(personId) : null;
    if (pref.mode === 'off' || !contact) {
      // No mail wanted (or no address to send to): nothing to wait for.
      if (pref.mode === 'off' || deps.mailer) await deps.store.markMailed(list.map((n) => n.id), at);
      continue;
    }
    const cutoff = cutoffFor(pref.mode, now)!.toISOString();
    const due = list.filter((n) => n.createdAt < cutoff);
    if (!due.length) continue;
    const lang: UiLang = isUiLang(pref.lang) ? pref.lang : deps.defaultLang;
    const unsub = await unsubscribeUrl(deps.store, deps.baseUrl, personId, deps.defaultMode);
    const { subject, text } = render(lang, pref.mode, due, deps.baseUrl, unsub);
    try {
      await deps.mailer!.send({
        to: contact.email,
        subject,
        text,
        headers: { 'List-Unsubscribe': `<${unsub}>`, 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' },
      });
    } catch {
      continue; // left unmailed: the next run tries again; one bad address does not stop the others
    }
    await deps.store.markMailed(due.map((n) => n.id), at);
    mails++;
    count += due.length;
  }
  return { mails, notifications: count };
}
