import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Services } from '../app/container.js';
import { testServices } from '../testing/services.js';
import { importFileName } from './bulk.js';
import { displayName } from './service.js';
import { sniffTextImporter, stagingFileName } from './staging.js';
import { ADMIN, STS_EN } from './fixtures.case.js';

/** A small RFC-style plain text written for this test (not a real RFC). */
const RFC_TEXT = `



Internet Engineering Task Force (IETF)                          A. Tester
Request for Comments: 9999                                       stdhub
Category: Informational                                    November 2026
ISSN: 2070-1721


                   A Test Document for the Back Office

Abstract

   This document exists to test the editorial back office.

Table of Contents

   1.  Introduction
   2.  Requirements

1.  Introduction

   The back office stages texts before publishing them.

2.  Requirements

   A staged text must be shown before it is published.

Author's Address

   A. Tester
   stdhub
`;

describe('names never become paths', () => {
  it('keeps only a safe last segment of an uploaded name for display', () => {
    expect(displayName('../../etc/passwd')).toBe('passwd');
    expect(displayName('C:\\\\Users\\\\x\\\\rfc1.txt')).toBe('rfc1.txt');
    expect(displayName('a\u0000b\nc.xml')).toBe('abc.xml');
    expect(displayName('')).toBe('upload');
  });
  it('imports a bulk upload under its own name only when that is a plain file name', () => {
    expect(importFileName('rfc9110.txt')).toBe('rfc9110.txt');
    expect(importFileName('../x.tar.gz')).toBe('x.tar.gz');
    expect(importFileName('..')).toBe('upload');
    expect(importFileName('标准 2024.json')).toBe('upload.json');
    expect(importFileName('.hidden.yaml')).toBe('upload.yaml');
  });
  it('names the staged file after the draft, never after the upload', () => {
    const rec = { id: 'RFC-9999', identifiers: [{ type: 'IETF', value: 'RFC 9999', primary: true }] } as never;
    expect(stagingFileName('rfc-text', rec)).toBe('rfc9999.txt');
    expect(stagingFileName('sts', rec)).toBe('RFC-9999.xml');
    expect(sniffTextImporter(Buffer.from('\ufeff  <?xml version="1.0"?><standard/>'))).toBe('sts');
    expect(sniffTextImporter(Buffer.from('Request for Comments: 1'))).toBe('rfc-text');
  });
});

describe('staging an RFC text for an unpublished RFC record', () => {
  let s: Services & { close(): Promise<void> };
  beforeAll(async () => {
    s = await testServices();
  });
  afterAll(async () => {
    await s.close();
  });
  it('finds the draft record (not yet in the catalogue), reports the text and publishes both', async () => {
    const c = { principal: ADMIN };
    const d = await s.editorial.createDraft(c, { identifier: 'RFC 9999', body: 'IETF', docType: 'rfc', status: 'current', titles: { en: 'A Test Document for the Back Office' }, dates: { published: '2026-11-01' }, ics: [], ccs: [], relations: [] });
    const st = await s.editorial.stageText(c, d.id, d.version, { bytes: Buffer.from(RFC_TEXT), name: 'whatever.txt' });
    expect(st.text?.importer).toBe('rfc-text');
    expect(st.text?.report.blocked).toBe(false);
    expect(st.text?.report.stats?.sections).toBeGreaterThanOrEqual(2);
    await s.editorial.publish(c, st.id, st.version);
    const doc = await s.content.get('RFC-9999');
    expect(doc?.source.ref).toBe('rfc9999.txt');
    expect(doc?.body.map((x) => x.id)).toEqual(expect.arrayContaining(['1', '2']));
    // An STS text uploaded for the RFC draft would be another standard's text: blocked.
    const d2 = await s.editorial.createDraft(c, { identifier: 'RFC 9998', body: 'IETF', docType: 'rfc', status: 'current', titles: { en: 'x' }, dates: {}, ics: [], ccs: [], relations: [] });
    const bad = await s.editorial.stageText(c, d2.id, d2.version, { bytes: STS_EN });
    expect(bad.text?.report.blocked).toBe(true);
  });
});
