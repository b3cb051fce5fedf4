import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { KyselyAlertStore } from './adapters/kysely-store.js';
import { runFanOut } from './fanout.js';
import { BASE, alertsHarness, rec, user, type AlertsHarness } from './harness.case.js';
import { webhookPayload } from './service.js';

const OLD = rec({ id: 'GB-12955-2008', number: 'GB 12955-2008', year: 2008, classifications: [{ scheme: 'ics', code: '13.220.50' }], committee: 'SAC/TC 113' });
const NEW = rec({
  id: 'GB-12955-2024',
  number: 'GB 12955-2024',
  year: 2024,
  status: 'to-be-implemented',
  classifications: [{ scheme: 'ics', code: '13.220.50' }],
  committee: 'SAC/TC 113',
  relations: [{ type: 'replaces', target: 'GB 12955-2008' }],
});
const OLD_REPLACED = { ...OLD, status: 'replaced', relations: [{ type: 'replacedBy', target: 'GB 12955-2024' }] };
const BATTERY = rec({ id: 'GB-T-40032-2021', number: 'GB/T 40032-2021', year: 2021, titles: [{ lang: 'zh', type: 'main', text: '电动汽车换电安全要求' }], classifications: [{ scheme: 'ics', code: '43.120' }] });

let h: AlertsHarness;
beforeEach(async () => {
  h = await alertsHarness();
});
afterEach(async () => {
  await h.close();
});

const kinds = async (person: string) => (await h.service.notifications(user(person))).map((n) => `${n.kind}:${n.stdId}`).sort();

describe('fan-out', () => {
  it('a followed standard that gets replaced: notified, and the watch follows the successor (and says so)', async () => {
    await h.put(OLD);
    await h.service.follow(user('u1'), { kind: 'standard', target: 'GB 12955-2008' });
    await h.put(NEW);
    await h.put(OLD_REPLACED);
    const r = await h.service.runFanOut();
    expect(r.notifications).toBe(3);
    expect(await kinds('u1')).toEqual(['followed_successor:GB-12955-2024', 'new_edition:GB-12955-2024', 'replaced:GB-12955-2008']);
    const replaced = (await h.service.notifications(user('u1'))).find((n) => n.kind === 'replaced')!;
    expect(replaced.summary).toMatchObject({ fromStatus: 'current', toStatus: 'replaced', successor: { id: 'GB-12955-2024', number: 'GB 12955-2024' } });
    const watches = await h.service.watches(user('u1'));
    expect(watches).toHaveLength(1);
    expect(watches[0]).toMatchObject({ kind: 'standard', target: 'GB-12955-2024', followedFrom: 'GB-12955-2008' });
    // Recorded as an event, like every mutation.
    const ev = await h.db.selectFrom('event').selectAll().where('verb', '=', 'watch.followed_successor').execute();
    expect(ev).toHaveLength(1);
    expect(JSON.parse(ev[0].after!)).toMatchObject({ target: 'GB-12955-2024' });
    // The moved watch keeps working: a later change to the successor reaches the person.
    await h.put({ ...NEW, status: 'current' });
    await h.service.runFanOut();
    expect(await kinds('u1')).toContain('status_changed:GB-12955-2024');
  });

  it('someone already following the successor keeps one watch', async () => {
    await h.put(OLD);
    await h.put(NEW);
    await h.service.follow(user('u1'), { kind: 'standard', target: 'GB-12955-2008' });
    await h.service.follow(user('u1'), { kind: 'standard', target: 'GB-12955-2024' });
    await h.put(OLD_REPLACED);
    await h.service.runFanOut();
    expect((await h.service.watches(user('u1'))).map((w) => w.target)).toEqual(['GB-12955-2024']);
    expect(await kinds('u1')).toContain('followed_successor:GB-12955-2024');
  });

  it('set watches match new members; the most specific watch of a person wins; strangers hear nothing', async () => {
    await h.put(OLD);
    await h.service.follow(user('ics'), { kind: 'ics', target: '13.220' });
    await h.service.follow(user('tc'), { kind: 'committee', target: 'SAC/TC 113' });
    await h.service.follow(user('pub'), { kind: 'publisher', target: 'sac' });
    await h.service.follow(user('fam'), { kind: 'family', target: 'GB 12955-2008' });
    await h.service.follow(user('other'), { kind: 'ics', target: '43.120' });
    await h.service.follow(user('both'), { kind: 'standard', target: 'GB-12955-2008' });
    await h.service.follow(user('both'), { kind: 'ics', target: '13' });
    await h.put(NEW);
    await h.service.runFanOut();
    expect(await kinds('ics')).toEqual(['new_standard:GB-12955-2024']);
    expect(await kinds('tc')).toEqual(['new_standard:GB-12955-2024']);
    expect(await kinds('pub')).toEqual(['new_standard:GB-12955-2024']);
    expect(await kinds('fam')).toEqual(['new_edition:GB-12955-2024']);
    expect(await kinds('other')).toEqual([]);
    const both = await h.service.notifications(user('both'));
    expect(both.map((n) => n.kind)).toEqual(['new_edition']);
    expect(both[0].summary.watch.kind).toBe('standard');
  });

  it('saved searches re-run the search restricted to the changed standard', async () => {
    await h.service.follow(user('door'), { kind: 'search', target: 'q=防火门&body=SAC' });
    await h.service.follow(user('iso'), { kind: 'search', target: 'q=防火门&body=ISO' });
    await h.service.follow(user('swap'), { kind: 'search', target: '/search?q=换电' });
    await h.put(NEW);
    await h.put(BATTERY);
    await h.service.runFanOut();
    expect(await kinds('door')).toEqual(['new_standard:GB-12955-2024']);
    expect(await kinds('iso')).toEqual([]);
    expect(await kinds('swap')).toEqual(['new_standard:GB-T-40032-2021']);
  });

  it('a watch hears only about events after it was created', async () => {
    await h.put(OLD);
    await h.put(NEW);
    await h.service.follow(user('late'), { kind: 'ics', target: '13.220' });
    await h.service.runFanOut();
    expect(await kinds('late')).toEqual([]);
  });

  it('restart-safe: a new process resumes after the cursor, and a replay from zero creates no duplicates', async () => {
    await h.put(OLD);
    await h.service.follow(user('u1'), { kind: 'standard', target: 'GB-12955-2008' });
    await h.service.follow(user('u2'), { kind: 'ics', target: '13.220' });
    await h.put(NEW);
    const first = await h.service.runFanOut();
    expect(first.notifications).toBe(2);
    // "Restart": a fresh store object on the same database (nothing in memory survives).
    const fresh = new KyselyAlertStore(h.db, () => h.clock.now(), webhookPayload(BASE));
    const deps = { store: fresh, catalogue: h.catalogue, search: h.search };
    h.clock.set('2026-11-25T09:00:00Z');
    expect(await runFanOut(deps, h.clock.now())).toEqual({ events: 0, notifications: 0 });
    await h.put(OLD_REPLACED);
    expect((await runFanOut(deps, h.clock.now())).notifications).toBe(3); // u1: replaced + followed_successor; u2: replaced (ICS member)
    const total = async () => Number((await h.db.selectFrom('notification').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
    expect(await total()).toBe(5);
    // A crash between sending and saving the cursor replays events: the unique keys absorb it.
    await fresh.setCursor('fanout', 0, h.clock.now().toISOString());
    const replay = await runFanOut(deps, h.clock.now());
    expect(replay.events).toBeGreaterThan(0);
    expect(replay.notifications).toBe(0);
    expect(await total()).toBe(5);
    expect(await h.db.selectFrom('event').select('id').where('verb', '=', 'watch.followed_successor').execute()).toHaveLength(1);
  });

  it('with a re-read window, an event committed late below the cursor (PostgreSQL id order) is still seen, once', async () => {
    await h.put(OLD);
    await h.service.follow(user('u1'), { kind: 'standard', target: OLD.id });
    const deps = { store: h.store, catalogue: h.catalogue, search: h.search };
    const max = await h.store.maxEventId();
    const at = h.clock.now().toISOString();
    const ev = (id: number, status: string) => ({ id, at, actor: 'system:lifecycle', verb: 'standard.status_changed', object_type: 'standard', object_id: OLD.id, before: JSON.stringify({ status: 'current' }), after: JSON.stringify({ status }) });
    await h.db.insertInto('event').values(ev(max + 10, 'withdrawn') as never).execute();
    await runFanOut(deps, h.clock.now(), { rescan: 100 });
    expect(await h.store.cursor('fanout')).toBe(max + 10);
    // A transaction that took id max+5 earlier commits only now.
    await h.db.insertInto('event').values(ev(max + 5, 'abolished') as never).execute();
    expect((await runFanOut(deps, h.clock.now(), { rescan: 0 })).notifications).toBe(0); // without the window: missed
    expect((await runFanOut(deps, h.clock.now(), { rescan: 100 })).notifications).toBe(1);
    expect((await runFanOut(deps, h.clock.now(), { rescan: 100 })).notifications).toBe(0);
    expect(await h.store.cursor('fanout')).toBe(max + 10); // never moved backwards
    expect(await kinds('u1')).toEqual(['abolished:GB-12955-2008', 'abolished:GB-12955-2008']);
  });

  it('nobody watching: the cursor jumps to the end of the log without reading it', async () => {
    await h.put(OLD);
    await h.put(NEW);
    expect(await h.service.runFanOut()).toEqual({ events: 0, notifications: 0 });
    expect(await h.store.cursor('fanout')).toBe(await h.store.maxEventId());
  });

  it('a bulletin naming a followed standard notifies once; the lifecycle event and the record update of one change notify once', async () => {
    await h.put(OLD);
    await h.put(NEW);
    await h.service.follow(user('u1'), { kind: 'standard', target: 'GB-12955-2008' });
    const at = h.clock.now().toISOString();
    const items = [{ seq: 1, kind: 'revision', std: { id: NEW.id, number: 'GB 12955-2024' }, replaces: [{ id: OLD.id, number: 'GB 12955-2008' }] }];
    await h.db.insertInto('event').values({ at, actor: 'user:ed', verb: 'bulletin.published', object_type: 'bulletin', object_id: 'SAC-2024-25', before: null, after: JSON.stringify({ title: { zh: '2024年第25号国家标准公告', en: null }, items }) }).execute();
    await h.db.insertInto('event').values({ at, actor: 'system:lifecycle', verb: 'standard.status_changed', object_type: 'standard', object_id: OLD.id, before: JSON.stringify({ status: 'current' }), after: JSON.stringify({ status: 'replaced', related: NEW.id }) }).execute();
    await h.put(OLD_REPLACED); // the record update the lifecycle job makes
    await h.service.runFanOut();
    expect(await kinds('u1')).toEqual(['bulletin:GB-12955-2008', 'followed_successor:GB-12955-2024', 'replaced:GB-12955-2008']);
    const b = (await h.service.notifications(user('u1'))).find((n) => n.kind === 'bulletin')!;
    expect(b.summary.bulletin).toEqual({ id: 'SAC-2024-25', title: '2024年第25号国家标准公告' });
  });

  it('watcherCount counts distinct people on the standard or its family', async () => {
    await h.put(OLD);
    await h.service.follow(user('a'), { kind: 'standard', target: OLD.id });
    await h.service.follow(user('b'), { kind: 'family', target: 'GB 12955' });
    await h.service.follow(user('b'), { kind: 'standard', target: OLD.id });
    expect(await h.service.watcherCount(OLD.id)).toBe(2);
    expect(await h.service.watcherCount('NOPE')).toBe(0);
  });
});
