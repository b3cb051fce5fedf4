import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

/** Debian's Chromium (never a downloaded browser); the e2e suites skip themselves by name when it is absent. */
export const CHROMIUM = '/usr/bin/chromium';
export const HAS_CHROMIUM = existsSync(CHROMIUM);
/** Screenshots land here (git-ignored). */
export const RESULTS = fileURLToPath(new URL('../../test-results/', import.meta.url));

export interface BrowserSession {
  base: string;
  context: BrowserContext;
  page: Page;
  /** Page errors and console errors seen so far (tests assert it stays empty). */
  jsErrors: string[];
  close(): Promise<void>;
}

/**
 * Listens on a loopback port and opens headless Chromium with a fresh profile. The flags keep Chromium off the
 * network (this machine has none) and out of the sandbox (we run as root).
 */
export async function openBrowserSession(app: FastifyInstance, opts: { locale?: string; acceptDownloads?: boolean } = {}): Promise<BrowserSession> {
  await app.listen({ host: '127.0.0.1', port: 0 });
  const addr = app.server.address();
  if (!addr || typeof addr === 'string') throw new Error('server did not bind a TCP port');
  const profile = mkdtempSync(join(tmpdir(), 'stdhub-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    locale: opts.locale ?? 'zh-CN',
    acceptDownloads: opts.acceptDownloads ?? false,
    viewport: { width: 1200, height: 900 },
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  const page = context.pages()[0] ?? (await context.newPage());
  const jsErrors: string[] = [];
  page.on('pageerror', (e) => jsErrors.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') jsErrors.push(`console: ${m.text()}`);
  });
  mkdirSync(RESULTS, { recursive: true });
  return {
    base: `http://127.0.0.1:${addr.port}`,
    context,
    page,
    jsErrors,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
