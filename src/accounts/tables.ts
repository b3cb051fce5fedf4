/** Kysely table types of the accounts domain (merged into Database in src/db/schema.ts). */
import type { Generated } from 'kysely';

/** A person who can sign in. email is stored lower-cased (unique); password_hash is an argon2id PHC string. */
export interface PersonTable {
  id: string;
  email: string;
  name: string;
  password_hash: string | null;
  email_verified_at: string | null;
  is_admin: number;
  status: string; // 'active' | 'disabled'
  created_at: string;
  updated_at: string;
}

/** Publishers (code = catalogue `body`), committees (TC/SC/WG) and enterprises. */
export interface OrganisationTable {
  id: string;
  kind: string; // 'publisher' | 'committee' | 'enterprise'
  subkind: string; // publisher: national|sector|local|association|enterprise; committee: TC|SC|WG; enterprise: enterprise
  code: string;
  name_zh: string | null;
  name_en: string | null;
  parent_id: string | null;
  secretariat_org_id: string | null;
  convenor_person_id: string | null;
  created_at: string;
  updated_at: string;
}

/** A person (person_id) or a member body (member_org_id) holding a role in an organisation. */
export interface MembershipTable {
  id: string;
  person_id: string | null;
  member_org_id: string | null;
  org_id: string;
  role: string; // editor | committee_member | committee_secretary | enterprise_rep
  membership_type: string | null; // 'P' | 'O' for committee members
  created_at: string;
}

/** Server-side sessions; only the SHA-256 of the cookie value is stored. */
export interface SessionTable {
  id_hash: string;
  person_id: string;
  csrf_token: string;
  created_at: string;
  last_seen_at: string;
  expires_at: string;
  ip: string | null;
  user_agent: string | null;
}

/** Personal API tokens; only the SHA-256 of the token is stored, `prefix` is shown to recognise it. */
export interface ApiTokenTable {
  id: string;
  person_id: string;
  name: string;
  token_hash: string;
  prefix: string;
  scopes: string; // JSON array of actions
  expires_at: string | null;
  revoked_at: string | null;
  created_at: string;
  last_used_at: string | null;
}

/** Failed sign-in bookkeeping per key ('email:<address>' or 'ip:<address>'). */
export interface LoginThrottleTable {
  key: string;
  failures: number;
  last_at: string;
  locked_until: string | null;
}

/** The development mail outbox (MAIL_TRANSPORT=outbox). */
export interface MailOutboxTable {
  id: Generated<number>;
  to: string;
  subject: string;
  text: string;
  html: string | null;
  headers: string | null; // JSON
  created_at: string;
}

/** E-mail verification and password reset links; only the SHA-256 of the token is stored. */
export interface OneTimeTokenTable {
  token_hash: string;
  purpose: string; // 'verify' | 'reset'
  person_id: string;
  created_at: string;
  expires_at: string;
  used_at: string | null;
}

export interface AccountsTables {
  person: PersonTable;
  organisation: OrganisationTable;
  membership: MembershipTable;
  session: SessionTable;
  api_token: ApiTokenTable;
  login_throttle: LoginThrottleTable;
  mail_outbox: MailOutboxTable;
  one_time_token: OneTimeTokenTable;
}
