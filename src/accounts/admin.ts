import { AppError } from '../kernel/errors.js';
import { isMembershipRole, MEMBERSHIP_ROLES, ORG_KINDS, ORG_SUBKINDS, type Organisation, type OrgKind, type Person } from './model.js';
import type { AccountsStore, NewOrganisation } from './ports.js';
import { LIMITS, validEmail, validName } from './validate.js';

/** Raw organisation form input (strings from a form or JSON). */
export interface OrgInput {
  kind?: string;
  subkind?: string;
  code?: string;
  nameZh?: string;
  nameEn?: string;
  parentId?: string;
  secretariatOrgId?: string;
  convenorEmail?: string;
}

const optional = (v: string | undefined, field: string): string | null => (v && v.trim() ? validName(v, field, LIMITS.orgName) : null);

/** Validates organisation input against the vocabularies and the stored organisations and people. */
async function orgFields(store: AccountsStore, kind: OrgKind, input: OrgInput, selfId?: string): Promise<Omit<NewOrganisation, 'kind'>> {
  const subkind = input.subkind ?? '';
  if (!ORG_SUBKINDS[kind].includes(subkind)) throw new AppError('invalid_input', `Unknown ${kind} type`, { field: 'subkind' });
  const code = validName(input.code, 'code', LIMITS.orgCode);
  let parentId: string | null = null;
  let secretariatOrgId: string | null = null;
  let convenorPersonId: string | null = null;
  if (kind === 'committee') {
    if (input.parentId) {
      const parent = await store.getOrg(input.parentId.slice(0, 100));
      if (!parent || parent.kind !== 'committee' || parent.id === selfId) throw new AppError('invalid_input', 'The parent must be another committee', { field: 'parent_id' });
      parentId = parent.id;
    }
    if (input.secretariatOrgId) {
      const sec = await store.getOrg(input.secretariatOrgId.slice(0, 100));
      if (!sec) throw new AppError('invalid_input', 'Unknown secretariat organisation', { field: 'secretariat_org_id' });
      secretariatOrgId = sec.id;
    }
    if (input.convenorEmail?.trim()) {
      const p = await store.findPersonByEmail(validEmail(input.convenorEmail));
      if (!p) throw new AppError('invalid_input', 'No person with this e-mail address', { field: 'convenor_email' });
      convenorPersonId = p.id;
    }
  }
  return { subkind, code, nameZh: optional(input.nameZh, 'name_zh'), nameEn: optional(input.nameEn, 'name_en'), parentId, secretariatOrgId, convenorPersonId };
}

/** Creates a publisher, committee or enterprise (org.created). */
export async function createOrganisation(store: AccountsStore, input: OrgInput, actor: string): Promise<Organisation> {
  const kind = ORG_KINDS.find((k) => k === input.kind);
  if (!kind) throw new AppError('invalid_input', 'Unknown organisation kind', { field: 'kind' });
  return store.createOrg({ kind, ...(await orgFields(store, kind, input)) }, { actor });
}

/** Updates an organisation (org.updated with before/after). */
export async function updateOrganisation(store: AccountsStore, id: string, input: OrgInput, actor: string): Promise<Organisation> {
  const org = await store.getOrg(id);
  if (!org) throw new AppError('not_found', 'No such organisation');
  return store.updateOrg(id, await orgFields(store, org.kind, input, id), { actor });
}

/**
 * Adds a member to an organisation: a person (by e-mail) in a role of the organisation's kind, or — for
 * committees — a member body (by code) as a P or O member.
 */
export async function addMember(
  store: AccountsStore,
  orgId: string,
  input: { email?: string; body?: string; role?: string; membershipType?: string },
  actor: string,
): Promise<void> {
  const org = await store.getOrg(orgId);
  if (!org) throw new AppError('not_found', 'No such organisation');
  const role = input.role;
  if (!isMembershipRole(role) || MEMBERSHIP_ROLES[role] !== org.kind) throw new AppError('invalid_input', 'This role does not fit this organisation', { field: 'role' });
  const membershipType = role === 'committee_member' ? (input.membershipType === 'O' ? 'O' : 'P') : null;
  if (input.body?.trim()) {
    if (org.kind !== 'committee') throw new AppError('invalid_input', 'Only committees have member bodies', { field: 'body' });
    const code = validName(input.body, 'body', LIMITS.orgCode);
    let body: Organisation | null = null;
    for (const k of ['enterprise', 'publisher', 'committee'] as const) body ??= await store.orgByCode(k, code);
    if (!body || body.id === org.id) throw new AppError('invalid_input', 'No organisation with this code', { field: 'body' });
    await store.grantMembership({ memberOrgId: body.id, orgId, role, membershipType }, { actor });
    return;
  }
  const person = await store.findPersonByEmail(validEmail(input.email));
  if (!person) throw new AppError('invalid_input', 'No person with this e-mail address', { field: 'email' });
  await store.grantMembership({ personId: person.id, orgId, role, membershipType }, { actor });
}

/**
 * Enables/disables a person or sets their admin flag (person.updated). An administrator cannot disable or demote
 * themselves, so a site cannot lose its last way in by a slip.
 */
export async function setPersonFlags(store: AccountsStore, id: string, patch: { status?: 'active' | 'disabled'; isAdmin?: boolean }, actorUserId: string): Promise<Person> {
  if (id === actorUserId && (patch.status === 'disabled' || patch.isAdmin === false))
    throw new AppError('conflict', 'You cannot disable or demote yourself');
  return store.updatePerson(id, patch, { actor: `user:${actorUserId}` });
}
