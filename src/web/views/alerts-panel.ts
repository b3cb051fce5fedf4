import { html } from '../html.js';
import type { StandardPanel } from '../standard-panels.js';
import { watchPanel } from './alerts.js';

/**
 * The Follow/Unfollow panel on every standard page (registered in src/web/standard-panels.ts). The CSRF field is
 * built from the principal's session token (the panel has no request object).
 */
export const alertsPanel: StandardPanel = async ({ ctx, record, principal }) => {
  const alerts = ctx.services.alerts;
  const watchers = await alerts.watcherCount(record.id);
  if (principal.kind !== 'user' || !principal.userId) return watchPanel(ctx, null, record.id, null, watchers);
  const csrf = html`<input type="hidden" name="_csrf" value="${principal.csrfToken ?? ''}">`;
  return watchPanel(ctx, csrf, record.id, await alerts.watchOnStandard(principal.userId, record.id), watchers);
};
