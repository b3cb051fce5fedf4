import type { Bulletin, BulletinHeaderInput, BulletinItem, BulletinWithItems } from './model.js';

/** Items of a bulletin by kind. */
export type ItemCounts = Record<'new' | 'revision' | 'abolition', number>;

/** A page of bulletins. */
export interface BulletinPage {
  total: number;
  items: Bulletin[];
}

export interface BulletinQuery {
  state: 'draft' | 'published';
  /** Only these publishers ('all' = no restriction). */
  publishers: string[] | 'all';
  year?: number;
  limit: number;
  offset: number;
}

/** A published bulletin that names a standard, and how. */
export interface StandardMention {
  bulletin: Bulletin;
  item: BulletinItem;
  /** 'announced' (new or revised), 'replaced' (a revision's predecessor) or 'abolished'. */
  role: 'announced' | 'replaced' | 'abolished';
}

/** A relation the publication adds to a catalogue record (only when the record does not state it yet). */
export interface RelationToAdd {
  stdId: string;
  type: 'replaces' | 'replacedBy';
  /** The other standard's number as printed. */
  target: string;
}

/** An event about one standard written by the publication ('standard.announced', 'standard.abolished', …). */
export interface StandardEvent {
  verb: string;
  stdId: string;
  after: Record<string, unknown>;
}

/** What publishing one item writes, besides the lifecycle facts (recorded through the step callback). */
export interface PublishStep {
  seq: number;
  relations: RelationToAdd[];
  events: StandardEvent[];
}

/**
 * The bulletin storage port. Every mutation records an event in the same transaction. `tx` handed to the publish
 * callback is the adapter's transaction (a Kysely Transaction<Database> for the SQL adapter), so other domains
 * (lifecycle facts) write inside the same transaction.
 */
export interface BulletinStore {
  /** Creates a draft; conflict (409) when the publisher already has a bulletin with this year and number. */
  create(b: Bulletin, actor: string): Promise<void>;
  /** Changes a draft's header; conflict when `version` is stale or the number is taken. */
  updateHeader(id: string, version: number, header: BulletinHeaderInput, actor: string, now: string): Promise<Bulletin>;
  get(id: string): Promise<BulletinWithItems | null>;
  getByNumber(publisher: string, year: number, number: number): Promise<BulletinWithItems | null>;
  list(q: BulletinQuery): Promise<BulletinPage>;
  /** Number of items of each kind per bulletin (for lists and the feed). */
  itemCounts(ids: string[]): Promise<Map<string, ItemCounts>>;
  /** Years with published bulletins and their counts, newest first. */
  publishedYears(): Promise<{ year: number; count: number }[]>;
  /** Appends items to a draft in one transaction (seq continues); the draft's version is incremented. */
  addItems(id: string, items: Omit<BulletinItem, 'seq'>[], actor: string, now: string): Promise<BulletinItem[]>;
  removeItem(id: string, seq: number, actor: string, now: string): Promise<boolean>;
  /** Deletes a draft (published bulletins are permanent). */
  deleteDraft(id: string, actor: string, now: string): Promise<boolean>;
  /** Published bulletins naming a standard (as announced, replaced or abolished), newest first. */
  mentions(stdId: string): Promise<StandardMention[]>;
  /**
   * Publishes a draft in ONE transaction: for each step its relations and events, then `onStep(tx, step, index)`
   * (lifecycle facts, test hooks); then the bulletin's state and its 'bulletin.published' event. Anything thrown
   * rolls everything back. invalid_transition when the bulletin is no longer a draft; conflict on a stale version.
   */
  publish(
    id: string,
    version: number,
    steps: PublishStep[],
    ctx: { actor: string; now: string; onStep(tx: unknown, step: PublishStep, index: number): Promise<void> },
  ): Promise<Bulletin>;
}
