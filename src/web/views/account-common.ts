import { LIMITS } from '../../accounts/validate.js';
import { PASSWORD_MAX, PASSWORD_MIN } from '../../accounts/secrets.js';
import { TOKEN_DAYS } from '../../accounts/service.js';
import { isAppError } from '../../kernel/errors.js';
import type { PageCtx } from '../context.js';
import { html, type SafeHtml } from '../html.js';
import type { MessageKey } from '../i18n/index.js';

/** A form problem as a user-facing message in the page's language (never an exception's own text). */
export function formErrorText(ctx: PageCtx, err: unknown): string {
  const { t } = ctx;
  if (!isAppError(err)) return t('error.internal_error');
  const d = err.details ?? {};
  if (err.code === 'conflict' && d.field === 'email') return t('accounts.err.emailTaken');
  if (err.code === 'invalid_credentials' && d.field === 'current_password') return t('accounts.err.currentPassword');
  if (err.code === 'invalid_input') {
    if (d.reason === 'email') return t('accounts.err.email');
    if (d.reason === 'password_length') return t('accounts.err.password', { min: PASSWORD_MIN, max: PASSWORD_MAX });
    if (d.field === 'scopes') return t('accounts.err.scopes');
    if (d.field === 'expiresInDays') return t('accounts.err.expiry', { min: TOKEN_DAYS.min, max: TOKEN_DAYS.max });
    if (d.reason === 'length') return t('accounts.err.name', { max: Number(d.max ?? LIMITS.name) });
  }
  return t(`error.${err.code}` as MessageKey);
}

/** The error box above a form (nothing when there is no error). */
export function formErrors(message: string | undefined): SafeHtml | '' {
  return message ? html`<div class="form-errors" role="alert"><p>${message}</p></div>` : '';
}

/** A notice box (success messages after a redirect). */
export function notice(message: string | undefined): SafeHtml | '' {
  return message ? html`<p class="notice" role="status">${message}</p>` : '';
}

/** A timestamp as 'YYYY-MM-DD HH:MM' UTC (stored times are UTC). */
export function utc(iso: string | null | undefined): string {
  return iso ? `${iso.slice(0, 10)} ${iso.slice(11, 16)}` : '';
}
