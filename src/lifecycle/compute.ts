import { isPartialDate } from '../catalogue/model.js';
import type { LifecycleEventType } from './ports.js';
import rulesData from './status-rules.json' with { type: 'json' };

/**
 * The lifecycle rules as pure functions: which phase a standard is in on a date, computed from its dated facts,
 * and how a phase reads as a catalogue status for its publishing body (status-rules.json). No I/O here.
 */

/** A stored fact (src/lifecycle/tables.ts), as the domain sees it. */
export interface LifecycleFact {
  stdId: string;
  type: LifecycleEventType;
  /** 'YYYY-MM-DD', or 'YYYY-MM' for imported month-precision dates. */
  date: string;
  /** The other standard's id (successor of a 'replaced' fact), or null. */
  related: string | null;
  source: string;
  derived: boolean;
  appliedAt: string | null;
}

export type Phase = 'to-be-implemented' | 'current' | 'replaced' | 'abolished' | 'withdrawn';

export const FACT_TYPES: readonly LifecycleEventType[] = ['approved', 'released', 'implemented', 'replaced', 'abolished', 'withdrawn', 'reviewed'];
const TERMINAL: Record<string, number> = { replaced: 3, withdrawn: 2, abolished: 1 };

interface BodyRules {
  'to-be-implemented'?: string;
  current?: string;
  replaced?: string;
  abolished?: string;
  withdrawn?: string;
  releasedOnly?: string | null;
  reviewYears?: number | null;
}
interface StatusRules {
  default: Required<Omit<BodyRules, 'reviewYears'>>;
  bodies: Record<string, BodyRules>;
  terminalSource: string[];
  isoStageFacts: Record<string, LifecycleEventType>;
  dateFacts: Record<string, LifecycleEventType>;
}
/** The rules as shipped (status-rules.json). */
export const STATUS_RULES = rulesData as unknown as StatusRules;

/** True for a real calendar date written 'YYYY-MM-DD'. */
export function isCalendarDate(v: unknown): v is string {
  return typeof v === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(v) && isPartialDate(v);
}

/** True for a date a fact may carry: 'YYYY-MM-DD', or 'YYYY-MM' (month precision, as printed by a source). */
export function isFactDate(v: unknown): v is string {
  return typeof v === 'string' && /^\d{4}-\d{2}(-\d{2})?$/.test(v) && isPartialDate(v);
}

/**
 * A fact is in effect on day `d` when its date is on or before it. String order does this for both precisions:
 * '2014-06' sorts before '2014-06-01', so a month-precision fact counts from the start of its month.
 */
export function inEffect(f: Pick<LifecycleFact, 'date'>, d: string): boolean {
  return f.date <= d;
}

export interface PhaseAt {
  /** null: no recorded fact puts the standard in force or announces it on that day (not yet issued, as far as known). */
  phase: Phase | null;
  /** Date of the fact that started the phase; null when unrecorded. */
  since: string | null;
  /** The fact that started the phase. */
  cause: LifecycleFact | null;
  /** Released, but the body's rules need an implementation date to say more (releasedOnly: null). */
  undecided?: boolean;
}

/**
 * The phase on day `d`: the latest ending fact in effect (replaced > withdrawn > abolished on the same day) ends
 * the life; else an implementation in effect makes it current; else an approval or release announces it (to be
 * implemented while an implementation date lies ahead; `releasedOnly` when no implementation date exists at all).
 * A standard with no start fact but a later end was in force before that end (since unknown).
 */
export function phaseAt(facts: readonly LifecycleFact[], d: string, body: string): PhaseAt {
  const due = facts.filter((f) => inEffect(f, d));
  let end: LifecycleFact | null = null;
  for (const f of due) {
    if (!(f.type in TERMINAL)) continue;
    if (!end || f.date > end.date || (f.date === end.date && TERMINAL[f.type] > TERMINAL[end.type])) end = f;
  }
  if (end) return { phase: end.type as Phase, since: end.date, cause: end };
  const latest = (type: LifecycleEventType) =>
    due.filter((f) => f.type === type).reduce<LifecycleFact | null>((a, f) => (!a || f.date > a.date ? f : a), null);
  const impl = latest('implemented');
  if (impl) return { phase: 'current', since: impl.date, cause: impl };
  const start = due
    .filter((f) => f.type === 'released' || f.type === 'approved')
    .reduce<LifecycleFact | null>((a, f) => (!a || f.date < a.date ? f : a), null);
  if (start) {
    const implementationAhead = facts.some((f) => f.type === 'implemented');
    if (implementationAhead) return { phase: 'to-be-implemented', since: start.date, cause: start };
    if (start.type === 'approved' && !due.some((f) => f.type === 'released')) return { phase: 'to-be-implemented', since: start.date, cause: start };
    const p = rulesOf(body).releasedOnly as Phase | null;
    // null: release alone decides nothing for this body; the caller falls back to the source's status.
    return p ? { phase: p, since: start.date, cause: start } : { phase: null, since: start.date, cause: start, undecided: true };
  }
  const hasStart = facts.some((f) => f.type === 'released' || f.type === 'approved' || f.type === 'implemented');
  if (!hasStart && facts.some((f) => f.type in TERMINAL)) return { phase: 'current', since: null, cause: null };
  return { phase: null, since: null, cause: null };
}

function rulesOf(body: string): Required<Omit<BodyRules, 'reviewYears'>> {
  return { ...STATUS_RULES.default, ...STATUS_RULES.bodies[body] } as Required<Omit<BodyRules, 'reviewYears'>>;
}

/** The catalogue status code of a phase for a body ('replaced' reads 'obsoleted' for an RFC, 'withdrawn' for ISO). */
export function statusOfPhase(phase: Phase, body: string): string {
  return rulesOf(body)[phase];
}

/** Systematic review interval of a body in years; null when the body has none; `fallback` (REVIEW_YEARS) otherwise. */
export function reviewYearsOf(body: string, fallback: number): number | null {
  const b = STATUS_RULES.bodies[body];
  return b && 'reviewYears' in b ? (b.reviewYears ?? null) : fallback;
}

/** True when a source status ends a standard's life (historic, obsoleted, abolished, …). */
export function isTerminalStatus(status: string | null | undefined): boolean {
  return !!status && STATUS_RULES.terminalSource.includes(status);
}

export interface ComputedStatus {
  /** Catalogue status code; null when nothing is recorded for that day (see PhaseAt). */
  status: string | null;
  phase: Phase | null;
  since: string | null;
  cause: LifecycleFact | null;
  /** 'facts' = computed from dated facts; 'source' = the source's status stands (no facts, or an undated end). */
  basis: 'facts' | 'source';
}

/**
 * The status on day `d`. Without facts the source's status stands. With `trustSource` (answers about today), a
 * terminal source status with no dated end fact also stands: the source knows the life ended, not when.
 */
export function computeStatus(
  facts: readonly LifecycleFact[],
  d: string,
  body: string,
  sourceStatus: string | null,
  opts: { trustSource: boolean },
): ComputedStatus {
  if (!facts.length) return { status: sourceStatus, phase: null, since: null, cause: null, basis: 'source' };
  const p = phaseAt(facts, d, body);
  if (p.undecided) return { status: sourceStatus, phase: null, since: p.since, cause: p.cause, basis: 'source' };
  if (!p.phase && opts.trustSource) return { status: sourceStatus, phase: null, since: null, cause: null, basis: 'source' };
  const ended = p.phase === 'replaced' || p.phase === 'abolished' || p.phase === 'withdrawn';
  if (opts.trustSource && !ended && isTerminalStatus(sourceStatus) && !facts.some((f) => f.type in TERMINAL))
    return { status: sourceStatus, phase: p.phase, since: null, cause: null, basis: 'source' };
  return { status: p.phase ? statusOfPhase(p.phase, body) : null, phase: p.phase, since: p.since, cause: p.cause, basis: 'facts' };
}
