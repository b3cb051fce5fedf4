/**
 * Fixtures shared by the bulletin tests (unit, HTTP and crash): SAC standards to announce, abolish and replace,
 * and editor principals. Test-only: *.case.ts files are left out of the production build.
 */
import type { Principal } from '../accounts/principal.js';
import type { StandardRecord } from '../catalogue/model.js';
import { testRecord } from '../testing/records.js';

/** A minimal SAC record for a GB number ('GB/T 10001-2010' → id 'GB-T-10001-2010'). */
export function gbRecord(number: string, over: Partial<StandardRecord> = {}): StandardRecord {
  return testRecord({
    id: number.replace(/[/ ]+/g, '-').replace(/-+/g, '-'),
    number,
    nature: 'recommended',
    titles: [{ lang: 'zh', type: 'main', text: `标准 ${number}` }, { lang: 'en', type: 'main', text: `Standard ${number}` }],
    year: Number(number.slice(-4)),
    ...over,
  });
}

/** Numbers of the bulk scenario: `abolish` old standards, `revise` families with an old and a new edition. */
export function bulkScenario(abolish = 500, revise = 20) {
  const abolished = Array.from({ length: abolish }, (_, i) => `GB/T ${10001 + i}-2010`);
  const oldEditions = Array.from({ length: revise }, (_, i) => `GB/T ${30001 + i}-2012`);
  const newEditions = Array.from({ length: revise }, (_, i) => `GB/T ${30001 + i}-2025`);
  const records = [...abolished, ...oldEditions].map((n) => gbRecord(n)).concat(newEditions.map((n) => gbRecord(n, { status: 'not-issued' })));
  return { abolished, oldEditions, newEditions, records };
}

/** An editor of one publisher. */
export function editor(publisher = 'SAC', userId = 'ed1'): Principal {
  return { kind: 'user', userId, name: 'Editor', grants: [{ role: 'editor', scope: { kind: 'publisher', id: publisher } }] };
}
