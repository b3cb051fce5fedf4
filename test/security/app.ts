import type { FastifyInstance } from 'fastify';
import { testServices } from '../../src/testing/services.js';
import { buildServer } from '../../src/web/server.js';
import { signInAs, type Session } from './roles.js';
import { seedStandard } from './support.js';

export interface SecurityApp {
  services: Awaited<ReturnType<typeof testServices>>;
  app: FastifyInstance;
  /** A signed-in administrator (reaches every route). */
  admin: Session;
  /** Closes the app, then the services. */
  close(): Promise<void>;
}

/**
 * The app the route-table security suites attack: test services without rate limits, the seeded standard, a
 * ready server and an administrator session. If a step fails, what was opened is closed again.
 */
export async function securityApp(): Promise<SecurityApp> {
  const services = await testServices({ RATE_LIMIT_ENABLED: 'false' });
  let app: FastifyInstance | undefined;
  try {
    await seedStandard(services);
    app = await buildServer(services);
    await app.ready();
    const admin = await signInAs(app, services, 'admin');
    const ready = app;
    return {
      services,
      app: ready,
      admin,
      async close() {
        await ready.close();
        await services.close();
      },
    };
  } catch (e) {
    await app?.close();
    await services.close();
    throw e;
  }
}
