import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openServices, type Services } from '../app/container.js';
import { FakeClock, type Clock } from '../kernel/clock.js';
import { loadConfig, type Config } from '../kernel/config.js';

/** Fresh services on a temporary SQLite file (deleted by close()). Search runs on the main thread by default. */
export async function testServices(overrides: Partial<Config> = {}, clock: Clock = new FakeClock(new Date('2026-11-25T00:00:00Z'))): Promise<Services & { dir: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'stdhub-test-'));
  const config = loadConfig({}, { STDHUB_DB: join(dir, 'test.sqlite'), SEARCH_WORKERS: 0, STDHUB_DEMO: 'off', LOG_LEVEL: 'silent', ...overrides });
  const s = await openServices(config, { clock });
  const close = s.close;
  return Object.assign(s, {
    dir,
    async close() {
      await close();
      rmSync(dir, { recursive: true, force: true });
    },
  });
}
