/** The editorial panel on a standard's page: links to edit, disclosure and withdraw, for those who may. */
import { can } from '../../accounts/policy.js';
import type { PanelInput } from '../standard-panels.js';
import { html, type SafeHtml } from '../html.js';
import { editorStdHref } from './editor.js';

/** Renders nothing for visitors without an editorial right on this record's publisher. */
export async function editorPanel({ ctx, record, principal }: PanelInput): Promise<SafeHtml | null> {
  const scope = { publisher: record.body };
  const edit = can(principal, 'standard.edit', scope);
  const disclose = can(principal, 'disclosure.set', scope);
  const withdraw = can(principal, 'standard.withdraw', scope) && record.status !== 'withdrawn';
  const flash = ctx.query.get('published') === '1' ? ctx.t('editorial.panel.published') : ctx.query.get('withdrawn') === '1' ? ctx.t('editorial.panel.withdrawn') : '';
  if (!edit && !disclose && !withdraw) return null;
  const { t } = ctx;
  return html`<section class="editor-panel"><h2>${t('editorial.panel.title')}</h2>
${flash ? html`<p class="notice" role="status">${flash}</p>` : ''}
<p>${edit ? html`<a href="${editorStdHref(record.id, 'edit')}">${t('editorial.panel.edit')}</a> ` : ''}${disclose ? html`<a href="${editorStdHref(record.id, 'disclosure')}">${t('editorial.panel.disclosure')}</a> ` : ''}${withdraw ? html`<a href="${editorStdHref(record.id, 'withdraw')}">${t('editorial.panel.withdraw')}</a>` : ''}</p></section>`;
}
