import { bulletinPath } from '../../bulletins/model.js';
import type { StandardMention } from '../../bulletins/ports.js';
import type { PageCtx } from '../context.js';
import { html, type SafeHtml } from '../html.js';
import type { PanelInput } from '../standard-panels.js';
import { bulletinTitle } from './bulletins.js';
import { stdHref } from './components.js';

/** One line per bulletin naming the standard: announced (with its dates), replaced (by whom, from when), abolished. */
export function mentionLines(ctx: PageCtx, mentions: StandardMention[]): SafeHtml {
  return html`<ul class="plain bulletin-mentions">${mentions.map((m) => {
    const link = html`<a href="${bulletinPath(m.bulletin)}#item-${m.item.seq}">${bulletinTitle(ctx, m.bulletin)}</a>`;
    // The message is plain text with a placeholder for the link: split around it so the link stays markup.
    const sentence = (key: Parameters<PageCtx['t']>[0], params: Record<string, string>) => {
      const [before, after = ''] = ctx.t(key, { ...params, bulletin: '\u0000' }).split('\u0000');
      return html`${before}${link}${after}`;
    };
    if (m.role === 'abolished') return html`<li>${sentence('bulletins.panel.abolished', { date: m.item.abolitionDate ?? m.bulletin.date })}</li>`;
    if (m.role === 'replaced')
      return html`<li>${sentence('bulletins.panel.replaced', { successor: m.item.std.number, date: m.item.implementationDate ?? '' })} (<a href="${stdHref(m.item.std.id)}">${m.item.std.number}</a>)</li>`;
    return html`<li>${sentence('bulletins.panel.announced', { release: m.item.releaseDate ?? '', implementation: m.item.implementationDate ?? '' })}</li>`;
  })}</ul>`;
}

/** Standard page panel: the published bulletins that announced, replaced or abolished this standard. */
export async function bulletinPanel(input: PanelInput): Promise<SafeHtml | null> {
  const mentions = await input.ctx.services.bulletins.mentions(input.record.id);
  if (!mentions.length) return null;
  return html`<section class="bulletin-panel"><h2>${input.ctx.t('bulletins.panel.title')}</h2>${mentionLines(input.ctx, mentions)}</section>`;
}
