import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openServices } from '../app/container.js';
import { ensureDemoAccounts } from '../accounts/demo.js';
import { can } from '../accounts/policy.js';
import { loadConfig } from '../kernel/config.js';
import { principalFor, signIn } from '../testing/auth.js';
import { captureCliIo } from '../testing/cli.js';
import { testServices } from '../testing/services.js';
import { buildServer } from '../web/server.js';
import { runCli } from './program.js';

const dir = mkdtempSync(join(tmpdir(), 'stdhub-user-cli-'));
const db = join(dir, 'cli.sqlite');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('stdhub user create / grant', () => {
  it('creates an admin with the password from stdin and grants an editor role, recorded as actor cli', async () => {
    const a = captureCliIo('s3cret password\n');
    expect(await runCli(['user', 'create', '--email', 'Root@Example.org', '--name', 'Root', '--password-stdin', '--admin', '--db', db], a.io)).toBe(0);
    expect(a.out()).toMatch(/created root@example\.org .*administrator/);
    const b = captureCliIo();
    expect(await runCli(['user', 'create', '--email', 'ed@example.org', '--name', 'Ed', '--password', 'another password', '--db', db], b.io)).toBe(0);
    expect(await runCli(['user', 'create', '--email', 'ed@example.org', '--name', 'Ed', '--db', db], b.io)).toBe(2);
    expect(await runCli(['user', 'grant', '--email', 'ed@example.org', '--role', 'editor', '--org', 'SAC', '--db', db], b.io)).toBe(0);
    expect(await runCli(['user', 'grant', '--email', 'ed@example.org', '--role', 'boss', '--org', 'SAC', '--db', db], b.io)).toBe(2);
    expect(await runCli(['user', 'grant', '--email', 'nobody@example.org', '--role', 'editor', '--org', 'SAC', '--db', db], b.io)).toBe(2);
    const s = await openServices(loadConfig({}, { STDHUB_DB: db, SEARCH_WORKERS: 0, STDHUB_DEMO: 'off', LOG_LEVEL: 'silent' }));
    try {
      const root = (await s.accounts.store.findPersonByEmail('root@example.org'))!;
      expect(root.isAdmin).toBe(true);
      const ok = await s.accounts.login({ email: 'root@example.org', password: 's3cret password', ip: '127.0.0.1' });
      expect(ok.person.id).toBe(root.id);
      const ed = (await s.accounts.store.findPersonByEmail('ed@example.org'))!;
      const p = await principalFor(s, ed.id);
      expect(can(p, 'standard.edit', { publisher: 'SAC' })).toBe(true);
      expect(can(p, 'standard.edit', { publisher: 'ISO' })).toBe(false);
      const actors = await s.db.selectFrom('event').select(['verb', 'actor']).where('verb', 'in', ['person.created', 'membership.granted']).execute();
      expect(actors.every((e) => e.actor === 'cli')).toBe(true);
    } finally {
      await s.close();
    }
  });
});

describe('demo accounts', () => {
  it('creates admin@example.org and editor@example.org (editor of STDHUB and SAC) once, with the configured password', async () => {
    const services = await testServices({ STDHUB_DEMO_PASSWORD: 'demo password 1' });
    try {
      expect(await ensureDemoAccounts(services)).toEqual(['admin@example.org', 'editor@example.org']);
      expect(await ensureDemoAccounts(services)).toEqual([]);
      const app = await buildServer(services);
      const editor = await signIn(app, services, { existing: true, email: 'editor@example.org', password: 'demo password 1' });
      const p = await principalFor(services, editor.userId);
      expect(can(p, 'standard.edit', { publisher: 'STDHUB' })).toBe(true);
      expect(can(p, 'standard.edit', { publisher: 'SAC' })).toBe(true);
      expect(can(p, 'account.manage')).toBe(false);
      const admin = await signIn(app, services, { existing: true, email: 'admin@example.org', password: 'demo password 1' });
      expect(can(await principalFor(services, admin.userId), 'account.manage')).toBe(true);
      await app.close();
    } finally {
      await services.close();
    }
  });
});
