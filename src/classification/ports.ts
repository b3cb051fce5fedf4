/** A code of a classification scheme (ICS or CCS), bilingual, in a tree. */
export interface ClassificationCode {
  scheme: 'ics' | 'ccs';
  code: string;
  parent: string | null;
  level: number;
  titleEn: string | null;
  titleZh: string | null;
  /** Notes with cross-references, as given by the source. */
  notes: string[];
  sort: number;
}

/** A node of a browse tree with the number of standards classified under it (itself and its descendants). */
export interface ClassificationNode extends ClassificationCode {
  count: number;
  hasChildren: boolean;
}

export interface ClassificationStore {
  /** Writes one code in its own transaction (event recorded when it changed); idempotent. */
  upsert(code: ClassificationCode, ctx: { actor: string }): Promise<'created' | 'updated' | 'unchanged'>;
  get(scheme: string, code: string): Promise<ClassificationCode | null>;
  /** Children of a node (parent null = top level), each with its standards count. */
  children(scheme: string, parent: string | null): Promise<ClassificationNode[]>;
  /** The chain from the top level down to this code. */
  ancestors(scheme: string, code: string): Promise<ClassificationCode[]>;
  count(scheme: string): Promise<number>;
}
