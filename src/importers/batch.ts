import type { StandardRecord } from '../catalogue/model.js';
import type { Diagnostic } from '../kernel/diagnostics.js';
import type { ImportContext } from './types.js';

/**
 * Collects records and writes them with CatalogueStore.upsertMany: each record stays atomic (a savepoint), but
 * commits are shared by a batch, which on SQLite is most of the per-record cost. Counts outcomes and turns a
 * failed write into a diagnostic at the record's location. A crash loses at most the open batch — never half a
 * record — and a re-run completes it (imports are idempotent).
 */
export class RecordBatcher {
  private pending: { record: StandardRecord; location: Diagnostic['location'] }[] = [];

  constructor(
    private readonly ctx: ImportContext,
    private readonly idPrefix: string,
    private readonly size = 500,
  ) {}

  async add(record: StandardRecord, location: Diagnostic['location']): Promise<void> {
    this.pending.push({ record, location });
    if (this.pending.length >= this.size) await this.flush();
  }

  async flush(): Promise<void> {
    if (!this.pending.length) return;
    const batch = this.pending;
    this.pending = [];
    const counts = this.ctx.log.counts;
    let results;
    try {
      results = await this.ctx.catalogue.upsertMany(
        batch.map((b) => b.record),
        { actor: this.ctx.actor },
      );
    } catch (e) {
      // The batch transaction itself failed (e.g. disk full): nothing of it was written.
      for (const b of batch) {
        counts.failed++;
        this.ctx.log.error(`${this.idPrefix}.write_failed`, `${b.record.id}: ${(e as Error).message}`, { ...b.location, record: b.record.id }, 'storage');
      }
      return;
    }
    results.forEach((r, i) => {
      if (typeof r === 'string') counts[r]++;
      else {
        counts.failed++;
        this.ctx.log.error(`${this.idPrefix}.write_failed`, `${batch[i].record.id}: ${r.error.message}`, { ...batch[i].location, record: batch[i].record.id }, 'storage');
      }
    });
  }
}
