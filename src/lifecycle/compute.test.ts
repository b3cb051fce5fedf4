import { describe, expect, it } from 'vitest';
import { computeStatus, isFactDate, phaseAt, reviewYearsOf, statusOfPhase, type LifecycleFact } from './compute.js';
import { deriveFacts } from './derive.js';
import { FakeClock } from '../kernel/clock.js';
import { WorkingCalendar } from '../calendar/calendar.js';
import { LifecycleService } from './service.js';
import { testRecord } from '../testing/records.js';

const f = (type: LifecycleFact['type'], date: string, related: string | null = null): LifecycleFact => ({ stdId: 'X', type, date, related, source: 'test', derived: false, appliedAt: null });

describe('lifecycle rules (status-rules.json)', () => {
  it('computes phases from dated facts', () => {
    const facts = [f('approved', '2026-11-20'), f('implemented', '2027-06-01')];
    expect(phaseAt(facts, '2026-11-19', 'SAC').phase).toBeNull();
    expect(phaseAt(facts, '2026-11-20', 'SAC')).toMatchObject({ phase: 'to-be-implemented', since: '2026-11-20' });
    expect(phaseAt(facts, '2027-06-01', 'SAC')).toMatchObject({ phase: 'current', since: '2027-06-01' });
    const ended = [...facts, f('abolished', '2030-01-01'), f('replaced', '2030-01-01', 'Y')];
    // Same-day ends: 'replaced' says more (it names the successor).
    expect(phaseAt(ended, '2030-01-01', 'SAC')).toMatchObject({ phase: 'replaced', cause: { related: 'Y' } });
    // Released without any implementation date: current for ISO/IETF (publication is effect); for GB the release
    // alone decides nothing, so the source's status stands (and says so).
    expect(phaseAt([f('released', '2015-09-15')], '2016-01-01', 'ISO').phase).toBe('current');
    expect(phaseAt([f('released', '2025-03-01')], '2025-04-01', 'SAC')).toMatchObject({ phase: null, undecided: true });
    expect(computeStatus([f('released', '2025-03-01')], '2025-04-01', 'SAC', 'current', { trustSource: false })).toMatchObject({ status: 'current', basis: 'source', since: '2025-03-01' });
    expect(computeStatus([f('released', '2025-03-01')], '2025-02-01', 'SAC', 'current', { trustSource: false })).toMatchObject({ status: null, basis: 'facts' });
    // Only an end is recorded: in force before it, start unknown.
    expect(phaseAt([f('abolished', '2026-05-01')], '2020-01-01', 'SAC')).toEqual({ phase: 'current', since: null, cause: null });
  });

  it('maps phases per body: RFC obsoleted/historic, ISO withdrawn, GB replaced', () => {
    expect(statusOfPhase('replaced', 'IETF')).toBe('obsoleted');
    expect(statusOfPhase('abolished', 'IETF')).toBe('historic');
    expect(statusOfPhase('replaced', 'ISO')).toBe('withdrawn');
    expect(statusOfPhase('replaced', 'IEC')).toBe('withdrawn');
    expect(statusOfPhase('replaced', 'SAC')).toBe('replaced');
    expect(statusOfPhase('to-be-implemented', 'SAC')).toBe('to-be-implemented');
    expect(reviewYearsOf('IETF', 5)).toBeNull();
    expect(reviewYearsOf('SAC', 5)).toBe(5);
    expect(reviewYearsOf('ISO', 3)).toBe(3);
  });

  it('lets an undated terminal source status stand for today, never over a dated end', () => {
    const facts = [f('released', '1987-08')];
    expect(computeStatus(facts, '2026-11-25', 'IETF', 'historic', { trustSource: true })).toMatchObject({ status: 'historic', basis: 'source' });
    expect(computeStatus(facts, '1990-01-01', 'IETF', 'historic', { trustSource: false })).toMatchObject({ status: 'current', basis: 'facts' });
    // A dated end in the future: the facts decide (the source anticipated it).
    expect(computeStatus([f('implemented', '2001-01-01'), f('abolished', '2027-01-01')], '2026-11-25', 'SAC', 'abolished', { trustSource: true })).toMatchObject({ status: 'current', basis: 'facts' });
    expect(computeStatus([], '2026-11-25', 'SAC', 'current', { trustSource: true })).toMatchObject({ status: 'current', basis: 'source' });
  });

  it('accepts day and month precision, not years alone', () => {
    expect(isFactDate('2014-06')).toBe(true);
    expect(isFactDate('2014-06-31')).toBe(false);
    expect(isFactDate('2014')).toBe(false);
  });

  it('derives facts from a record: typed dates, ISO stage on its stage date, successors', () => {
    const r = testRecord({
      id: 'ISO-1-2002',
      identifiers: [{ type: 'ISO', value: 'ISO 1:2002', primary: true }],
      body: 'ISO',
      dates: [
        { type: 'published', value: '2002-10-01' },
        { type: 'stage-date', value: '2016-06-30' },
        { type: 'confirmed', value: '2012-03' },
        { type: 'updated', value: '2020-01-01' },
      ],
      status: 'withdrawn',
      stage: '95.99',
      source: { importer: 'relaton', ref: 'x' },
    });
    expect(deriveFacts(r, [{ id: 'ISO-1-2016', date: '2016-06-30' }, { id: 'ISO-1-X', date: null }]).map((x) => [x.type, x.date, x.related ?? null, x.source])).toEqual([
      ['released', '2002-10-01', null, 'importer:relaton'],
      ['reviewed', '2012-03', null, 'importer:relaton'],
      ['withdrawn', '2016-06-30', null, 'importer:relaton'],
      ['replaced', '2016-06-30', 'ISO-1-2016', 'importer:relaton'],
    ]);
  });
});

describe('the day a transition takes effect', () => {
  it('is the calendar day in LIFECYCLE_TIME_ZONE', () => {
    const clock = new FakeClock(new Date('2026-11-30T16:30:00Z'));
    const make = (tz: string) =>
      new LifecycleService({ db: undefined as never, clock, indexers: [], calendar: new WorkingCalendar(), settings: { REVIEW_YEARS: 5, DISCLOSURE_WORKING_DAYS: 20, LIFECYCLE_TIME_ZONE: tz } });
    expect(make('UTC').dayOf()).toBe('2026-11-30');
    expect(make('Asia/Shanghai').dayOf()).toBe('2026-12-01');
  });
});
