/**
 * Which standards' clauses a clause search may return (src/reader/disclosure.ts): never a 'not-disclosed' text (its
 * clauses would leak through snippets), and a 'restricted' text only to callers holding text.read_restricted on
 * its publisher or committee (ClauseQuery.access). Restricted texts are invisible, not merely unlinked: their
 * clauses count nowhere (hits, totals, facets). Shared by the SQLite engine and the PostgreSQL one.
 */
import type { ClauseAccess } from './ports.js';

/** A standard whose text is not public: its disclosure mode, publisher and committee. */
export interface NonPublicText {
  std_id: string;
  mode: string;
  body: string;
  committee: string | null;
}

/** The query listing non-public texts (one row per standard; the disclosure table holds few rows). */
export const NON_PUBLIC_TEXTS_SQL =
  "SELECT d.std_id, d.mode, s.body, s.committee FROM disclosure d JOIN standard s ON s.id = d.std_id WHERE d.mode IN ('restricted', 'not-disclosed')";

/** The ids of standards whose clauses the caller may not see. */
export function hiddenStandards(rows: readonly NonPublicText[], access: ClauseAccess | undefined): Set<string> {
  const hidden = new Set<string>();
  for (const r of rows) {
    if (r.mode !== 'restricted') {
      hidden.add(r.std_id);
      continue;
    }
    const pubs = access?.publishers ?? [];
    const cttees = access?.committees ?? [];
    const allowed =
      pubs === 'all' || cttees === 'all' || pubs.includes(r.body) || (r.committee !== null && cttees.includes(r.committee));
    if (!allowed) hidden.add(r.std_id);
  }
  return hidden;
}
