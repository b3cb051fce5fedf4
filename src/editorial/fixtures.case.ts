/** Shared fixtures of the editorial tests (principals, a record input, ICS codes, the demo STS text). */
import { readFileSync } from 'node:fs';
import type { Principal } from '../accounts/principal.js';
import type { Services } from '../app/container.js';
import type { DraftInput } from './validate.js';

const user = (id: string, grants: Principal['grants']): Principal => ({ kind: 'user', userId: id, name: id, grants });
export const EDITOR_STDHUB = user('ed1', [{ role: 'editor', scope: { kind: 'publisher', id: 'STDHUB' } }]);
export const EDITOR_SAC = user('ed2', [{ role: 'editor', scope: { kind: 'publisher', id: 'SAC' } }]);
export const ADMIN = user('adm', [{ role: 'admin' }]);
export const READER = user('rdr', [{ role: 'user' }]);

export const STS_EN = readFileSync(new URL('../../demo/stdhub-text/t-stdhub-1-2025.en.xml', import.meta.url));

export function stdhubInput(over: Partial<DraftInput> = {}): DraftInput {
  return {
    identifier: 'T/STDHUB 1-2025',
    body: 'STDHUB',
    docType: 'standard',
    status: 'current',
    titles: { zh: '标准数字化平台 元数据要求', en: 'Standards digitization platform — Metadata requirements' },
    dates: { issued: '2025-06-30', implemented: '2025-07-01' },
    ics: ['35.240.30'],
    ccs: [],
    relations: [],
    ...over,
  };
}

/** Adds the ICS codes the fixtures use. */
export async function seedCodes(s: Services): Promise<void> {
  for (const [code, parent, level] of [['35', null, 1], ['35.240', '35', 2], ['35.240.30', '35.240', 3]] as const)
    await s.classifications.upsert({ scheme: 'ics', code, parent, level, titleEn: `ICS ${code}`, titleZh: `ICS ${code}`, notes: [], sort: 0 }, { actor: 'test' });
}
