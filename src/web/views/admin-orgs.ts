import { MEMBERSHIP_ROLES, ORG_KINDS, ORG_SUBKINDS, type Membership, type Organisation, type OrgKind } from '../../accounts/model.js';
import { LIMITS } from '../../accounts/validate.js';
import type { PageCtx } from '../context.js';
import { html, type SafeHtml } from '../html.js';
import type { MessageKey } from '../i18n/index.js';
import { formErrors, notice } from './account-common.js';
import { orgLabel } from './account.js';
import { adminTabs } from './admin-people.js';
import { layout } from './layout.js';

/** Values of the organisation form (create or edit). */
export interface OrgFormValues {
  subkind?: string;
  code?: string;
  nameZh?: string | null;
  nameEn?: string | null;
  parentId?: string | null;
  secretariatOrgId?: string | null;
  convenorEmail?: string | null;
}

function select(name: string, options: { value: string; label: string }[], selected: string | null | undefined, empty = true): SafeHtml {
  return html`<select name="${name}">${empty ? html`<option value=""></option>` : ''}${options.map(
    (o) => html`<option value="${o.value}"${o.value === selected ? html` selected` : ''}>${o.label}</option>`,
  )}</select>`;
}

/** The fields of an organisation form; committees also get parent, secretariat and convenor. */
function orgFields(ctx: PageCtx, kind: OrgKind, all: Organisation[], v: OrgFormValues, selfId?: string): SafeHtml {
  const { t } = ctx;
  const subkinds = ORG_SUBKINDS[kind].map((s) => ({ value: s, label: t(`accounts.orgs.subkind.${s}` as MessageKey) }));
  const committees = all.filter((o) => o.kind === 'committee' && o.id !== selfId).map((o) => ({ value: o.id, label: o.code }));
  const bodies = all.filter((o) => o.kind !== 'committee').map((o) => ({ value: o.id, label: `${o.code} (${t(`accounts.kind.${o.kind}` as MessageKey)})` }));
  return html`<label>${t('accounts.orgs.subkind')}${select('subkind', subkinds, v.subkind, false)}</label>
  <label>${t('accounts.orgs.code')}<input name="code" required maxlength="${LIMITS.orgCode}" value="${v.code ?? ''}"></label>
  <label>${t('accounts.orgs.nameZh')}<input name="name_zh" maxlength="${LIMITS.orgName}" value="${v.nameZh ?? ''}"></label>
  <label>${t('accounts.orgs.nameEn')}<input name="name_en" maxlength="${LIMITS.orgName}" value="${v.nameEn ?? ''}"></label>
  ${kind === 'committee'
    ? html`<label>${t('accounts.orgs.parent')}${select('parent_id', committees, v.parentId)}</label>
  <label>${t('accounts.orgs.secretariat')}${select('secretariat_org_id', bodies, v.secretariatOrgId)}</label>
  <label>${t('accounts.orgs.convenor')}<input type="email" name="convenor_email" maxlength="${LIMITS.email}" value="${v.convenorEmail ?? ''}"></label>`
    : ''}`;
}

/** GET /admin/orgs?kind=…: one tab per kind, the list, and an add form. */
export function orgListPage(ctx: PageCtx, csrf: SafeHtml, kind: OrgKind, all: Organisation[], state: { error?: string; notice?: string; values?: OrgFormValues } = {}): SafeHtml {
  const { t } = ctx;
  const list = all.filter((o) => o.kind === kind);
  const byId = new Map(all.map((o) => [o.id, o]));
  const main = html`<h1>${t('accounts.orgs.title')}</h1>
${adminTabs(ctx, 'orgs')}
<nav class="tabs" aria-label="${t('accounts.orgs.tabs')}">${ORG_KINDS.map(
    (k) => html`<a href="/admin/orgs?kind=${k}"${k === kind ? html` aria-current="page"` : ''}>${t(`accounts.kind.${k}` as MessageKey)}</a>`,
  )}</nav>
${notice(state.notice)}
${list.length
    ? html`<table class="data"><thead><tr><th>${t('accounts.orgs.code')}</th><th>${t('accounts.orgs.subkind')}</th><th>${t('accounts.orgs.nameZh')}</th><th>${t('accounts.orgs.nameEn')}</th>${kind === 'committee' ? html`<th>${t('accounts.orgs.parent')}</th>` : ''}<th></th></tr></thead><tbody>${list.map(
        (o) => html`<tr><td>${o.code}</td><td>${t(`accounts.orgs.subkind.${o.subkind}` as MessageKey)}</td><td>${o.nameZh ?? ''}</td><td>${o.nameEn ?? ''}</td>${kind === 'committee' ? html`<td>${o.parentId ? (byId.get(o.parentId)?.code ?? '') : ''}</td>` : ''}<td><a href="/admin/orgs/${o.id}">${t('accounts.orgs.edit')}</a></td></tr>`,
      )}</tbody></table>`
    : html`<p>${t('accounts.orgs.empty')}</p>`}
<h2>${t('accounts.orgs.create')}: ${t(`accounts.kind.${kind}` as MessageKey)}</h2>
${formErrors(state.error)}
<form class="stack" method="post" action="/admin/orgs">
  ${csrf}<input type="hidden" name="kind" value="${kind}">
  ${orgFields(ctx, kind, all, state.values ?? {})}
  <div><button type="submit">${t('accounts.orgs.create')}</button></div>
</form>`;
  return layout(ctx, { title: t('accounts.orgs.title'), main });
}

/** A member row as shown: a person (name, e-mail) or a member body (code). */
export interface MemberView {
  m: Membership;
  label: string;
}

/** GET /admin/orgs/:id: edit form and members (people, and for committees P/O member bodies). */
export function orgPage(ctx: PageCtx, csrf: SafeHtml, org: Organisation, all: Organisation[], members: MemberView[], values: OrgFormValues, state: { error?: string; notice?: string } = {}): SafeHtml {
  const { t } = ctx;
  const roles = Object.entries(MEMBERSHIP_ROLES).filter(([, k]) => k === org.kind).map(([r]) => r);
  const main = html`<h1>${orgLabel(ctx, org)}</h1>
${adminTabs(ctx, 'orgs')}
<p><a href="/admin/orgs?kind=${org.kind}">${t(`accounts.kind.${org.kind}` as MessageKey)}</a></p>
${notice(state.notice)}${formErrors(state.error)}
<form class="stack" method="post" action="/admin/orgs/${org.id}">
  ${csrf}
  ${orgFields(ctx, org.kind, all, values, org.id)}
  <div><button type="submit">${t('accounts.save')}</button></div>
</form>
<h2>${t('accounts.orgs.members')}</h2>
${members.length
    ? html`<table class="data"><thead><tr><th>${t('accounts.name')}</th><th>${t('accounts.role')}</th><th></th></tr></thead><tbody>${members.map(
        ({ m, label }) => html`<tr><td>${m.personId ? html`<a href="/admin/people/${m.personId}">${label}</a>` : label}</td><td>${t(`accounts.role.${m.role}` as MessageKey)}${m.membershipType ? ` (${m.membershipType})` : ''}</td><td><form method="post" action="/admin/memberships/${m.id}/revoke">${csrf}<input type="hidden" name="back" value="/admin/orgs/${org.id}"><button type="submit" class="danger">${t('accounts.people.revoke')}</button></form></td></tr>`,
      )}</tbody></table>`
    : html`<p>${t('accounts.orgs.noMembers')}</p>`}
<form class="inline-form" method="post" action="/admin/orgs/${org.id}/members">
  ${csrf}
  <label>${t('accounts.orgs.addPerson')}<input type="email" name="email" required maxlength="${LIMITS.email}"></label>
  <label>${t('accounts.role')}<select name="role">${roles.map((r) => html`<option value="${r}">${t(`accounts.role.${r}` as MessageKey)}</option>`)}</select></label>
  ${org.kind === 'committee' ? html`<label>${t('accounts.people.memberType')}<select name="membership_type"><option value="P">P</option><option value="O">O</option></select></label>` : ''}
  <button type="submit">${t('accounts.create')}</button>
</form>
${org.kind === 'committee'
    ? html`<form class="inline-form" method="post" action="/admin/orgs/${org.id}/members">
  ${csrf}<input type="hidden" name="role" value="committee_member">
  <label>${t('accounts.orgs.addBody')}<input name="body" required maxlength="${LIMITS.orgCode}"></label>
  <label>${t('accounts.people.memberType')}<select name="membership_type"><option value="P">P</option><option value="O">O</option></select></label>
  <button type="submit">${t('accounts.create')}</button>
</form>`
    : ''}`;
  return layout(ctx, { title: org.code, main });
}
