import type { StandardSummary } from '../catalogue/ports.js';

export type FacetName = 'body' | 'status' | 'nature' | 'docType' | 'ics' | 'ccs' | 'year';
export const FACET_NAMES: readonly FacetName[] = ['body', 'status', 'nature', 'docType', 'ics', 'ccs', 'year'];

export interface SearchFilters {
  body?: string[];
  status?: string[];
  nature?: string[];
  docType?: string[];
  /** A code or a prefix of one: '13.220' matches 13.220.10 too. */
  ics?: string;
  ccs?: string;
  /** Exact year or an inclusive range. */
  yearFrom?: number;
  yearTo?: number;
}

export type SearchSort = 'relevance' | 'newest' | 'oldest' | 'number';

export interface SearchQuery {
  q: string;
  filters: SearchFilters;
  sort: SearchSort;
  /** 1-based. */
  page: number;
  pageSize: number;
}

/** A piece of text with the matched parts marked; renderers escape each piece (never pre-built HTML). */
export type Highlight = { text: string; hit: boolean }[];

export interface SearchHit extends StandardSummary {
  score: number;
  /** Why this hit is here: an identifier match ranks before text matches. */
  matchedBy: 'number' | 'text';
  /** Highlighted titles by language, built from the original text. */
  highlights: Record<string, Highlight>;
  /** Lineage: for a replaced/withdrawn/abolished standard, the standard(s) that replace it. */
  successors: { id: string | null; number: string; status: string | null }[];
}

export interface FacetValue {
  value: string;
  count: number;
}

export interface SearchResult {
  total: number;
  page: number;
  pageSize: number;
  items: SearchHit[];
  facets: Record<FacetName, FacetValue[]>;
  /** How the query was understood (identifier detected, segmented terms), for display and debugging. */
  interpreted: { identifier: string | null; terms: string[] };
}

/** The catalogue search port (FTS5 on SQLite; tsvector on PostgreSQL later). Never throws on user query text. */
export interface CatalogueSearch {
  search(q: SearchQuery): Promise<SearchResult>;
  close?(): Promise<void>;
}
