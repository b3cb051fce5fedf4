import { describe, expect, it } from 'vitest';
import { FakeClock } from '../kernel/clock.js';
import { signIn } from '../testing/auth.js';
import { testServices } from '../testing/services.js';
import { buildServer } from '../web/server.js';

describe('accounts.purge job', () => {
  it('is scheduled and removes sessions once they have expired, keeping live ones', async () => {
    const clock = new FakeClock(new Date('2026-11-25T08:00:00Z'));
    const s = await testServices({}, clock);
    const app = await buildServer(s);
    try {
      expect(s.jobs.names()).toContain('accounts.purge');
      const old = await signIn(app, s, { grants: [{ role: 'user' }], email: 'old@example.org' });
      const sessions = () => s.db.selectFrom('session').select('person_id').execute();
      expect((await sessions()).map((r) => r.person_id)).toEqual([old.userId]);
      // Past the absolute lifetime of the first session; a second person signs in now.
      clock.set(new Date(clock.now().getTime() + (s.config.SESSION_MAX_DAYS + 1) * 86_400_000));
      const fresh = await signIn(app, s, { grants: [{ role: 'user' }], email: 'fresh@example.org' });
      await s.jobs.runNow('accounts.purge');
      expect((await sessions()).map((r) => r.person_id)).toEqual([fresh.userId]);
      const me = await app.inject({ method: 'GET', url: '/api/v1/me', headers: fresh.headers() });
      expect(me.statusCode).toBe(200);
    } finally {
      await app.close();
      await s.close();
    }
  });
});
