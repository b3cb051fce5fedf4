import type { StandardSummary } from '../../catalogue/ports.js';
import type { FacetName, FacetValue, Highlight, SearchFilters, SearchHit } from '../ports.js';

/** A clause full-text query: text, the catalogue's filters on the standard, and a page of standards. */
export interface ClauseQuery {
  q: string;
  filters: SearchFilters;
  /** 1-based page of standards (groups). */
  page: number;
  /** Standards per page. */
  pageSize: number;
  /** Whose restricted texts the caller may see (absent: nobody's); see access.ts. */
  access?: ClauseAccess;
}

/** Organisations in which the caller holds text.read_restricted ('all' for site-wide roles). */
export interface ClauseAccess {
  publishers: 'all' | string[];
  committees: 'all' | string[];
}

/** One matching clause (section) of a text. */
export interface ClauseHit {
  /** The section anchor ('9.3.1', 'A.3', 'foreword'): the permalink key. */
  anchor: string;
  /** The number as printed ('9.3.1', 'Annex A'), null for unnumbered front matter. */
  num: string | null;
  title: string;
  /** The title and a window of the section's own text, both highlighted from the ORIGINAL text. */
  titleHighlight: Highlight;
  snippet: Highlight;
  /** `/std/<id>/clause/<anchor>`. */
  permalink: string;
  /** Language of the text the clause is in. */
  lang: string;
  score: number;
}

/** The clauses of one standard that match, best first. */
export interface ClauseGroup {
  standard: StandardSummary;
  score: number;
  /** Matching clauses among the candidates (hits shows the best few). */
  clauseCount: number;
  hits: ClauseHit[];
}

export interface ClauseSearchResult {
  /** Standards with a matching clause (after filters). */
  total: number;
  /** Matching clauses considered; `exact` is false when the query matched more than the candidate cap. */
  clauses: number;
  exact: boolean;
  page: number;
  pageSize: number;
  groups: ClauseGroup[];
  /** Catalogue facets over the standards that have a matching clause (disjunctive, as in catalogue search). */
  facets: Record<FacetName, FacetValue[]>;
  /** Identifier query matches from the catalogue, shown above the clause hits (empty for word queries). */
  catalogue: SearchHit[];
  interpreted: { identifier: string | null; terms: string[] };
}

/** The clause search port. Never throws on user query text. */
export interface ClauseSearch {
  search(q: ClauseQuery): Promise<ClauseSearchResult>;
  close?(): Promise<void>;
}
