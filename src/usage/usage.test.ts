import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeClock } from '../kernel/clock.js';
import { testServices } from '../testing/services.js';
import { seedWeb } from '../web/seed.case.js';
import { buildServer } from '../web/server.js';
import { SqliteUsageStore } from './adapters/sqlite-store.js';
import { csvField, usageCsv } from './csv.js';
import { installUsageHooks } from './hook.js';
import { isBot, usageKindOfRoute } from './model.js';
import type { UsageBatch, UsageStore } from './ports.js';
import { monthsEnding, UsageService } from './service.js';

const FIREFOX = 'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0';
const CHROME_ZH = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36';
const GOOGLEBOT = 'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)';

describe('bot rules and route kinds (data in bots.json and USAGE_ROUTE_RULES)', () => {
  it('tells browsers from obvious bots', () => {
    expect(isBot(FIREFOX)).toBe(false);
    expect(isBot(CHROME_ZH)).toBe(false);
    for (const ua of [
      GOOGLEBOT,
      'Mozilla/5.0 (compatible; Baiduspider/2.0; +http://www.baidu.com/search/spider.html)',
      'curl/8.5.0',
      'Wget/1.21.4',
      'python-requests/2.32.3',
      'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/126.0.0.0 Safari/537.36',
      '',
      '   ',
      undefined,
    ])
      expect(isBot(ua), String(ua)).toBe(true);
  });

  it('maps route patterns to kinds', () => {
    expect(usageKindOfRoute('/std/:id')).toBe('view');
    expect(usageKindOfRoute('/std/:id/clause/:anchor')).toBe('view');
    expect(usageKindOfRoute('/std/:id/read')).toBe('read');
    expect(usageKindOfRoute('/std/:id/download.pdf')).toBe('download');
    expect(usageKindOfRoute('/std/:id/download.html')).toBe('download');
    expect(usageKindOfRoute('/std/:id/source')).toBe('download');
    expect(usageKindOfRoute('/std/*')).toBeNull();
    expect(usageKindOfRoute('/search')).toBeNull();
    expect(usageKindOfRoute('/std/:id/readme')).toBeNull();
    expect(usageKindOfRoute(undefined)).toBeNull();
  });

  it('quotes CSV fields and defuses formulas', () => {
    expect(csvField('GB/T 1.1-2020')).toBe('GB/T 1.1-2020');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('=HYPERLINK("x")')).toBe(`"'=HYPERLINK(""x"")"`);
    expect(csvField(null)).toBe('');
    expect(monthsEnding('2026-02', 3)).toEqual(['2025-12', '2026-01', '2026-02']);
  });
});

describe('recording through the web server', () => {
  let services: Awaited<ReturnType<typeof testServices>>;
  let app: FastifyInstance;
  const clock = new FakeClock(new Date('2026-11-25T10:00:00Z'));
  const count = (kind: string, bot: number) =>
    (services.sqlite.prepare('SELECT COALESCE(SUM(count), 0) AS n FROM usage_count WHERE kind = ? AND bot = ?').get(kind, bot) as { n: number }).n;

  beforeAll(async () => {
    services = await testServices({}, clock);
    await seedWeb(services);
    app = await buildServer(services);
    await app.ready();
  });
  afterAll(async () => {
    await app?.close();
    await services?.close();
  });

  it('counts a browser as a page view and a bot apart, and two addresses as two visitors', async () => {
    const get = (url: string, ua: string | undefined, ip: string) =>
      // light-my-request sends its own User-Agent when none is given; an empty one stands for "missing".
      app.inject({ method: 'GET', url, remoteAddress: ip, headers: { 'user-agent': ua ?? '' } });
    expect((await get('/std/GB-12955-2024', FIREFOX, '203.0.113.77')).statusCode).toBe(200);
    expect((await get('/std/GB-12955-2024', FIREFOX, '203.0.113.77')).statusCode).toBe(200);
    expect((await get('/std/GB-12955-2024', CHROME_ZH, '198.51.100.23')).statusCode).toBe(200);
    expect((await get('/std/GB-12955-2024', GOOGLEBOT, '66.249.66.1')).statusCode).toBe(200);
    expect((await get('/std/RFC-9110', undefined, '192.0.2.9')).statusCode).toBe(200);
    // Not counted: a redirect to the canonical URL, a 404, a HEAD, a page that is not a standard.
    expect((await get('/std/GB%2012955-2024', FIREFOX, '203.0.113.77')).statusCode).toBe(301);
    expect((await get('/std/NO-SUCH-STANDARD', FIREFOX, '203.0.113.77')).statusCode).toBe(404);
    expect((await app.inject({ method: 'HEAD', url: '/std/GB-12955-2024', headers: { 'user-agent': FIREFOX } })).statusCode).toBe(200);
    expect((await get('/search?q=fire', FIREFOX, '203.0.113.77')).statusCode).toBe(200);
    services.usage.flush();
    expect(count('view', 0)).toBe(3);
    expect(count('view', 1)).toBe(2);
    const perStd = services.sqlite.prepare("SELECT std_id, count FROM usage_count WHERE bot = 0 AND kind = 'view'").all();
    expect(perStd).toEqual([{ std_id: 'GB-12955-2024', count: 3 }]);
    const s = await services.usage.summary();
    expect(s.visitorsToday).toBe(2);
    expect(s.totals.find((t) => t.kind === 'view')).toEqual({ kind: 'view', count: 3, bots: 2, visitorDays: 2 });
  });

  it('stores no raw IP address or user agent in any table', () => {
    const needles = ['203.0.113.77', '198.51.100.23', '66.249.66.1', '192.0.2.9', 'Firefox', 'Googlebot', 'Chrome/126', 'x86_64'];
    const tables = (services.sqlite.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as { name: string }[]).map((t) => t.name);
    expect(tables).toContain('usage_visitor');
    let cells = 0;
    for (const t of tables) {
      for (const row of services.sqlite.prepare(`SELECT * FROM "${t.replace(/"/g, '""')}"`).all() as Record<string, unknown>[]) {
        for (const v of Object.values(row)) {
          const text = Buffer.isBuffer(v) ? v.toString('latin1') : String(v);
          cells++;
          for (const n of needles) expect(text.includes(n), `${t} holds ${n}`).toBe(false);
        }
      }
    }
    expect(cells).toBeGreaterThan(100);
  });

  it('serves the statistics page in both languages with inline SVG charts', async () => {
    const en = await app.inject({ method: 'GET', url: '/stats?lang=en' });
    expect(en.statusCode).toBe(200);
    expect(en.body).toContain('<h1>Usage statistics</h1>');
    expect(en.body).toContain('<svg class="chart"');
    expect(en.body).toContain('href="/std/GB-12955-2024"');
    expect(en.body).toContain('Downloads');
    expect(en.body).toContain('2026-11');
    expect(en.body).not.toContain('<script');
    const zh = await app.inject({ method: 'GET', url: '/stats?lang=zh-CN' });
    expect(zh.statusCode).toBe(200);
    expect(zh.body).toContain('<h1>使用统计</h1>');
    for (const term of ['浏览量', '在线阅读', '下载量', '按标准性质', '强制性']) expect(zh.body, term).toContain(term);
  });

  it('answers the usage API and rejects bad parameters', async () => {
    const top = await app.inject({ method: 'GET', url: '/api/v1/usage/top?kind=view&limit=5' });
    expect(top.statusCode).toBe(200);
    expect(top.json().items[0]).toMatchObject({ id: 'GB-12955-2024', number: 'GB 12955-2024', view: 3, nature: 'mandatory' });
    expect((await app.inject({ method: 'GET', url: '/api/v1/usage/top?kind=likes' })).statusCode).toBe(400);
    expect((await app.inject({ method: 'GET', url: '/api/v1/usage/monthly?months=0' })).statusCode).toBe(400);
    expect((await app.inject({ method: 'GET', url: '/api/v1/usage/monthly?months=abc' })).statusCode).toBe(400);
    const m = await app.inject({ method: 'GET', url: '/api/v1/usage/monthly?months=2' });
    expect(m.json().items.map((r: { month: string }) => r.month)).toEqual(['2026-10', '2026-11']);
    expect((await app.inject({ method: 'GET', url: '/stats.csv?from=yesterday' })).statusCode).toBe(400);
  });
});

describe('recorder lifecycle on a bare server (read and download routes, flush on close, day rotation, bounds)', () => {
  let services: Awaited<ReturnType<typeof testServices>>;
  const clock = new FakeClock(new Date('2026-11-25T23:59:00Z'));
  beforeAll(async () => {
    services = await testServices({}, clock);
    await seedWeb(services);
  });
  afterAll(async () => services?.close());

  it('records reads and downloads from the hook and flushes when the server closes', async () => {
    const usage = new UsageService(new SqliteUsageStore(services.sqlite), clock, { flushMs: 0 });
    const app = Fastify();
    installUsageHooks(app, usage);
    // Stand-ins for the reader routes (their real modules are built elsewhere); only the patterns matter here.
    app.get('/std/:id/read', async () => 'reader');
    app.get('/std/:id/download.pdf', async (_req, reply) => reply.type('application/pdf').send(Buffer.from('%PDF-1.7')));
    app.get('/std/:id/source', async (_req, reply) => reply.status(403).send('not downloadable'));
    await app.ready();
    const ua = { 'user-agent': FIREFOX };
    await app.inject({ method: 'GET', url: '/std/RFC-9110/read', headers: ua });
    await app.inject({ method: 'GET', url: '/std/RFC-9110/download.pdf', headers: ua });
    await app.inject({ method: 'GET', url: '/std/RFC-9110/download.pdf', headers: ua });
    await app.inject({ method: 'GET', url: '/std/RFC-9110/source', headers: ua });
    expect(usage.recorder.stats().pending).toBe(3);
    const before = services.sqlite.prepare("SELECT COUNT(*) AS n FROM usage_count WHERE std_id = 'RFC-9110'").get() as { n: number };
    expect(before.n).toBe(0);
    await app.close();
    expect(usage.recorder.stats()).toMatchObject({ pending: 0, flushed: 3, dropped: 0 });
    const rows = services.sqlite
      .prepare("SELECT kind, count FROM usage_count WHERE std_id = 'RFC-9110' AND bot = 0 ORDER BY kind")
      .all();
    expect(rows).toEqual([
      { kind: 'download', count: 2 },
      { kind: 'read', count: 1 },
    ]);
  });

  it('closes a day: visitor hashes become counts and the old salt is discarded', () => {
    const usage = new UsageService(new SqliteUsageStore(services.sqlite), clock, { flushMs: 0 });
    clock.set('2026-11-25T23:59:30Z');
    const known = services.sqlite.prepare("SELECT COUNT(*) AS n FROM usage_visitor WHERE day = '2026-11-25' AND kind = 'download'").get() as { n: number };
    usage.record({ stdId: 'GB-12955-2024', kind: 'download', ip: '203.0.113.5', userAgent: FIREFOX });
    usage.record({ stdId: 'GB-12955-2024', kind: 'download', ip: '203.0.113.6', userAgent: FIREFOX });
    usage.flush();
    const hashesDay1 = services.sqlite.prepare("SELECT visitor FROM usage_visitor WHERE day = '2026-11-25' AND kind = 'download'").all() as { visitor: string }[];
    expect(hashesDay1).toHaveLength(known.n + 2);
    clock.set('2026-11-26T00:00:30Z');
    usage.record({ stdId: 'GB-12955-2024', kind: 'download', ip: '203.0.113.5', userAgent: FIREFOX });
    usage.flush();
    expect(services.sqlite.prepare("SELECT COUNT(*) AS n FROM usage_visitor WHERE day < '2026-11-26'").get()).toEqual({ n: 0 });
    expect(services.sqlite.prepare("SELECT visitors FROM usage_day_visitors WHERE day = '2026-11-25' AND kind = 'download'").get()).toEqual({ visitors: known.n + 2 });
    expect(services.sqlite.prepare('SELECT day FROM usage_salt').all()).toEqual([{ day: '2026-11-26' }]);
    const day2 = services.sqlite.prepare("SELECT visitor FROM usage_visitor WHERE day = '2026-11-26'").get() as { visitor: string };
    // Same address and browser, new day: a different key (keys cannot be linked across days).
    expect(hashesDay1.map((h) => h.visitor)).not.toContain(day2.visitor);
    usage.close();
  });

  it('never blocks: a stuck database keeps events queued, drops the oldest beyond capacity, and catches up', () => {
    const real = new SqliteUsageStore(services.sqlite);
    let stuck = true;
    const store: UsageStore = Object.assign(Object.create(real) as UsageStore, {
      write(batch: UsageBatch) {
        if (stuck) throw new Error('database is locked');
        real.write(batch);
      },
    });
    const usage = new UsageService(store, clock, { flushMs: 0, capacity: 10 });
    for (let i = 0; i < 15; i++) usage.record({ stdId: 'T-STDHUB-666-2025', kind: 'view', ip: `192.0.2.${i}`, userAgent: FIREFOX });
    expect(usage.flush()).toBe(0);
    expect(usage.recorder.stats()).toMatchObject({ recorded: 15, pending: 10, dropped: 5, failures: 1 });
    expect(usage.recorder.stats().lastError).toContain('locked');
    stuck = false;
    expect(usage.flush()).toBe(10);
    const n = services.sqlite.prepare("SELECT SUM(count) AS n FROM usage_count WHERE std_id = 'T-STDHUB-666-2025'").get();
    expect(n).toEqual({ n: 10 });
    usage.close();
  });
});

describe('aggregation on seeded counts', () => {
  let services: Awaited<ReturnType<typeof testServices>>;
  const clock = new FakeClock(new Date('2026-11-25T12:00:00Z'));
  beforeAll(async () => {
    services = await testServices({}, clock);
    await seedWeb(services);
    const c = (stdId: string, day: string, kind: 'view' | 'read' | 'download', count: number, bot = false) => ({ stdId, day, kind, bot, count });
    new SqliteUsageStore(services.sqlite).write({
      counts: [
        c('GB-12955-2024', '2026-09-10', 'download', 150),
        c('GB-12955-2024', '2026-10-02', 'download', 900),
        c('GB-12955-2024', '2026-10-02', 'read', 10000),
        c('GB-12955-2024', '2026-11-01', 'view', 40),
        c('GB-T-29772-2024', '2026-10-15', 'download', 100),
        c('ISO-9001-2015', '2026-11-20', 'download', 99),
        c('ISO-9001-2015', '2026-11-20', 'download', 5000, true),
        c('RFC-9110', '2025-01-05', 'view', 7),
      ],
      visitors: [],
    });
  });
  afterAll(async () => services?.close());

  it('counts standards past 100 / 1,000 / 10,000, without bots', async () => {
    const th = await services.usage.thresholds();
    expect(th.find((r) => r.kind === 'download')!.passed).toEqual({ '100': 2, '1000': 1, '10000': 0 });
    expect(th.find((r) => r.kind === 'read')!.passed).toEqual({ '100': 1, '1000': 1, '10000': 1 });
    expect(th.find((r) => r.kind === 'view')!.passed).toEqual({ '100': 0, '1000': 0, '10000': 0 });
  });

  it('aggregates by month over a zero-filled window', async () => {
    const m = await services.usage.monthly(4);
    expect(m.map((r) => r.month)).toEqual(['2026-08', '2026-09', '2026-10', '2026-11']);
    expect(m.map((r) => [r.download, r.read, r.view, r.bots])).toEqual([
      [0, 0, 0, 0],
      [150, 0, 0, 0],
      [1000, 10000, 0, 0],
      [99, 0, 40, 5000],
    ]);
    // RFC-9110's views in January 2025 are outside a 4-month window but inside 23 months.
    expect((await services.usage.monthly(23))[0]).toMatchObject({ month: '2025-01', view: 7 });
  });

  it('ranks top standards and splits by nature and ICS field', async () => {
    expect((await services.usage.top('download', 2)).map((i) => [i.id, i.download])).toEqual([
      ['GB-12955-2024', 1050],
      ['GB-T-29772-2024', 100],
    ]);
    const nature = await services.usage.breakdown('nature');
    expect(nature.find((r) => r.key === 'mandatory')).toMatchObject({ standards: 1, download: 1050, read: 10000, view: 40 });
    expect(nature.find((r) => r.key === 'recommended')).toMatchObject({ standards: 1, download: 100 });
    const ics = await services.usage.breakdown('ics');
    expect(ics.find((r) => r.key === '13')).toMatchObject({ standards: 1, download: 1050, titles: { en: 'Environment. Health protection. Safety' } });
    expect(ics.find((r) => r.key === '03')).toMatchObject({ standards: 1, download: 99 });
    expect(ics.find((r) => r.key === '')).toMatchObject({ standards: 2, download: 100, view: 7 });
  });

  it('exports CSV rows per standard and day', async () => {
    const csv = usageCsv(await services.usage.daily('2026-10-01', '2026-11-30'));
    expect(csv.split('\r\n')).toEqual([
      'day,id,number,page_views,reads,downloads,bot_events',
      '2026-10-02,GB-12955-2024,GB 12955-2024,0,10000,900,0',
      '2026-10-15,GB-T-29772-2024,GB/T 29772-2024,0,0,100,0',
      '2026-11-01,GB-12955-2024,GB 12955-2024,40,0,0,0',
      '2026-11-20,ISO-9001-2015,ISO 9001:2015,0,0,99,5000',
      '',
    ]);
  });

  it('serves /stats.csv over HTTP', async () => {
    const app = await buildServer(services);
    const res = await app.inject({ method: 'GET', url: '/stats.csv?from=2025-01-01&to=2025-12-31' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(res.body).toBe('day,id,number,page_views,reads,downloads,bot_events\r\n2025-01-05,RFC-9110,RFC 9110,7,0,0,0\r\n');
    await app.close();
  });
});
