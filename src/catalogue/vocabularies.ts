import vocabData from './vocabularies.json' with { type: 'json' };

/**
 * Vocabularies are data (Datatracker's NameModel): statuses, relation types, date types, … live in
 * vocabularies.json, with zh/en labels and `used` to retire a value. Code asks here instead of hard-coding enums.
 */
export interface VocabEntry {
  code: string;
  en: string;
  zh: string;
  used: boolean;
  inverse?: string;
}
export type VocabKind =
  | 'status'
  | 'nature'
  | 'doc_type'
  | 'date_type'
  | 'relation_type'
  | 'adoption_degree'
  | 'contributor_role'
  | 'body';

const data = vocabData as Record<VocabKind, VocabEntry[]>;
const index = new Map<string, VocabEntry>();
for (const [kind, entries] of Object.entries(data)) for (const e of entries) index.set(`${kind}:${e.code}`, e);

/** All entries of a kind (including retired ones, which have used=false). */
export function vocabulary(kind: VocabKind): readonly VocabEntry[] {
  return data[kind];
}
/** One entry, or undefined when the code is not in the vocabulary. */
export function vocabEntry(kind: VocabKind, code: string): VocabEntry | undefined {
  return index.get(`${kind}:${code}`);
}
/** True when the code exists and is in use. */
export function isKnown(kind: VocabKind, code: string): boolean {
  return index.get(`${kind}:${code}`)?.used === true;
}
/** The label in the interface language, falling back to the code itself for unknown values. */
export function label(kind: VocabKind, code: string, lang: 'zh-CN' | 'en' | string): string {
  const e = index.get(`${kind}:${code}`);
  if (!e) return code;
  return lang.startsWith('zh') ? e.zh : e.en;
}
/** The inverse of a relation type ('replaces' → 'replacedBy'). */
export function inverseRelation(type: string): string | undefined {
  return index.get(`relation_type:${type}`)?.inverse;
}
