/**
 * The accounts model: people, organisations (publishers, committees, enterprises) and memberships, from which a
 * person's grants are derived (grants.ts). Vocabularies below are data; the store validates against them.
 */

export const PERSON_STATUSES = ['active', 'disabled'] as const;
export type PersonStatus = (typeof PERSON_STATUSES)[number];

export const ORG_KINDS = ['publisher', 'committee', 'enterprise'] as const;
export type OrgKind = (typeof ORG_KINDS)[number];

/** Allowed subkinds per organisation kind. */
export const ORG_SUBKINDS: Record<OrgKind, readonly string[]> = {
  publisher: ['national', 'sector', 'local', 'association', 'enterprise'],
  committee: ['TC', 'SC', 'WG'],
  enterprise: ['enterprise'],
};

/** Membership roles and the organisation kind each belongs to. */
export const MEMBERSHIP_ROLES = {
  editor: 'publisher',
  committee_member: 'committee',
  committee_secretary: 'committee',
  enterprise_rep: 'enterprise',
} as const satisfies Record<string, OrgKind>;
export type MembershipRole = keyof typeof MEMBERSHIP_ROLES;

export function isMembershipRole(v: unknown): v is MembershipRole {
  return typeof v === 'string' && Object.prototype.hasOwnProperty.call(MEMBERSHIP_ROLES, v);
}

export interface Person {
  id: string;
  email: string;
  name: string;
  emailVerifiedAt: string | null;
  isAdmin: boolean;
  status: PersonStatus;
  createdAt: string;
  updatedAt: string;
}

export interface Organisation {
  id: string;
  kind: OrgKind;
  subkind: string;
  /** For publishers the catalogue `body` code ('SAC', 'STDHUB'); for committees e.g. 'SAC/TC 28'. */
  code: string;
  nameZh: string | null;
  nameEn: string | null;
  parentId: string | null;
  secretariatOrgId: string | null;
  convenorPersonId: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface Membership {
  id: string;
  personId: string | null;
  memberOrgId: string | null;
  orgId: string;
  role: MembershipRole;
  /** 'P' (participating) or 'O' (observing) for committee members; null otherwise. */
  membershipType: 'P' | 'O' | null;
  createdAt: string;
}

/** A membership with the organisation it is in (for grants and listings). */
export interface MembershipWithOrg extends Membership {
  org: Organisation;
}

export interface SessionRecord {
  idHash: string;
  personId: string;
  csrfToken: string;
  createdAt: string;
  lastSeenAt: string;
  expiresAt: string;
  ip: string | null;
  userAgent: string | null;
}

/** An API token as listed (never the token itself). */
export interface ApiToken {
  id: string;
  personId: string;
  name: string;
  prefix: string;
  scopes: string[];
  expiresAt: string | null;
  revokedAt: string | null;
  createdAt: string;
  lastUsedAt: string | null;
}

export interface ThrottleState {
  key: string;
  failures: number;
  lastAt: string;
  lockedUntil: string | null;
}

export type OneTimePurpose = 'verify' | 'reset';

/** Who did it, for the event written with a mutation. */
export interface Actor {
  actor: string;
}
