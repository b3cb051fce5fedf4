import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ImportReport } from '../kernel/diagnostics.js';
import { sharedData } from '../testing/shared-data.js';
import { testServices } from '../testing/services.js';
import { anyFailed, DEMO_DIR, demoSteps, isEmpty, loadDemo } from './load.js';

/** The full shipped demo (10,018 RFC index entries) loaded twice into a temporary database. */
describe('loadDemo on the shipped demo/ folder', () => {
  let services: Awaited<ReturnType<typeof testServices>>;
  let first: ImportReport[];
  let second: ImportReport[];
  let emptyBefore: boolean;
  let emptyAfter: boolean;

  beforeAll(async () => {
    services = await testServices();
    // No shared data: the demo must work from the repository alone (CCS codes are not shipped).
    const none = join(services.dir, 'no-shared-data');
    mkdirSync(none);
    emptyBefore = await isEmpty(services);
    first = await loadDemo(services, { sharedData: none });
    emptyAfter = await isEmpty(services);
    second = await loadDemo(services, { sharedData: none });
  });
  afterAll(async () => {
    await services?.close();
  });

  it('runs ics, rfc-index, samr-json, relaton in that order', () => {
    expect(first.map((r) => r.importer)).toEqual(['ics', 'rfc-index', 'samr-json', 'relaton']);
  });

  it('loads without failed records or aborts', () => {
    for (const r of first) {
      expect(r.counts.failed, `${r.importer}: ${JSON.stringify(r.diagnostics.filter((d) => d.severity !== 'info').slice(0, 5))}`).toBe(0);
      expect(r.diagnostics.filter((d) => d.severity === 'abort' || d.severity === 'serious'), r.importer).toEqual([]);
    }
    expect(anyFailed(first)).toBe(false);
  });

  it('gives 10,018 RFCs, the six Chinese national standards and the demo association standard', async () => {
    expect(first.find((r) => r.importer === 'rfc-index')?.counts.created).toBe(10_018);
    const stats = await services.catalogue.stats();
    expect(stats.byBody).toEqual(expect.arrayContaining([{ body: 'IETF', count: 10_018 }, { body: 'SAC', count: 6 }, { body: 'STDHUB', count: 1 }]));
    expect(stats.total).toBe(10_018 + 6 + 1);
    expect(await services.classifications.count('ics')).toBe(1381);
    expect(await services.classifications.count('ccs')).toBe(0);
    expect(emptyBefore).toBe(true);
    expect(emptyAfter).toBe(false);
  });

  it('stores the Chinese standards with the facts the source gives', async () => {
    const cur = await services.catalogue.resolve('GB 12955-2024');
    expect(cur).toMatchObject({ status: 'current', nature: 'mandatory' });
    expect(cur?.dates).toEqual(expect.arrayContaining([{ type: 'issued', value: '2024-10-28' }, { type: 'implemented', value: '2026-05-01' }]));
    expect(cur?.relations).toEqual(expect.arrayContaining([expect.objectContaining({ type: 'replaces', target: 'GB 12955-2008' })]));
    const old = await services.catalogue.resolve('GB 12955-2008');
    expect(['replaced', 'abolished']).toContain(old?.status);
    const swap = await services.catalogue.resolve('GB/T 29772-2024');
    expect(swap).toMatchObject({ status: 'current', nature: 'recommended' });
    expect(swap?.dates).toEqual(expect.arrayContaining([{ type: 'implemented', value: '2025-07-01' }]));
    const credit = await services.catalogue.resolve('GB/T 46277-2025');
    expect(credit?.titles).toEqual(expect.arrayContaining([expect.objectContaining({ lang: 'zh', text: '经营主体信用承诺实施指南' })]));
    for (const n of ['GB/T 24067-2024', 'GB/T 35185-2017']) expect(await services.catalogue.resolve(n), n).not.toBeNull();
  });

  it('stores the demo association standard in both languages', async () => {
    const t = await services.catalogue.resolve('T/STDHUB 1-2025');
    expect(t?.body).toBe('STDHUB');
    expect(t?.titles).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ lang: 'zh', text: '标准数字化平台 元数据要求' }),
        expect.objectContaining({ lang: 'en', text: 'Standards digitization platform — Metadata requirements' }),
      ]),
    );
    expect(t?.abstracts.map((a) => a.lang).sort()).toEqual(['en', 'zh']);
    expect(t?.classifications).toEqual([{ scheme: 'ics', code: '01.120' }]);
    const rel = await services.catalogue.relations(t!.id);
    // The cited RFCs are in the demo too, so the relations resolve to records.
    expect(rel.filter((r) => r.type === 'cites' && r.targetId).map((r) => r.targetId).sort()).toEqual(['RFC-3339', 'RFC-3986', 'RFC-5646', 'RFC-8259']);
  });

  it('is idempotent: the second run finds everything unchanged', () => {
    for (const r of second) {
      expect(r.counts.created, r.importer).toBe(0);
      expect(r.counts.updated, r.importer).toBe(0);
      expect(r.counts.failed, r.importer).toBe(0);
      expect(r.counts.unchanged, r.importer).toBe(first.find((f) => f.importer === r.importer)!.counts.created);
    }
  });
});

describe('demoSteps', () => {
  it('uses the shipped demo folder', () => {
    const steps = demoSteps({ sharedData: undefined });
    expect(steps.map((s) => s.importer)).toEqual(['ics', 'rfc-index', 'samr-json', 'relaton']);
    for (const s of steps) expect(s.source.startsWith(DEMO_DIR)).toBe(true);
  });

  it.skipIf(!sharedData('codes/ccs'))('adds CCS codes from the shared data folder when it has them', () => {
    const steps = demoSteps({ sharedData: join(sharedData('codes/ccs')!, '..', '..') });
    expect(steps.at(-1)).toEqual({ importer: 'ccs', source: sharedData('codes/ccs') });
  });
});
