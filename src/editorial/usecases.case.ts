/**
 * The editorial use cases as a contract suite: run on SQLite by service.test.ts and on PostgreSQL by
 * service.pg.test.ts (every store underneath is the dialect's adapter).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Services } from '../app/container.js';
import type { FakeClock } from '../kernel/clock.js';
import { assertTextVisible, getDisclosure, textVisibleTo } from '../reader/disclosure.js';
import { fieldErrorsOf } from './service.js';
import { inputOf } from './validate.js';
import { ADMIN, EDITOR_SAC, EDITOR_STDHUB, READER, seedCodes, STS_EN, stdhubInput } from './fixtures.case.js';

async function events(s: Services, verb: string) {
  return s.db.selectFrom('event').selectAll().where('verb', '=', verb).orderBy('id').execute();
}

export function editorialUseCaseContract(name: string, make: () => Promise<Services & { close(): Promise<void> }>): void {
  describe(`editorial use cases (${name})`, () => {
    let s: Services & { close(): Promise<void> };
    beforeEach(async () => {
      s = await make();
      await seedCodes(s);
    });
    afterEach(async () => {
      await s.close();
    });
    const ed = { principal: EDITOR_STDHUB };

    it('reports every invalid field at once, with codes the form can show', async () => {
      const err = await s.editorial
        .createDraft(ed, stdhubInput({ identifier: 'not a number', docType: 'leaflet', status: 'zzz', titles: {}, dates: { issued: '2025-02-30', implemented: '2025-01-01', bogus: '2025-01-01' }, ics: ['99.999'], relations: [{ type: 'replaces', target: '???' }] }))
        .catch((e) => e);
      const fields = fieldErrorsOf(err);
      expect(fields).toMatchObject({
        identifier: { code: 'unparseable' },
        docType: { code: 'unknown_code' },
        status: { code: 'unknown_code' },
        titles: { code: 'title_required' },
        'dates.issued': { code: 'bad_date' },
        'dates.bogus': { code: 'unknown_code' },
        ics: { code: 'unknown_class', params: { codes: '99.999' } },
        relations: { code: 'unparseable_target' },
      });
    });

    it('checks dates for consistency and titles for length', async () => {
      const fields = fieldErrorsOf(await s.editorial.createDraft(ed, stdhubInput({ dates: { issued: '2025-06-30', implemented: '2025-06-01' }, titles: { en: 'x'.repeat(501) } })).catch((e) => e));
      expect(fields).toMatchObject({ 'dates.implemented': { code: 'before_issued' }, 'titles.en': { code: 'too_long' } });
    });

    it('refuses a draft for a publisher the editor does not hold (403) and hides drafts of other publishers (404)', async () => {
      await expect(s.editorial.createDraft({ principal: EDITOR_SAC }, stdhubInput())).rejects.toMatchObject({ code: 'forbidden' });
      await expect(s.editorial.createDraft({ principal: READER }, stdhubInput())).rejects.toMatchObject({ code: 'forbidden' });
      const d = await s.editorial.createDraft(ed, stdhubInput());
      await expect(s.editorial.getDraft({ principal: EDITOR_SAC }, d.id)).rejects.toMatchObject({ code: 'not_found' });
      await expect(s.editorial.updateDraft({ principal: EDITOR_SAC }, d.id, d.version, stdhubInput())).rejects.toMatchObject({ code: 'not_found' });
      await expect(s.editorial.publish({ principal: EDITOR_SAC }, d.id, d.version)).rejects.toMatchObject({ code: 'not_found' });
      expect(await s.editorial.listDrafts({ principal: EDITOR_SAC })).toEqual([]);
      expect((await s.editorial.listDrafts(ed)).map((x) => x.id)).toEqual([d.id]);
      expect((await s.editorial.listDrafts({ principal: ADMIN })).map((x) => x.id)).toEqual([d.id]);
      // Moving the draft to a publisher the editor does not hold is refused too.
      await expect(s.editorial.updateDraft(ed, d.id, d.version, stdhubInput({ body: 'SAC' }))).rejects.toMatchObject({ code: 'forbidden' });
    });

    it('detects concurrent edits (optimistic concurrency → conflict)', async () => {
      const d = await s.editorial.createDraft(ed, stdhubInput());
      const a = await s.editorial.updateDraft(ed, d.id, d.version, stdhubInput({ committee: 'STDHUB/TC 1' }));
      expect(a.version).toBe(d.version + 1);
      await expect(s.editorial.updateDraft(ed, d.id, d.version, stdhubInput({ committee: 'other' }))).rejects.toMatchObject({ code: 'conflict' });
      expect((await s.editorial.getDraft(ed, d.id)).record.committee).toBe('STDHUB/TC 1');
      expect((await events(s, 'draft.updated')).length).toBe(1);
    });

    it('keeps a draft out of the catalogue until it is published; publishing makes record and text visible', async () => {
      const d = await s.editorial.createDraft(ed, stdhubInput());
      expect(await s.catalogue.get('T-STDHUB-1-2025')).toBeNull();
      expect(await s.catalogue.resolve('T/STDHUB 1-2025')).toBeNull();
      const staged = await s.editorial.stageText(ed, d.id, d.version, { bytes: STS_EN, name: '../../etc/passwd' });
      expect(staged.text?.report.blocked).toBe(false);
      expect(staged.text?.report.stats).toMatchObject({ lang: 'en' });
      expect(staged.text!.report.stats!.clauses).toBeGreaterThan(2);
      expect(staged.text!.report.stats!.terms).toBeGreaterThan(0);
      expect(staged.text?.name).toBe('passwd');
      expect(staged.text?.blob).toMatch(/^editorial\/drafts\/[a-f0-9]{16}\/[a-f0-9]{12}\.xml$/);
      expect(await s.content.count()).toBe(0);
      await s.editorial.publish(ed, staged.id, staged.version);
      const rec = await s.catalogue.get('T-STDHUB-1-2025');
      expect(rec).toMatchObject({ body: 'STDHUB', status: 'current' });
      expect((await s.content.list('T-STDHUB-1-2025')).map((x) => x.lang)).toEqual(['en']);
      const published = await events(s, 'standard.published');
      expect(published).toHaveLength(1);
      expect(published[0]).toMatchObject({ actor: 'user:ed1', object_type: 'standard', object_id: 'T-STDHUB-1-2025' });
      expect((await s.editorial.getDraft(ed, d.id)).state).toBe('published');
      // A published draft cannot be published again.
      const again = await s.editorial.getDraft(ed, d.id);
      await expect(s.editorial.publish(ed, d.id, again.version)).rejects.toMatchObject({ code: 'invalid_transition' });
      expect((await events(s, 'draft.created')).length).toBe(1);
      expect((await events(s, 'text.staged')).length).toBe(1);
    });

    it('refuses to publish a draft whose staged text has an abort diagnostic', async () => {
      const d = await s.editorial.createDraft(ed, stdhubInput());
      const bad = await s.editorial.stageText(ed, d.id, d.version, { bytes: Buffer.from('<standard><front>'), name: 'broken.xml' });
      expect(bad.text?.report.blocked).toBe(true);
      expect(bad.text?.report.diagnostics.some((x) => x.severity === 'abort')).toBe(true);
      await expect(s.editorial.publish(ed, bad.id, bad.version)).rejects.toMatchObject({ code: 'invalid_transition' });
      expect(await s.catalogue.get('T-STDHUB-1-2025')).toBeNull();
    });

    it('refuses a text that belongs to another standard', async () => {
      const d = await s.editorial.createDraft(ed, stdhubInput({ identifier: 'T/STDHUB 2-2025' }));
      const st = await s.editorial.stageText(ed, d.id, d.version, { bytes: STS_EN });
      expect(st.text?.report.diagnostics.find((x) => x.id === 'editorial.text_other_standard')).toMatchObject({ severity: 'abort' });
      expect(st.text?.report.blocked).toBe(true);
    });

    it('opens a revision of a published record without changing it until published', async () => {
      const d = await s.editorial.createDraft(ed, stdhubInput());
      await s.editorial.publish(ed, d.id, d.version);
      const rev = await s.editorial.openRevision(ed, 'T/STDHUB 1-2025');
      expect(rev.kind).toBe('revision');
      expect((await s.editorial.openRevision(ed, 'T-STDHUB-1-2025')).id).toBe(rev.id);
      await expect(s.editorial.openRevision({ principal: EDITOR_SAC }, 'T-STDHUB-1-2025')).rejects.toMatchObject({ code: 'forbidden' });
      // The record id may not change in a revision.
      const moved = fieldErrorsOf(await s.editorial.updateDraft(ed, rev.id, rev.version, stdhubInput({ identifier: 'T/STDHUB 3-2025' })).catch((e) => e));
      expect(moved).toMatchObject({ identifier: { code: 'id_changed' } });
      const u = await s.editorial.updateDraft(ed, rev.id, rev.version, stdhubInput({ titles: { en: 'Revised title' } }));
      expect((await s.catalogue.get('T-STDHUB-1-2025'))?.titles.find((t) => t.lang === 'en')?.text).not.toBe('Revised title');
      await s.editorial.publish(ed, u.id, u.version);
      expect((await s.catalogue.get('T-STDHUB-1-2025'))?.titles.find((t) => t.lang === 'en')?.text).toBe('Revised title');
    });

    it('keeps values an importer accepted leniently when a revision changes other fields', async () => {
      const d = await s.editorial.createDraft(ed, stdhubInput());
      await s.editorial.publish(ed, d.id, d.version);
      const imported = { ...(await s.catalogue.get('T-STDHUB-1-2025'))!, classifications: [{ scheme: 'ics' as const, code: '99.999' }], relations: [{ type: 'cites', target: 'draft-ietf-foo-bar-07' }] };
      await s.catalogue.upsert(imported, { actor: 'importer:relaton' });
      const rev = await s.editorial.openRevision(ed, 'T-STDHUB-1-2025');
      const input = { ...inputOf(rev.record), titles: { en: 'Changed title' } };
      const saved = await s.editorial.updateDraft(ed, rev.id, rev.version, input);
      expect(saved.record.classifications).toEqual([{ scheme: 'ics', code: '99.999' }]);
      expect(saved.record.relations).toEqual([{ type: 'cites', target: 'draft-ietf-foo-bar-07' }]);
      // New values are still checked strictly.
      const strict = fieldErrorsOf(await s.editorial.updateDraft(ed, rev.id, saved.version, { ...input, ics: ['99.999', '98.888'] }).catch((e) => e));
      expect(strict).toMatchObject({ ics: { code: 'unknown_class', params: { codes: '98.888' } } });
    });

    it('withdraws a published standard with today as the withdrawn date and an event', async () => {
      const d = await s.editorial.createDraft(ed, stdhubInput());
      await s.editorial.publish(ed, d.id, d.version);
      (s.clock as FakeClock).set('2026-12-01T08:00:00Z');
      await expect(s.editorial.withdraw({ principal: EDITOR_SAC }, 'T-STDHUB-1-2025')).rejects.toMatchObject({ code: 'forbidden' });
      const r = await s.editorial.withdraw(ed, 'T-STDHUB-1-2025', 'superseded by the association');
      expect(r.status).toBe('withdrawn');
      const stored = await s.catalogue.get('T-STDHUB-1-2025');
      expect(stored?.status).toBe('withdrawn');
      expect(stored?.dates).toContainEqual({ type: 'withdrawn', value: '2026-12-01' });
      const ev = await events(s, 'standard.withdrawn');
      expect(ev).toHaveLength(1);
      expect(JSON.parse(ev[0].after!)).toEqual({ status: 'withdrawn', date: '2026-12-01', reason: 'superseded by the association' });
      await expect(s.editorial.withdraw(ed, 'T-STDHUB-1-2025')).rejects.toMatchObject({ code: 'invalid_transition' });
    });

    it('sets disclosure (including restricted) with scope checks; a draft disclosure is applied at publish', async () => {
      const d = await s.editorial.createDraft(ed, stdhubInput());
      const withD = await s.editorial.setDraftDisclosure(ed, d.id, d.version, { mode: 'restricted', reason: {} });
      await s.editorial.publish(ed, withD.id, withD.version);
      expect((await getDisclosure(s, 'T-STDHUB-1-2025')).mode).toBe('restricted');
      await expect(s.editorial.setDisclosure({ principal: EDITOR_SAC }, 'T-STDHUB-1-2025', { mode: 'read-only', reason: {} })).rejects.toMatchObject({ code: 'forbidden' });
      expect(fieldErrorsOf(await s.editorial.setDisclosure(ed, 'T-STDHUB-1-2025', { mode: 'not-disclosed', reason: {} }).catch((e) => e))).toMatchObject({ reason: { code: 'reason_required' } });
      const out = await s.editorial.setDisclosure(ed, 'T-STDHUB-1-2025', { mode: 'read-only', reason: { en: 'Sold by the association' } });
      expect(out).toMatchObject({ mode: 'read-only', actor: 'user:ed1' });
    });

    it('completes an interrupted publish when resumed (idempotent steps)', async () => {
      const d = await s.editorial.createDraft(ed, stdhubInput());
      const st = await s.editorial.stageText(ed, d.id, d.version, { bytes: STS_EN });
      // Simulate a crash after step 2 (the record was written, the text and the final state were not).
      await s.db.updateTable('editorial_draft').set({ publish_started_at: '2026-11-25T00:00:00.000Z', publish_actor: 'user:ed1', version: st.version + 1 }).where('id', '=', d.id).execute();
      const draft = await s.editorial.getDraft(ed, d.id);
      await s.catalogue.upsert(draft.record, { actor: 'user:ed1' });
      expect(draft.publishing).toBe(true);
      await expect(s.editorial.updateDraft(ed, d.id, draft.version, stdhubInput())).rejects.toMatchObject({ code: 'invalid_transition' });
      expect(await s.editorial.resumeInterrupted()).toEqual([d.id]);
      expect((await s.content.list('T-STDHUB-1-2025')).length).toBe(1);
      expect((await s.editorial.getDraft(ed, d.id)).state).toBe('published');
      expect((await events(s, 'standard.created')).length).toBe(1);
      expect((await events(s, 'standard.published')).length).toBe(1);
    });

    it('gives a draft back to the editor when a publish step is refused, and publishes on the next try', async () => {
      const d = await s.editorial.createDraft(ed, stdhubInput());
      const st = await s.editorial.stageText(ed, d.id, d.version, { bytes: STS_EN });
      await s.blobs.delete(st.text!.blob);
      await expect(s.editorial.publish(ed, st.id, st.version)).rejects.toMatchObject({ code: 'internal_error' });
      const back = await s.editorial.getDraft(ed, d.id);
      expect(back).toMatchObject({ state: 'draft', publishing: false });
      const again = await s.editorial.stageText(ed, d.id, back.version, { bytes: STS_EN });
      await s.editorial.publish(ed, again.id, again.version);
      expect((await s.content.list('T-STDHUB-1-2025')).length).toBe(1);
      expect((await events(s, 'standard.published')).length).toBe(1);
    });

    it('lets only holders of text.read_restricted (publisher or committee scope) see a restricted text, logging each access', async () => {
      const rec = { id: 'X-1', body: 'STDHUB', committee: 'STDHUB/TC 1' };
      const member = { kind: 'user' as const, userId: 'm1', name: 'm', grants: [{ role: 'committee_member' as const, scope: { kind: 'committee' as const, id: 'STDHUB/TC 1' } }] };
      const otherMember = { ...member, userId: 'm2', grants: [{ role: 'committee_member' as const, scope: { kind: 'committee' as const, id: 'SAC/TC 9' } }] };
      const restricted = { mode: 'restricted' as const };
      expect(textVisibleTo(EDITOR_STDHUB, rec, restricted)).toBe(true);
      expect(textVisibleTo(member, rec, restricted)).toBe(true);
      expect(textVisibleTo(otherMember, rec, restricted)).toBe(false);
      expect(textVisibleTo(EDITOR_SAC, rec, restricted)).toBe(false);
      expect(textVisibleTo(READER, rec, { mode: 'read-download' })).toBe(true);
      await expect(assertTextVisible(s, otherMember, rec, restricted, 'read')).rejects.toMatchObject({ code: 'text_not_found' });
      await assertTextVisible(s, member, rec, restricted, 'download', 'download.pdf');
      await assertTextVisible(s, READER, rec, { mode: 'read-only' }, 'read');
      const logged = await events(s, 'text.accessed');
      expect(logged.map((e) => [e.actor, e.object_id, JSON.parse(e.after!)])).toEqual([['user:m1', 'X-1', { what: 'download', detail: 'download.pdf' }]]);
    });
  });
}
