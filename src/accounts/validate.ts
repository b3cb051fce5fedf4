import { AppError } from '../kernel/errors.js';
import { PASSWORD_MAX, PASSWORD_MIN } from './secrets.js';

/** Field bounds of the accounts forms and API (also used for maxlength in the views). */
export const LIMITS = { email: 254, name: 100, tokenName: 100, orgCode: 60, orgName: 200, search: 100 } as const;

// Deliberately loose (RFC 5321 allows much); the verification mail is the real check.
const EMAIL = /^[^\s@<>"',;]+@[^\s@<>"',;]+\.[^\s@<>"',;]+$/;

/** A normalised (trimmed, lower-cased) e-mail address or invalid_input. */
export function validEmail(v: unknown): string {
  const s = typeof v === 'string' ? v.trim().toLowerCase() : '';
  if (!s || s.length > LIMITS.email || !EMAIL.test(s)) throw new AppError('invalid_input', 'Enter a valid e-mail address', { field: 'email', reason: 'email' });
  return s;
}

/** A display name: trimmed, 1–100 characters, no control characters. */
export function validName(v: unknown, field = 'name', max: number = LIMITS.name): string {
  const s = typeof v === 'string' ? v.replace(/[\u0000-\u001f\u007f]/g, '').trim() : '';
  if (!s || s.length > max) throw new AppError('invalid_input', `Enter a ${field} of 1 to ${max} characters`, { field, reason: 'length', max });
  return s;
}

/** A new password within the length bounds. */
export function validPassword(v: unknown, field = 'password'): string {
  const s = typeof v === 'string' ? v : '';
  if (s.length < PASSWORD_MIN || s.length > PASSWORD_MAX)
    throw new AppError('invalid_input', `A password has ${PASSWORD_MIN} to ${PASSWORD_MAX} characters`, { field, reason: 'password_length', min: PASSWORD_MIN, max: PASSWORD_MAX });
  return s;
}
