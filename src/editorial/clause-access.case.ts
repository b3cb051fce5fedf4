/**
 * Clause search never returns clauses of a restricted text to callers without text.read_restricted, nor of a
 * not-disclosed text to anyone (src/search/clause/access.ts) — on every clause search adapter.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Services } from '../app/container.js';
import { clauseAccessOf } from '../reader/disclosure.js';
import { ANONYMOUS } from '../accounts/principal.js';
import { EDITOR_SAC, EDITOR_STDHUB, seedCodes, STS_EN, stdhubInput } from './fixtures.case.js';

export function clauseAccessContract(name: string, make: () => Promise<Services & { close(): Promise<void> }>): void {
  describe(`clause search hides non-public texts (${name})`, () => {
    let s: Services & { close(): Promise<void> };
    beforeAll(async () => {
      s = await make();
      await seedCodes(s);
      const ed = { principal: EDITOR_STDHUB };
      const d = await s.editorial.createDraft(ed, stdhubInput());
      const st = await s.editorial.stageText(ed, d.id, d.version, { bytes: STS_EN });
      const r = await s.editorial.setDraftDisclosure(ed, st.id, st.version, { mode: 'restricted', reason: {} });
      await s.editorial.publish(ed, r.id, r.version);
    });
    afterAll(async () => {
      await s.close();
    });
    const ids = async (access: ReturnType<typeof clauseAccessOf>) =>
      (await s.clauses.search({ q: 'metadata', filters: {}, page: 1, pageSize: 10, access })).groups.map((g) => g.standard.id);

    it('returns restricted clauses only to those allowed', async () => {
      expect(await ids(clauseAccessOf(ANONYMOUS))).toEqual([]);
      expect(await ids(clauseAccessOf(EDITOR_SAC))).toEqual([]);
      expect(await ids(clauseAccessOf(EDITOR_STDHUB))).toEqual(['T-STDHUB-1-2025']);
      const r = await s.clauses.search({ q: 'metadata', filters: {}, page: 1, pageSize: 10 });
      expect([r.total, r.clauses, r.groups.length]).toEqual([0, 0, 0]);
    });

    it('returns not-disclosed clauses to nobody, and everything once disclosed', async () => {
      await s.editorial.setDisclosure({ principal: EDITOR_STDHUB }, 'T-STDHUB-1-2025', { mode: 'not-disclosed', reason: { en: 'copyright' } });
      expect(await ids(clauseAccessOf(EDITOR_STDHUB))).toEqual([]);
      await s.editorial.setDisclosure({ principal: EDITOR_STDHUB }, 'T-STDHUB-1-2025', { mode: 'read-download', reason: {} });
      expect(await ids(clauseAccessOf(ANONYMOUS))).toEqual(['T-STDHUB-1-2025']);
    });
  });
}
