import type { Kysely } from 'kysely';
import type { CatalogueStore } from '../catalogue/ports.js';
import type { Database } from '../db/schema.js';
import type { Clock } from '../kernel/clock.js';
import { KyselyCitationSource } from './adapters/kysely-citations.js';
import { KyselyBulletinStore } from './adapters/kysely-store.js';
import { BulletinService, type LifecycleRecorder } from './service.js';

/** Wires the bulletins domain on the shared Kysely database (composition root helper for src/app/container.ts). */
export function openBulletins(deps: { db: Kysely<Database>; clock: Clock; catalogue: CatalogueStore; lifecycle: LifecycleRecorder }): BulletinService {
  return new BulletinService(new KyselyBulletinStore(deps.db), deps.catalogue, deps.lifecycle, deps.clock, new KyselyCitationSource(deps.db, deps.catalogue));
}

export { BulletinService } from './service.js';
