/**
 * Extension points of a standard's page, so that domains (lifecycle, bulletins, alerts, audit, …) add their part
 * without editing the page itself: a panel is a section rendered below the metadata; a tab is a link in the tab
 * row (History, Impact, …). Each domain appends its provider to the arrays below (one line per domain).
 */
import type { Principal } from '../accounts/principal.js';
import type { StandardRecord } from '../catalogue/model.js';
import type { PageCtx } from './context.js';
import { html, type SafeHtml } from './html.js';
import type { MessageKey } from './i18n/index.js';
import { bulletinPanel } from './views/bulletin-panel.js';
import { impactTab } from './views/impact.js';
import { alertsPanel } from './views/alerts-panel.js';
import { lifecyclePanel } from './views/lifecycle-panel.js';
import { historyTab } from './views/audit-tab.js';
import { editorPanel } from './views/editor-panel.js';

export interface PanelInput {
  ctx: PageCtx;
  record: StandardRecord;
  principal: Principal;
  /** The as-of date the page is shown for (YYYY-MM-DD), when the user asked for one. */
  asOf?: string;
}

/** Renders a `<section>` (or nothing). Panels run in order; a failing panel fails the page (no silent gaps). */
export type StandardPanel = (input: PanelInput) => Promise<SafeHtml | null>;

export interface StandardTab {
  /** Message key of the tab label. */
  label: MessageKey;
  /** Path below /std/:id ('' = the overview, 'history', 'impact', 'read'). */
  path: string;
  /** Shown only when this returns true (default: always). */
  visible?: (input: PanelInput) => boolean;
}

export const standardPanels: StandardPanel[] = [
  editorPanel,
  lifecyclePanel,
  alertsPanel,
  bulletinPanel,
];
export const standardTabs: StandardTab[] = [
  historyTab,
  impactTab,
];

/** The tab row of a standard's pages (Overview first, then the registered tabs); `current` is the active path. */
export function standardTabsNav(input: PanelInput, current: string): SafeHtml {
  const base = `/std/${encodeURIComponent(input.record.id)}`;
  const tabs = [{ label: 'std.tab.overview' as MessageKey, path: '' }, ...standardTabs.filter((t) => !t.visible || t.visible(input))];
  return html`<nav class="tabs" aria-label="${input.ctx.t('std.tabs')}">${tabs.map(
    (t) => html`<a href="${t.path ? `${base}/${t.path}` : base}"${t.path === current ? html` aria-current="page"` : ''}>${input.ctx.t(t.label)}</a>`,
  )}</nav>`;
}
