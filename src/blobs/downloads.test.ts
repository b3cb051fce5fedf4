import { createHash } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_DIR, loadDemoTexts } from '../demo/load.js';
import { runImport } from '../importers/runner.js';
import { FakeClock } from '../kernel/clock.js';
import { testServices } from '../testing/services.js';
import { buildServer } from '../web/server.js';
import { join } from 'node:path';
import { pruneDownloads, sourceKey } from './downloads.js';

type Svc = Awaited<ReturnType<typeof testServices>>;
let services: Svc;
let app: FastifyInstance;
let id: string;
const clock = new FakeClock(new Date('2026-03-04T05:06:07Z'));

beforeAll(async () => {
  services = await testServices({}, clock);
  await runImport(services, 'relaton', join(DEMO_DIR, 'stdhub'));
  await loadDemoTexts(services);
  id = (await services.catalogue.resolve('T/STDHUB 1-2025'))!.id;
  app = await buildServer(services);
});
afterAll(async () => {
  await app?.close();
  await services?.close();
});

async function keys(prefix: string): Promise<string[]> {
  const out: string[] = [];
  for await (const i of services.blobs.list(prefix)) out.push(i.key);
  return out;
}

describe('downloads through the blob store', () => {
  it('copies a source into the blob store on the first download and streams it from there afterwards', async () => {
    const src = await services.content.source(id, 'zh');
    const sha = createHash('sha256').update(src!.bytes).digest('hex');
    expect(await services.blobs.head(sourceKey(sha))).toBeNull();
    const first = await app.inject({ method: 'GET', url: `/std/${encodeURIComponent(id)}/source?text=zh` });
    expect(first.statusCode).toBe(200);
    expect(first.rawPayload.equals(src!.bytes)).toBe(true);
    expect(first.headers['content-length']).toBe(String(src!.bytes.length));
    const stored = await services.blobs.head(sourceKey(sha));
    expect(stored?.sha256).toBe(sha);
    // Now served from the store: change the stored copy's bytes behind its back to prove where they come from.
    await services.blobs.put(sourceKey(sha), Buffer.from('from the blob store'), { contentType: stored!.contentType });
    const second = await app.inject({ method: 'GET', url: `/std/${encodeURIComponent(id)}/source?text=zh` });
    expect(second.body).toBe('from the blob store');
    expect(second.headers['content-type']).toMatch(/xml/);
    await services.blobs.delete(sourceKey(sha));
  });

  it('generates a PDF once per text version and day into the store, and prunes older days', async () => {
    const url = `/std/${encodeURIComponent(id)}/download.pdf?text=en`;
    const a = await app.inject({ method: 'GET', url, headers: { 'accept-language': 'en' } });
    expect(a.statusCode, a.body.slice(0, 500)).toBe(200);
    expect(a.rawPayload.subarray(0, 5).toString()).toBe('%PDF-');
    const stored = await keys('downloads/');
    expect(stored).toHaveLength(1);
    expect(stored[0]).toMatch(/^downloads\/2026-03-04\/[0-9a-f]{64}\.pdf$/);
    const b = await app.inject({ method: 'GET', url, headers: { 'accept-language': 'en' } });
    expect(b.rawPayload.equals(a.rawPayload)).toBe(true);
    expect(await keys('downloads/')).toHaveLength(1);
    // Another interface language has other labels: another file.
    await app.inject({ method: 'GET', url, headers: { 'accept-language': 'zh-CN' } });
    expect(await keys('downloads/')).toHaveLength(2);
    clock.set(new Date('2026-03-05T00:00:01Z'));
    await app.inject({ method: 'GET', url, headers: { 'accept-language': 'en' } });
    expect(await keys('downloads/2026-03-05/')).toHaveLength(1);
    expect(await pruneDownloads(services.blobs, '2026-03-05')).toBe(2);
    expect(await keys('downloads/')).toHaveLength(1);
  });
});
