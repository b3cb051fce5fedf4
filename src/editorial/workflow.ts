/**
 * Workflow states as data (states.json, after Datatracker's State.next_states): which state a draft or a published
 * record may move to next. Code asks here instead of hard-coding transitions.
 */
import statesData from './states.json' with { type: 'json' };
import { AppError } from '../kernel/errors.js';

export interface StateDef {
  en: string;
  zh: string;
  next: string[];
  editable?: boolean;
}

const DRAFT = statesData.draft_states as Record<string, StateDef>;
const RECORD = statesData.record_states as Record<string, StateDef>;

/** The state a new draft starts in. */
export const INITIAL_DRAFT_STATE = 'draft';

/** The definition of a draft state (throws for an unknown state: the table holds only states.json values). */
export function draftState(state: string): StateDef {
  const d = DRAFT[state];
  if (!d) throw new AppError('invalid_transition', `unknown draft state "${state}"`);
  return d;
}

/** True when a draft in `state` may still be edited (form, text upload, disclosure). */
export function isEditable(state: string): boolean {
  return DRAFT[state]?.editable === true;
}

/** Throws invalid_transition unless a draft may move from `from` to `to`. */
export function assertDraftTransition(from: string, to: string): void {
  if (!draftState(from).next.includes(to)) throw new AppError('invalid_transition', `a draft in state "${from}" cannot become "${to}"`);
}

/**
 * The workflow state of a published record: 'withdrawn' when its status is withdrawn, else 'published'; a
 * record may be withdrawn only from a status listed in states.json withdrawable_statuses.
 */
export function recordState(status: string): 'published' | 'withdrawn' {
  return status === 'withdrawn' ? 'withdrawn' : 'published';
}

/** Throws invalid_transition unless a record with this status may be withdrawn. */
export function assertWithdrawable(status: string): void {
  const from = recordState(status);
  if (!RECORD[from].next.includes('withdrawn') || !statesData.withdrawable_statuses.includes(status))
    throw new AppError('invalid_transition', `a standard with status "${status}" cannot be withdrawn`);
}

/** Label of a draft state in the interface language. */
export function draftStateLabel(state: string, lang: string): string {
  const d = DRAFT[state];
  if (!d) return state;
  return lang.startsWith('zh') ? d.zh : d.en;
}
