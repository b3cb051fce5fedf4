import type { FastifyInstance } from 'fastify';
import type { Services } from '../../src/app/container.js';
import { buildServer } from '../../src/web/server.js';
import { openBrowserSession, type BrowserSession } from './browser.js';

/**
 * The app on `services` (buildServer) with a Chromium session on it (openBrowserSession). close() closes the
 * browser, then the app; the services stay the caller's to close.
 */
export async function openAppSession(services: Services, opts: Parameters<typeof openBrowserSession>[1] = {}): Promise<BrowserSession & { app: FastifyInstance }> {
  const app = await buildServer(services);
  let session: BrowserSession;
  try {
    session = await openBrowserSession(app, opts);
  } catch (e) {
    await app.close();
    throw e;
  }
  return {
    ...session,
    app,
    async close() {
      await session.close();
      await app.close();
    },
  };
}
