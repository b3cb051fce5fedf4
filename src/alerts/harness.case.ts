import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Kysely } from 'kysely';
import { KyselyCatalogueStore } from '../catalogue/adapters/kysely-store.js';
import type { StandardRecord } from '../catalogue/model.js';
import type { Database } from '../db/schema.js';
import { kyselyOf, migrate, openSqlite } from '../db/sqlite.js';
import { FakeClock } from '../kernel/clock.js';
import type { Mailer, MailMessage } from '../mail/ports.js';
import { Fts5Indexer, createSqliteSearch } from '../search/adapters/fts5.js';
import { testRecord } from '../testing/records.js';
import { KyselyAlertStore } from './adapters/kysely-store.js';
import { AlertService, webhookPayload } from './service.js';
import type { MailMode } from './model.js';
import type { WebhookConfig } from '../webhooks/deliver.js';

/** A mailer that keeps what it was asked to send (the alerts tests read it). */
export class MemoryMailer implements Mailer {
  sent: MailMessage[] = [];
  async send(msg: MailMessage): Promise<void> {
    this.sent.push(msg);
  }
}

export const BASE = 'https://stdhub.example';

/**
 * The alerts domain on a temporary SQLite file with the real catalogue store and FTS5 search, a FakeClock and a
 * memory mailer — without the rest of the services, so the domain is tested on its own.
 */
export async function alertsHarness(opts: { mode?: MailMode; webhooks?: Partial<WebhookConfig>; start?: string } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'stdhub-alerts-'));
  const path = join(dir, 'a.sqlite');
  const sqlite = openSqlite(path);
  const db: Kysely<Database> = kyselyOf(sqlite);
  await migrate(db);
  const clock = new FakeClock(new Date(opts.start ?? '2026-11-25T08:00:00Z'));
  const catalogue = new KyselyCatalogueStore(db, clock, [new Fts5Indexer()]);
  const search = await createSqliteSearch({ path, sqlite, workers: 0 });
  const mailer = new MemoryMailer();
  const store = new KyselyAlertStore(db, () => clock.now(), webhookPayload(BASE));
  const service = new AlertService({
    store,
    clock,
    catalogue,
    search,
    mailer,
    baseUrl: BASE,
    defaultMode: opts.mode ?? 'immediate',
    defaultLang: 'en',
    jobEveryMs: 60_000,
    webhooks: { maxAttempts: 6, backoffBaseMs: 30_000, timeoutMs: 2000, allowPrivate: true, ...opts.webhooks },
  });
  return {
    dir,
    db,
    clock,
    catalogue,
    search,
    mailer,
    store,
    service,
    async put(r: StandardRecord) {
      return catalogue.upsert(r, { actor: 'importer:test' });
    },
    /** A person row (accounts domain table) so mail has an address. */
    async person(id: string, email = `${id}@example.org`) {
      const now = clock.now().toISOString();
      await db
        .insertInto('person')
        .values({ id, email, name: id, password_hash: null, email_verified_at: now, is_admin: 0, status: 'active', created_at: now, updated_at: now } as never)
        .execute();
    },
    async close() {
      await search.close?.();
      await db.destroy();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
export type AlertsHarness = Awaited<ReturnType<typeof alertsHarness>>;

/** A principal of a plain signed-in user (what the accounts domain gives a session). */
export function user(id: string) {
  return { kind: 'user' as const, userId: id, name: id, grants: [{ role: 'user' as const }], csrfToken: 'x' };
}

/** A minimal valid record (the fire-door titles the alert queries match); tests override fields. */
export function rec(over: Partial<StandardRecord> & { id: string; number: string }): StandardRecord {
  return testRecord({ titles: [{ lang: 'zh', type: 'main', text: '防火门' }, { lang: 'en', type: 'main', text: 'Fire-resistant doorsets' }], ...over });
}
