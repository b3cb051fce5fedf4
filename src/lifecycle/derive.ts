import type { StandardRecord } from '../catalogue/model.js';
import { isFactDate, STATUS_RULES } from './compute.js';
import type { LifecycleEventInput } from './ports.js';

/** A successor of a standard as resolved in the catalogue: its id and the date its replacement takes effect. */
export interface Successor {
  id: string;
  /** The successor's implementation date, else its issue/publication date; null when it has none. */
  date: string | null;
}

/** The date a successor's replacement takes effect: implementation, else issue, else publication (fact dates only). */
export function effectiveDate(r: Pick<StandardRecord, 'dates'>): string | null {
  for (const type of ['implemented', 'issued', 'published']) {
    const v = r.dates.find((d) => d.type === type)?.value;
    if (isFactDate(v)) return v;
  }
  return null;
}

/**
 * The lifecycle facts a catalogue record states by itself (data honesty: only dates the source printed):
 * its typed dates (status-rules.json dateFacts; 'published' only without 'issued'), an ISO harmonized stage that
 * states a fact on the record's 'stage-date', and a 'replaced' fact for each successor with a date. Year-only
 * dates state no day or month and make no fact.
 */
export function deriveFacts(record: StandardRecord, successors: readonly Successor[]): LifecycleEventInput[] {
  const source = `importer:${record.source.importer}`;
  const out: LifecycleEventInput[] = [];
  const add = (f: LifecycleEventInput) => {
    if (!out.some((x) => x.type === f.type && x.date === f.date && (x.related ?? '') === (f.related ?? ''))) out.push(f);
  };
  const hasIssued = record.dates.some((d) => d.type === 'issued' && isFactDate(d.value));
  for (const d of record.dates) {
    const type = STATUS_RULES.dateFacts[d.type];
    if (!type || !isFactDate(d.value)) continue;
    if (d.type === 'published' && hasIssued) continue;
    add({ stdId: record.id, type, date: d.value, source });
  }
  const stageType = record.stage ? STATUS_RULES.isoStageFacts[record.stage] : undefined;
  const stageDate = record.dates.find((d) => d.type === 'stage-date')?.value;
  if (stageType && isFactDate(stageDate)) add({ stdId: record.id, type: stageType, date: stageDate, source });
  for (const s of successors) if (s.date && s.id !== record.id) add({ stdId: record.id, type: 'replaced', date: s.date, related: s.id, source });
  return out;
}
