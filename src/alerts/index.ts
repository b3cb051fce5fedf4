import type { Kysely } from 'kysely';
import type { CatalogueStore } from '../catalogue/ports.js';
import type { Database } from '../db/schema.js';
import { dialectOf } from '../db/dialect.js';
import type { Clock } from '../kernel/clock.js';
import type { Config } from '../kernel/config.js';
import type { Mailer } from '../mail/ports.js';
import type { CatalogueSearch } from '../search/ports.js';
import { KyselyAlertStore } from './adapters/kysely-store.js';
import { AlertService, webhookPayload } from './service.js';

export { AlertService } from './service.js';

/** Wires the alerts domain (composition root helper, so container.ts needs one line). */
export function openAlerts(deps: { db: Kysely<Database>; clock: Clock; config: Config; catalogue: CatalogueStore; search: CatalogueSearch; mailer: Mailer | null; successorsOf?: (stdId: string) => Promise<string[]>; contacts?: (personId: string) => Promise<{ email: string } | null> }): AlertService {
  const baseUrl = (deps.config.PUBLIC_URL ?? `http://${deps.config.HOST}:${deps.config.PORT}`).replace(/\/+$/, '');
  const store = new KyselyAlertStore(deps.db, () => deps.clock.now(), webhookPayload(baseUrl), deps.contacts);
  return new AlertService({
    store,
    clock: deps.clock,
    catalogue: deps.catalogue,
    search: deps.search,
    mailer: deps.mailer,
    baseUrl,
    defaultMode: deps.config.ALERTS_MAIL_DEFAULT,
    defaultLang: deps.config.DEFAULT_LANG,
    jobEveryMs: deps.config.ALERTS_JOB_EVERY_MS,
    webhooks: {
      maxAttempts: deps.config.WEBHOOK_MAX_ATTEMPTS,
      backoffBaseMs: deps.config.WEBHOOK_BACKOFF_BASE_MS,
      timeoutMs: deps.config.WEBHOOK_TIMEOUT_MS,
      allowPrivate: deps.config.WEBHOOK_ALLOW_PRIVATE,
    },
    successorsOf: deps.successorsOf,
    rescan: dialectOf(deps.db) === 'postgres' ? 1000 : 0,
  });
}
