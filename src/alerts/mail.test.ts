import { SaxesParser } from 'saxes';
import { afterEach, describe, expect, it } from 'vitest';
import { atomFeed } from './atom.js';
import { alertsHarness, rec, user, type AlertsHarness } from './harness.case.js';
import { startOfWeek } from './mail.js';

const S = (n: number) => rec({ id: `GB-${n}-2020`, number: `GB ${n}-2020`, year: 2020, classifications: [{ scheme: 'ics', code: '13.220.50' }] });

let h: AlertsHarness;
afterEach(async () => {
  await h?.close();
});

/** Makes one new standard in the watched ICS code at a given time and runs the fan-out then. */
async function newsAt(iso: string, n: number) {
  h.clock.set(iso);
  await h.put(S(n));
  await h.service.runFanOut();
}

async function person(id: string, mode: 'immediate' | 'daily' | 'weekly' | 'off') {
  await h.person(id);
  await h.service.follow(user(id), { kind: 'ics', target: '13.220' });
  await h.service.setMailMode(user(id), mode, id === 'zh' ? 'zh-CN' : 'en');
}

describe('alert mail', () => {
  it('immediate: one mail per run with what is new, each with RFC 8058 one-click unsubscribe headers', async () => {
    h = await alertsHarness({ start: '2026-11-25T08:00:00Z' });
    await person('u1', 'immediate');
    await newsAt('2026-11-25T08:00:00Z', 1);
    await h.service.runMail();
    await newsAt('2026-11-25T08:05:00Z', 2);
    await newsAt('2026-11-25T08:06:00Z', 3);
    await h.service.runMail();
    await h.service.runMail(); // nothing left
    expect(h.mailer.sent.map((m) => m.subject)).toEqual(['New standard GB 1-2020 (ICS 13.220)', '2 new notifications']);
    const m = h.mailer.sent[0];
    expect(m.to).toBe('u1@example.org');
    expect(m.headers!['List-Unsubscribe-Post']).toBe('List-Unsubscribe=One-Click');
    const unsub = /^<(https:\/\/stdhub\.example\/unsubscribe\/[A-Za-z0-9_-]{43})>$/.exec(m.headers!['List-Unsubscribe'])![1];
    expect(m.text).toContain(unsub);
    expect(m.text).toContain('https://stdhub.example/std/GB-1-2020');
  });

  it('daily and weekly digests group by UTC day and ISO week as the clock advances', async () => {
    h = await alertsHarness({ start: '2026-11-25T08:00:00Z' }); // a Wednesday
    await person('day', 'daily');
    await person('zh', 'weekly');
    await newsAt('2026-11-25T08:00:00Z', 1);
    await newsAt('2026-11-25T20:00:00Z', 2);
    await h.service.runMail();
    expect(h.mailer.sent).toHaveLength(0); // same day: the daily digest waits for the day to end
    await newsAt('2026-11-26T00:30:00Z', 3);
    await h.service.runMail();
    expect(h.mailer.sent.map((m) => [m.to, m.subject])).toEqual([['day@example.org', 'Daily digest: 2 notifications']]);
    await h.service.runMail(); // idempotent within the day
    await newsAt('2026-11-27T09:00:00Z', 4);
    h.clock.set('2026-11-29T23:59:00Z'); // Sunday: the week is not over
    await h.service.runMail();
    expect(h.mailer.sent.filter((m) => m.to === 'zh@example.org')).toHaveLength(0);
    expect(h.mailer.sent.filter((m) => m.to === 'day@example.org').map((m) => m.subject)).toEqual(['Daily digest: 2 notifications', 'Daily digest: 2 notifications']);
    h.clock.set('2026-11-30T06:00:00Z'); // Monday
    await h.service.runMail();
    const weekly = h.mailer.sent.filter((m) => m.to === 'zh@example.org');
    expect(weekly.map((m) => m.subject)).toEqual(['每周摘要：4 条通知']);
    for (const n of [1, 2, 3, 4]) expect(weekly[0].text).toContain(`GB ${n}-2020`);
    expect(startOfWeek(new Date('2026-11-30T06:00:00Z')).toISOString()).toBe('2026-11-30T00:00:00.000Z');
  });

  it('one-click unsubscribe turns mail off with the token alone; off means nothing is sent later', async () => {
    h = await alertsHarness();
    await person('u1', 'immediate');
    await newsAt('2026-11-25T08:00:00Z', 1);
    await h.service.runMail();
    const url = /<([^>]+)>/.exec(h.mailer.sent[0].headers!['List-Unsubscribe'])![1];
    const token = url.split('/').pop()!;
    expect(await h.service.unsubscribeTarget(token)).toEqual({ personId: 'u1', mode: 'immediate' });
    expect(await h.service.unsubscribe('A'.repeat(43))).toBe(false);
    expect(await h.service.unsubscribe(token)).toBe(true);
    expect((await h.service.mailPref(user('u1'))).mode).toBe('off');
    expect(await h.db.selectFrom('event').select('actor').where('verb', '=', 'mail_pref.changed').orderBy('id', 'desc').executeTakeFirst()).toEqual({ actor: 'system:unsubscribe' });
    await newsAt('2026-11-25T09:00:00Z', 2);
    await h.service.runMail();
    expect(h.mailer.sent).toHaveLength(1);
    // Switching back on does not flood the person with what happened while mail was off.
    await h.service.setMailMode(user('u1'), 'immediate', 'en');
    await h.service.runMail();
    expect(h.mailer.sent).toHaveLength(1);
  });
});

describe('private Atom feed', () => {
  it('parses as well-formed XML with one entry per notification; the token rotates', async () => {
    h = await alertsHarness();
    await h.service.follow(user('u1'), { kind: 'ics', target: '13.220' });
    await h.put({ ...S(1), titles: [{ lang: 'en', type: 'main', text: 'Doors & <windows> "quoted"' }] });
    await h.put(S(2));
    await h.service.runFanOut();
    const url = await h.service.feedUrl(user('u1'));
    const token = /\/feeds\/notifications\/([A-Za-z0-9_-]{43})\.atom$/.exec(url)![1];
    expect(await h.service.feedOwner(token)).toBe('u1');
    const xml = atomFeed({ lang: 'en', baseUrl: 'https://stdhub.example', selfUrl: url, personId: 'u1', items: await h.service.feedItems('u1'), updated: h.clock.now().toISOString() });
    const parser = new SaxesParser({ xmlns: true });
    const entries: string[] = [];
    let inTitle = false;
    let depth = 0;
    parser.on('opentag', (t) => {
      depth++;
      if (depth === 1) expect(t.uri).toBe('http://www.w3.org/2005/Atom');
      inTitle = t.local === 'title' && depth === 3;
    });
    parser.on('text', (x) => {
      if (inTitle) entries.push(x);
    });
    parser.on('closetag', () => {
      depth--;
      inTitle = false;
    });
    parser.write(xml).close();
    expect(entries).toEqual(['New standard GB 2-2020 (ICS 13.220)', 'New standard GB 1-2020 (ICS 13.220)']);
    expect(xml).toContain('Doors &amp; &lt;windows&gt; &quot;quoted&quot;');
    await h.service.rotateFeed(user('u1'));
    expect(await h.service.feedOwner(token)).toBeNull();
    expect(await h.service.feedUrl(user('u1'))).not.toBe(url);
  });
});
