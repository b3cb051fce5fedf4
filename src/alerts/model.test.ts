import { describe, expect, it } from 'vitest';
import { changesOf, type EventRow } from './events.js';
import { codeCovers, committeeCovers, dedupeKey, matchWatch, normaliseTarget, type Change, type StdFacts } from './model.js';
import { canonicalSearch, parseSavedSearch, passesFilters } from './search-watch.js';

const facts: StdFacts = {
  id: 'GB-12955-2024',
  number: 'GB 12955-2024',
  family: 'GB 12955',
  body: 'SAC',
  committee: 'SAC/TC 113/SC 2',
  docType: 'standard',
  nature: 'mandatory',
  status: 'to-be-implemented',
  year: 2024,
  ics: ['13.220.50'],
  ccs: ['C84'],
  title: { zh: '防火门' },
};
const created: Change = { type: 'created', stdId: 'GB-12955-2024' };
const ev = (over: Partial<EventRow>): EventRow => ({ id: 1, at: '2026-11-25T00:00:00Z', actor: 'x', verb: 'standard.updated', object_type: 'standard', object_id: 'S', before: null, after: null, ...over });

describe('matching rules', () => {
  it('a standard watch hears about its standard and about new editions of its family', () => {
    expect(matchWatch({ type: 'status', stdId: 'GB-12955-2008', toStatus: 'replaced' }, null, { kind: 'standard', target: 'GB-12955-2008' })).toBe('replaced');
    expect(matchWatch(created, facts, { kind: 'standard', target: 'GB-12955-2008' }, { watchedFamily: 'GB 12955' })).toBe('new_edition');
    expect(matchWatch(created, facts, { kind: 'standard', target: 'GB-8624-2012' }, { watchedFamily: 'GB 8624' })).toBeNull();
    // A status change of another edition is not news for this watch.
    expect(matchWatch({ type: 'status', stdId: 'GB-12955-2024', toStatus: 'current' }, facts, { kind: 'standard', target: 'GB-12955-2008' }, { watchedFamily: 'GB 12955' })).toBeNull();
  });

  it('status changes map to replaced / abolished / status_changed', () => {
    const w = { kind: 'standard' as const, target: 'S' };
    expect(matchWatch({ type: 'status', stdId: 'S', toStatus: 'abolished' }, null, w)).toBe('abolished');
    expect(matchWatch({ type: 'status', stdId: 'S', toStatus: 'withdrawn' }, null, w)).toBe('abolished');
    expect(matchWatch({ type: 'status', stdId: 'S', toStatus: 'current' }, null, w)).toBe('status_changed');
    expect(matchWatch({ type: 'text', stdId: 'S', lang: 'en' }, null, w)).toBe('new_text');
    expect(matchWatch({ type: 'bulletin', stdId: 'S', bulletin: { id: 'b', title: null } }, null, w)).toBe('bulletin');
  });

  it('set watches (ICS, CCS, committee, publisher, family) match members; sets ignore bulletin lines', () => {
    expect(matchWatch(created, facts, { kind: 'ics', target: '13.220' })).toBe('new_standard');
    expect(matchWatch(created, facts, { kind: 'ics', target: '13.22' })).toBeNull();
    expect(matchWatch(created, facts, { kind: 'ccs', target: 'C' })).toBe('new_standard');
    expect(matchWatch(created, facts, { kind: 'committee', target: 'SAC/TC 113' })).toBe('new_standard');
    expect(matchWatch(created, facts, { kind: 'committee', target: 'SAC/TC 11' })).toBeNull();
    expect(matchWatch(created, facts, { kind: 'publisher', target: 'sac' })).toBe('new_standard');
    expect(matchWatch(created, facts, { kind: 'publisher', target: 'ISO' })).toBeNull();
    expect(matchWatch(created, facts, { kind: 'family', target: 'GB 12955' })).toBe('new_edition');
    expect(matchWatch({ type: 'bulletin', stdId: facts.id, bulletin: { id: 'b', title: null } }, facts, { kind: 'ics', target: '13.220' })).toBeNull();
    expect(matchWatch(created, facts, { kind: 'search', target: 'q=x' }, { searchMatched: true })).toBe('new_standard');
    expect(matchWatch(created, facts, { kind: 'search', target: 'q=x' }, { searchMatched: false })).toBeNull();
  });

  it('codes and committees compare on boundaries, targets normalise per kind', () => {
    expect(codeCovers('13.220', '13.220.50')).toBe(true);
    expect(codeCovers('13.220', '13.2205')).toBe(false);
    expect(committeeCovers('sac/tc113', 'SAC/TC 113')).toBe(true);
    expect(normaliseTarget('ics', ' 13.220 ')).toBe('13.220');
    expect(normaliseTarget('publisher', 'sac')).toBe('SAC');
    expect(normaliseTarget('family', 'ｇｂ 12955')).toBe('GB 12955');
  });

  it('dedupe keys: the same status change seen twice is one notification', () => {
    const a: Change = { type: 'status', stdId: 'S', toStatus: 'replaced' };
    expect(dedupeKey(a, 'replaced')).toBe(dedupeKey({ ...a, fromStatus: 'current' }, 'replaced'));
    expect(dedupeKey({ type: 'text', stdId: 'S', lang: 'en' }, 'new_text')).toBeNull();
  });
});

describe('events as changes', () => {
  it('reads catalogue creates and status-changing updates; old editions and plain edits are not news', () => {
    expect(changesOf(ev({ verb: 'standard.created', object_id: 'A', after: JSON.stringify({ status: 'current' }) }))).toEqual([{ type: 'created', stdId: 'A' }]);
    expect(changesOf(ev({ verb: 'standard.created', object_id: 'A', after: JSON.stringify({ status: 'replaced' }) }))).toEqual([]);
    expect(changesOf(ev({ before: JSON.stringify({ status: 'current', edition: '1' }), after: JSON.stringify({ status: 'current', edition: '2' }) }))).toEqual([]);
    expect(changesOf(ev({ object_id: 'A', before: JSON.stringify({ status: 'current' }), after: JSON.stringify({ status: 'replaced' }) }))[0]).toMatchObject({ type: 'status', stdId: 'A', fromStatus: 'current', toStatus: 'replaced' });
  });

  it('reads lifecycle status changes with a named successor, and the bulletin domain events', () => {
    const c = changesOf(ev({ verb: 'standard.status_changed', object_id: 'OLD', before: JSON.stringify({ status: 'current' }), after: JSON.stringify({ status: 'replaced', related: 'NEW' }) }));
    expect(c[0]).toMatchObject({ toStatus: 'replaced', successorId: 'NEW' });
    expect(changesOf(ev({ verb: 'standard.abolished', object_id: 'X', after: JSON.stringify({ date: '2026-01-01' }) }))[0]).toMatchObject({ type: 'status', toStatus: 'abolished' });
    const bulletin = {
      title: { zh: '2025年第14号国家标准公告', en: null },
      items: [
        { seq: 1, kind: 'revision', std: { id: 'NEW', number: 'GB 1-2025' }, replaces: [{ id: 'OLD', number: 'GB 1-2008' }] },
        { seq: 2, kind: 'abolition', std: { id: 'GONE', number: 'GB 2-2000' }, replaces: [] },
      ],
    };
    const b = changesOf(ev({ verb: 'bulletin.published', object_type: 'bulletin', object_id: 'B14', after: JSON.stringify(bulletin) }));
    expect(b.map((x) => x.stdId).sort()).toEqual(['GONE', 'NEW', 'OLD']);
    expect(b.every((x) => x.type === 'bulletin' && x.bulletin?.title === '2025年第14号国家标准公告')).toBe(true);
    expect(b.find((x) => x.stdId === 'OLD')?.successorId).toBe('NEW');
    // The bulletins domain's per-standard events (src/bulletins/service.ts stepOf) and the lifecycle's status change.
    const cause = { bulletin: 'b-1', label: 'SAC 2025-14', publisher: 'SAC' };
    expect(changesOf(ev({ verb: 'standard.replaced', object_id: 'OLD', after: JSON.stringify({ ...cause, replacedBy: 'NEW', date: '2026-06-01' }) }))).toEqual([
      { type: 'bulletin', stdId: 'OLD', bulletin: { id: 'b-1', title: 'SAC 2025-14' }, action: 'replacement', successorId: 'NEW', effectiveDate: '2026-06-01' },
    ]);
    expect(changesOf(ev({ verb: 'standard.abolished', object_id: 'X', after: JSON.stringify({ ...cause, kind: 'abolition', abolitionDate: '2026-01-01' }) }))[0]).toMatchObject({ type: 'bulletin', action: 'abolition', effectiveDate: '2026-01-01' });
    expect(changesOf(ev({ verb: 'standard.announced', object_id: 'NEW', after: JSON.stringify({ ...cause, kind: 'revision', implementationDate: '2026-06-01', replaces: ['OLD'] }) }))).toEqual([
      { type: 'announced', stdId: 'NEW', bulletin: { id: 'b-1', title: 'SAC 2025-14' }, effectiveDate: '2026-06-01' },
    ]);
    const lc = { status: 'replaced', effective: '2026-06-01', basis: 'fact', cause: { type: 'replaced', date: '2026-06-01', related: 'NEW', source: 'bulletin:b-1' } };
    expect(changesOf(ev({ verb: 'standard.status_changed', object_id: 'OLD', before: JSON.stringify({ status: 'current' }), after: JSON.stringify(lc) }))[0]).toMatchObject({ toStatus: 'replaced', successorId: 'NEW' });
    expect(changesOf(ev({ verb: 'standard.published', object_id: 'A', after: JSON.stringify({ record: 'created', status: 'current' }) }))).toEqual([{ type: 'created', stdId: 'A' }]);
    expect(changesOf(ev({ verb: 'standard.published', object_id: 'A', after: JSON.stringify({ record: 'updated', status: 'current' }) }))).toEqual([]);
    expect(changesOf(ev({ verb: 'content.created', object_type: 'content', object_id: 'A', after: JSON.stringify({ lang: 'en' }) }))).toEqual([{ type: 'text', stdId: 'A', lang: 'en' }]);
    expect(changesOf(ev({ verb: 'standard.status_changed', after: 'not json' }))).toEqual([]);
  });
});

describe('saved searches', () => {
  it('canonicalises the query string and checks filters on the record', () => {
    const s = parseSavedSearch('/search?status=current&q=防火门&body=SAC&body=ISO&page=3&ics=13.220');
    expect(canonicalSearch(s)).toBe(new URLSearchParams([['q', '防火门'], ['body', 'ISO'], ['body', 'SAC'], ['status', 'current'], ['ics', '13.220']]).toString());
    expect(passesFilters(s.filters, { ...facts, status: 'current' })).toBe(true);
    expect(passesFilters(s.filters, facts)).toBe(false); // status to-be-implemented
    expect(passesFilters({ yearFrom: 2025 }, facts)).toBe(false);
    expect(canonicalSearch(parseSavedSearch(' 防火门 '))).toBe(new URLSearchParams({ q: '防火门' }).toString());
  });
});
