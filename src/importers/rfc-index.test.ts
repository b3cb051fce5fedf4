import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KyselyCatalogueStore } from '../catalogue/adapters/kysely-store.js';
import { KyselyClassificationStore } from '../classification/adapters/kysely-store.js';
import type { Database } from '../db/schema.js';
import { kyselyOf, migrate, openSqlite } from '../db/sqlite.js';
import { FakeClock } from '../kernel/clock.js';
import { sharedData } from '../testing/shared-data.js';
import { entryToRecord, parseAuthors, parseEntry, rfcStatus, splitIndex, splitTitleAuthors } from './rfc-index.js';
import { runImport } from './runner.js';

/** A store fixture on a temp SQLite file (no search index: the importer only talks to the catalogue port). */
async function fixture() {
  const dir = mkdtempSync(join(tmpdir(), 'stdhub-rfc-'));
  const db: Kysely<Database> = kyselyOf(openSqlite(join(dir, 'db.sqlite')));
  await migrate(db);
  const clock = new FakeClock(new Date('2026-11-25T00:00:00Z'));
  const catalogue = new KyselyCatalogueStore(db, clock, []);
  const classifications = new KyselyClassificationStore(db, clock);
  return {
    dir,
    db,
    catalogue,
    deps: { db, clock, catalogue, classifications },
    async close() {
      await db.destroy();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

const standardEvents = async (db: Kysely<Database>) =>
  Number((await db.selectFrom('event').select((eb) => eb.fn.countAll<number>().as('n')).where('object_type', '=', 'standard').executeTakeFirstOrThrow()).n);

describe('rfc-index parsing', () => {
  it('joins continuation lines, rejoining words the index wrapped at a hyphen', () => {
    const text = [
      'header line',
      '',
      '994 Final text of DIS 8473, Protocol for Providing the Connectionless-',
      '     mode Network Service. International Organization for',
      '     Standardization. March 1986. (Format: TXT, HTML) (Obsoletes RFC926)',
      '     (Status: UNKNOWN) (DOI: 10.17487/RFC994)',
      '',
      '995 Not Issued.',
    ].join('\n');
    const { entries } = splitIndex(text);
    expect(entries.map((e) => e.line)).toEqual([3, 8]);
    const { entry, issues } = parseEntry(entries[0]);
    expect(issues).toEqual([]);
    expect(entry?.title).toBe('Final text of DIS 8473, Protocol for Providing the Connectionless-mode Network Service');
    expect(entry?.authors).toEqual([{ name: 'International Organization for Standardization', editor: false }]);
    expect(entry?.obsoletes).toEqual(['RFC 926']);
    expect(parseEntry(entries[1]).entry?.notIssued).toBe(true);
  });

  it('splits titles that contain periods from author lists with initials', () => {
    expect(splitTitleAuthors('Conversations with S. Crocker (UCLA). E. Meyer.')).toEqual({ title: 'Conversations with S. Crocker (UCLA)', authors: 'E. Meyer.' });
    expect(splitTitleAuthors('LDAPv2 Client vs. the Index Mesh. R. Hedberg.')?.title).toBe('LDAPv2 Client vs. the Index Mesh');
    expect(splitTitleAuthors('Requirements for Inter-Area MPLS Traffic Engineering. J.-L. Le Roux, Ed., J.-P. Vasseur, J. Boyle.')?.title).toBe(
      'Requirements for Inter-Area MPLS Traffic Engineering',
    );
    // A title ending in an all-capitals word is found on the second pass.
    expect(splitTitleAuthors('Transmission over IP. J. Smith.')).toEqual({ title: 'Transmission over IP', authors: 'J. Smith.' });
    expect(splitTitleAuthors('No authors at all.')).toBeNull();
  });

  it('reads editors, name suffixes and et al. from an author list', () => {
    expect(parseAuthors('R. Fielding, Ed., M. Nottingham, Ed., P. Nesser, II, T. Murphy Jr., RFC Editor, et al..')).toEqual({
      authors: [
        { name: 'R. Fielding', editor: true },
        { name: 'M. Nottingham', editor: true },
        { name: 'P. Nesser II', editor: false },
        { name: 'T. Murphy Jr.', editor: false },
        { name: 'RFC Editor', editor: false },
      ],
      etAl: true,
    });
  });

  it('reads a day-precise date and keeps unknown groups', () => {
    const { entry, issues } = parseEntry({ line: 1, text: '1149 Standard for the transmission of IP datagrams on avian carriers. D. Waitzman. 1 April 1990. (Format: TXT, HTML) (Updated by RFC2549, RFC6214) (Stream: Legacy) (Colour: blue) (Status: EXPERIMENTAL) (DOI: 10.17487/RFC1149)' });
    expect(entry?.date).toBe('1990-04-01');
    expect(entry?.updatedBy).toEqual(['RFC 2549', 'RFC 6214']);
    expect(entry?.stream).toBe('Legacy');
    expect(entry?.other).toEqual(['Colour: blue']);
    expect(issues.map((i) => i.id)).toEqual(['rfc_index.unknown_group']);
    const rec = entryToRecord(entry!, 'rfc-index.txt');
    expect(rec.extra).toEqual({ stream: 'Legacy', formats: ['TXT', 'HTML'], other: ['Colour: blue'] });
  });

  it('maps statuses through rfc-status.json in rule order', () => {
    const base = { notIssued: false, obsoletedBy: [] as string[] };
    expect(rfcStatus({ ...base, status: 'PROPOSED STANDARD' })).toEqual({ status: 'current', known: true });
    expect(rfcStatus({ ...base, status: 'HISTORIC' })).toEqual({ status: 'historic', known: true });
    expect(rfcStatus({ ...base, status: 'HISTORIC', obsoletedBy: ['RFC 1'] })).toEqual({ status: 'obsoleted', known: true });
    expect(rfcStatus({ ...base, notIssued: true })).toEqual({ status: 'not-issued', known: true });
    expect(rfcStatus({ ...base, status: 'SOMETHING NEW' })).toEqual({ status: 'unknown', known: false });
  });
});

describe('rfc-index importer on a damaged index', () => {
  let f: Awaited<ReturnType<typeof fixture>>;
  beforeAll(async () => {
    f = await fixture();
  });
  afterAll(async () => f.close());

  it('reports each bad entry with its line and imports the rest', async () => {
    const text = [
      '                 RFC INDEX', // 1
      '', // 2
      '1 Host Software. S. Crocker. April 1969. (Format: TXT, HTML) (Status:', // 3
      '     UNKNOWN) (DOI: 10.17487/RFC1)', // 4
      '', // 5
      '2x Host software. B. Duvall. April 1969. (Status: UNKNOWN)', // 6
      '', // 7
      '3 Documentation conventions. S.D. Crocker. (Format: TXT) (Status:', // 8
      '     UNKNOWN)', // 9
      '', // 10
      '4 Network timetable. E.B. Shapiro. March 1969. (Format: TXT, HTML)', // 11
      '     (Status: SOMEWHAT STANDARD) (DOI: 10.17487/RFC4)', // 12
      '', // 13
      '1 Host Software again. S. Crocker. April 1969. (Status: UNKNOWN)', // 14
      '6 Not Issued.', // 15: a new entry even without a blank line before it
      'stray words in column one', // 16
      '', // 17
      '5 Not Issued.', // 18
    ].join('\n');
    const path = join(f.dir, 'broken-index.txt');
    writeFileSync(path, text);
    const report = await runImport(f.deps, 'rfc-index', path);
    expect(report.counts).toMatchObject({ seen: 7, created: 4, failed: 3 });
    const at = (id: string) => report.diagnostics.filter((d) => d.id === id).map((d) => [d.location.file, d.location.line, d.severity]);
    expect(at('rfc_index.bad_number')).toEqual([['broken-index.txt', 6, 'serious']]);
    expect(at('rfc_index.no_date')).toEqual([['broken-index.txt', 8, 'serious']]);
    expect(at('rfc_index.unknown_status')).toEqual([['broken-index.txt', 11, 'minor']]);
    expect(at('rfc_index.duplicate')).toEqual([['broken-index.txt', 14, 'serious']]);
    expect(at('rfc_index.stray_text')).toEqual([['broken-index.txt', 16, 'info']]);
    expect((await f.catalogue.get('RFC-1'))?.titles[0].text).toBe('Host Software');
    expect((await f.catalogue.get('RFC-4'))?.status).toBe('unknown');
    expect((await f.catalogue.get('RFC-5'))?.status).toBe('not-issued');
    expect((await f.catalogue.get('RFC-6'))?.status).toBe('not-issued');
    expect(await f.catalogue.get('RFC-3')).toBeNull();
    // The run and its diagnostics are stored with their lines.
    const stored = await f.db.selectFrom('diagnostic').select(['diag_id', 'line']).where('diag_id', '=', 'rfc_index.no_date').execute();
    expect(stored).toEqual([{ diag_id: 'rfc_index.no_date', line: 8 }]);
  });

  it('aborts with a diagnostic when a folder holds no rfc-index.txt', async () => {
    const empty = mkdtempSync(join(f.dir, 'empty-'));
    const report = await runImport(f.deps, 'rfc-index', empty);
    expect(report.diagnostics.map((d) => [d.id, d.severity])).toEqual([['rfc_index.not_found', 'abort']]);
  });
});

const INDEX = sharedData('ietf-rfc/rfc-index.txt');

describe.skipIf(!INDEX)('rfc-index importer on the real RFC Editor index', () => {
  let f: Awaited<ReturnType<typeof fixture>>;
  let first: Awaited<ReturnType<typeof runImport>>;
  beforeAll(async () => {
    f = await fixture();
    const t0 = performance.now();
    first = await runImport(f.deps, 'rfc-index', INDEX!);
    const s = (performance.now() - t0) / 1000;
    // Informational only (never asserted): records per second on this machine.
    console.info(`rfc-index: ${first.counts.seen} entries in ${s.toFixed(1)} s (${Math.round(first.counts.seen / s)} records/s)`);
  });
  afterAll(async () => f?.close());

  it('imports every one of the 10,018 entries without a failure', async () => {
    expect(first.counts).toMatchObject({ seen: 10018, created: 10018, failed: 0 });
    expect(await f.catalogue.count()).toBe(10018);
    expect(first.diagnostics.filter((d) => d.severity === 'serious' || d.severity === 'abort')).toEqual([]);
  });

  it('maps RFC 9110 completely', async () => {
    const r = await f.catalogue.get('RFC-9110');
    expect(r).not.toBeNull();
    expect(r!.identifiers).toEqual([
      { type: 'IETF', value: 'RFC 9110', primary: true },
      { type: 'DOI', value: '10.17487/RFC9110' },
    ]);
    expect(r!.titles).toEqual([{ lang: 'en', type: 'main', text: 'HTTP Semantics' }]);
    expect(r!.dates).toEqual([{ type: 'published', value: '2022-06' }]);
    expect(r!.year).toBe(2022);
    expect(r!.body).toBe('IETF');
    expect(r!.docType).toBe('rfc');
    expect(r!.status).toBe('current');
    expect(r!.statusSource).toBe('INTERNET STANDARD');
    expect(r!.contributors.map((c) => [c.role, c.name])).toEqual([
      ['editor', 'R. Fielding'],
      ['editor', 'M. Nottingham'],
      ['editor', 'J. Reschke'],
    ]);
    const rel = (type: string) => r!.relations.filter((x) => x.type === type).map((x) => x.target);
    expect(rel('replaces')).toEqual(['RFC 2818', 'RFC 7230', 'RFC 7231', 'RFC 7232', 'RFC 7233', 'RFC 7235', 'RFC 7538', 'RFC 7615', 'RFC 7694']);
    expect(rel('updates')).toEqual(['RFC 3864']);
    expect(rel('partOf')).toEqual(['STD 97']);
    expect(r!.extra).toEqual({ formats: ['HTML', 'TXT', 'PDF', 'XML'] });
    expect(r!.source).toEqual({ importer: 'rfc-index', ref: 'rfc-index.txt#RFC9110' });
  });

  it('marks RFC 2616 obsoleted, keeping both directions as the index states them', async () => {
    const r = await f.catalogue.get('RFC-2616');
    expect(r!.status).toBe('obsoleted');
    expect(r!.statusSource).toBe('DRAFT STANDARD');
    expect(r!.relations.filter((x) => x.type === 'replacedBy').map((x) => x.target)).toEqual(['RFC 7230', 'RFC 7231', 'RFC 7232', 'RFC 7233', 'RFC 7234', 'RFC 7235']);
    expect(r!.relations.filter((x) => x.type === 'replaces').map((x) => x.target)).toEqual(['RFC 2068']);
    // The successor resolves to its stored record.
    const resolved = await f.catalogue.relations('RFC-2616');
    const to7230 = resolved.find((x) => x.type === 'replacedBy' && x.target === 'RFC 7230');
    expect(to7230?.targetId).toBe('RFC-7230');
    expect(to7230?.targetStatus).toBe('obsoleted'); // 7230 was itself obsoleted by 9110
  });

  it('imports "Not Issued" entries as not-issued records', async () => {
    const r = await f.catalogue.get('RFC-14');
    expect(r).toMatchObject({ id: 'RFC-14', status: 'not-issued', statusSource: 'Not Issued', titles: [], dates: [], links: [] });
    const n = await f.db.selectFrom('standard').select((eb) => eb.fn.countAll<number>().as('n')).where('status', '=', 'not-issued').executeTakeFirstOrThrow();
    expect(Number(n.n)).toBe(188);
  });

  it('is idempotent: a second run changes nothing and records no standard event', async () => {
    const before = await standardEvents(f.db);
    expect(before).toBe(10018);
    const again = await runImport(f.deps, 'rfc-index', INDEX!);
    expect(again.counts).toMatchObject({ seen: 10018, created: 0, updated: 0, unchanged: 10018, failed: 0 });
    expect(await standardEvents(f.db)).toBe(before);
  });
});
