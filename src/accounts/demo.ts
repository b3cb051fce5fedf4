import type { Services } from '../app/container.js';

/** The demo accounts created with the demo data (documented in README; password STDHUB_DEMO_PASSWORD). */
export const DEMO_ACCOUNTS = [
  { email: 'admin@example.org', name: 'Demo Administrator', admin: true, editorOf: [] as string[] },
  { email: 'editor@example.org', name: 'Demo Editor', admin: false, editorOf: ['STDHUB', 'SAC'] },
] as const;

const DEMO_PUBLISHERS: Record<string, { subkind: string; nameZh: string; nameEn: string }> = {
  STDHUB: { subkind: 'association', nameZh: 'stdhub 演示团体', nameEn: 'stdhub demo association' },
  SAC: { subkind: 'national', nameZh: '国家标准化管理委员会', nameEn: 'Standardization Administration of China' },
};

/**
 * Creates the demo administrator and editor (editor of publishers STDHUB and SAC) when missing, and warns on
 * stderr that they exist: their password is public, so a real site must not keep them. Idempotent.
 */
export async function ensureDemoAccounts(services: Services): Promise<string[]> {
  const store = services.accounts.store;
  const created: string[] = [];
  for (const a of DEMO_ACCOUNTS) {
    let person = await store.findPersonByEmail(a.email);
    if (!person) {
      person = await services.accounts.createPerson({ email: a.email, name: a.name, password: services.config.STDHUB_DEMO_PASSWORD, admin: a.admin }, 'system:demo');
      created.push(a.email);
    }
    for (const code of a.editorOf) {
      if (!(await store.orgByCode('publisher', code))) await store.createOrg({ kind: 'publisher', code, ...DEMO_PUBLISHERS[code] }, { actor: 'system:demo' });
      const has = (await store.membershipsOf(person.id)).some((m) => m.role === 'editor' && m.org.code === code);
      if (!has) await services.accounts.grantRole(person.id, 'editor', code, 'system:demo');
    }
  }
  if (services.config.LOG_LEVEL !== 'silent')
    process.stderr.write(
      `warning: demo accounts exist (${DEMO_ACCOUNTS.map((a) => a.email).join(', ')}) with the password from STDHUB_DEMO_PASSWORD — disable them (/admin/people) before real use.\n`,
    );
  return created;
}
