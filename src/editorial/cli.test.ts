import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openServices } from '../app/container.js';
import { runCli } from '../cli/program.js';
import { loadConfig } from '../kernel/config.js';
import { captureCliIo } from '../testing/cli.js';
import { EDITOR_STDHUB, seedCodes, stdhubInput } from './fixtures.case.js';

const dir = mkdtempSync(join(tmpdir(), 'stdhub-ed-cli-'));
const db = join(dir, 'cli.sqlite');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function withServices<T>(f: (s: Awaited<ReturnType<typeof openServices>>) => Promise<T>): Promise<T> {
  const s = await openServices(loadConfig({}, { STDHUB_DB: db, SEARCH_WORKERS: 0, STDHUB_DEMO: 'off', LOG_LEVEL: 'silent' }));
  try {
    return await f(s);
  } finally {
    await s.close();
  }
}

describe('stdhub disclose goes through the editorial disclosure use case', () => {
  it('sets restricted as actor cli, validates like the web form, and records the event', async () => {
    await withServices(async (s) => {
      await seedCodes(s);
      const d = await s.editorial.createDraft({ principal: EDITOR_STDHUB }, stdhubInput());
      await s.editorial.publish({ principal: EDITOR_STDHUB }, d.id, d.version);
    });
    const { io, out, err } = captureCliIo();
    expect(await runCli(['disclose', 'T/STDHUB 1-2025', '--mode', 'restricted', '--db', db], io)).toBe(0);
    expect(out()).toContain('T-STDHUB-1-2025: restricted');
    expect(await runCli(['disclose', 'T/STDHUB 1-2025', '--mode', 'not-disclosed', '--db', db], io)).not.toBe(0);
    expect(err()).toMatch(/invalid fields: reason \(reason_required\)/);
    await withServices(async (s) => {
      const ev = await s.db.selectFrom('event').selectAll().where('verb', '=', 'disclosure.set').execute();
      expect(ev.map((e) => [e.actor, e.object_id, JSON.parse(e.after!).mode])).toEqual([['cli', 'T-STDHUB-1-2025', 'restricted']]);
    });
  });
});
