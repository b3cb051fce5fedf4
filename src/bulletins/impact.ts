/**
 * The impact view of a standard: who is affected when it changes. Today that is (1) the standards that cite it —
 * 'cites' relations in the catalogue and references in the normative-references clause of stored texts — and
 * (2) the people watching it (alerts domain). Enterprise self-declarations that name a standard are not tracked
 * yet; the view says so instead of showing a number. Lives beside the bulletins because a bulletin's changes are
 * what the view helps an editor weigh.
 */
import type { StandardMention } from './ports.js';

/** A standard citing the one in view. */
export interface Citation {
  id: string;
  number: string;
  status: string;
  titles: Record<string, string>;
  /** How the citation is known: a catalogue relation, or a reference in a stored text's normative references. */
  via: 'relation' | 'text';
  /** The reference as printed ('GB/T 1.1' undated, 'GB/T 1.1-2020' dated). */
  ref: string;
}

/** Where citations come from (a Kysely query adapter: adapters/kysely-citations.ts). */
export interface CitationSource {
  citing(stdId: string, limit: number): Promise<Citation[]>;
}

export interface ImpactReport {
  citations: Citation[];
  /** True when the list was cut at the limit. */
  citationsTruncated: boolean;
  /** People watching the standard; null when no watch list is configured (never a guessed number). */
  watchers: number | null;
  /** Published bulletins that named the standard. */
  mentions: StandardMention[];
  /** Enterprise declarations are not recorded by stdhub yet: always false until they are. */
  declarationsTracked: false;
}

/** Counts watchers; the alerts domain provides it (services.alerts.watcherCount). */
export interface WatcherCounter {
  watcherCount(stdId: string): Promise<number>;
}

/** Upper bound of citations listed on one page. */
export const CITATION_LIMIT = 500;

/** Builds the impact report of one standard. */
export async function impactOf(
  stdId: string,
  deps: { citations: CitationSource; watchers?: WatcherCounter | null; mentions(stdId: string): Promise<StandardMention[]> },
): Promise<ImpactReport> {
  const [cit, watchers, mentions] = await Promise.all([
    deps.citations.citing(stdId, CITATION_LIMIT + 1),
    deps.watchers ? deps.watchers.watcherCount(stdId) : Promise.resolve(null),
    deps.mentions(stdId),
  ]);
  return {
    citations: cit.slice(0, CITATION_LIMIT),
    citationsTruncated: cit.length > CITATION_LIMIT,
    watchers,
    mentions,
    declarationsTracked: false,
  };
}
