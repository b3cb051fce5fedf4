import { sql, type Kysely } from 'kysely';
import type { Database } from '../../db/schema.js';
import type { ActorDirectory, ActorInfo } from '../ports.js';

/** Most actors described in one call (a page of the audit view holds far fewer). */
const MAX_DESCRIBE = 1000;

/** Role order when a person holds several: the most privileged one is the one shown to the public. */
const ROLE_RANK = ['editor', 'committee_secretary', 'committee_member', 'enterprise_rep'];

/** The kind part of an actor string ('importer:rfc-index' → 'importer'); 'cli' and 'anonymous' stand alone. */
export function actorKind(actor: string): string {
  const i = actor.indexOf(':');
  return i < 0 ? actor : actor.slice(0, i);
}

/** An actor that is not a person: shown by its own name ('rfc-index'), its kind as the role. */
function nonPerson(actor: string): ActorInfo {
  const kind = actorKind(actor);
  const i = actor.indexOf(':');
  return { actor, name: i < 0 ? actor : actor.slice(i + 1) || actor, role: kind || 'unknown' };
}

/**
 * Actor directory over the accounts tables (person, membership): 'user:<id>' becomes the person's name and their
 * most privileged role ('admin' for site administrators). A person that no longer exists keeps the raw actor.
 */
export class KyselyActorDirectory implements ActorDirectory {
  constructor(private readonly db: Kysely<Database>) {}

  async describe(actors: string[]): Promise<Map<string, ActorInfo>> {
    const out = new Map<string, ActorInfo>();
    const unique = [...new Set(actors)].slice(0, MAX_DESCRIBE);
    const userIds: string[] = [];
    for (const a of unique) {
      if (a.startsWith('user:') || a.startsWith('token:')) userIds.push(a.slice(a.indexOf(':') + 1));
      else out.set(a, nonPerson(a));
    }
    if (userIds.length) {
      const people = await this.db.selectFrom('person').select(['id', 'name', 'is_admin']).where('id', 'in', userIds).execute();
      const roles = await this.db
        .selectFrom('membership')
        .select(['person_id', 'role'])
        .where('person_id', 'in', userIds)
        .execute();
      const byId = new Map(people.map((p) => [p.id, p]));
      for (const a of unique) {
        if (!(a.startsWith('user:') || a.startsWith('token:'))) continue;
        const id = a.slice(a.indexOf(':') + 1);
        const p = byId.get(id);
        if (!p) {
          out.set(a, { actor: a, name: a, role: 'user' });
          continue;
        }
        const held = roles.filter((r) => r.person_id === id).map((r) => r.role);
        const role = Number(p.is_admin) === 1 ? 'admin' : (ROLE_RANK.find((r) => held.includes(r)) ?? 'user');
        out.set(a, { actor: a, name: p.name, role });
      }
    }
    return out;
  }

  async findActors(text: string, max = 50): Promise<string[]> {
    const needle = text.trim().toLowerCase().slice(0, 200);
    if (!needle) return [];
    // LIKE with an explicit escape character (same syntax on SQLite and PostgreSQL) so %, _ typed by a person
    // are matched literally.
    const pattern = `%${needle.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    const rows = await this.db
      .selectFrom('person')
      .select('id')
      .where((eb) =>
        eb.or([
          eb('id', '=', text.trim()),
          eb(sql<string>`lower(name)`, 'like', sql<string>`${pattern} ESCAPE '\\'`),
          eb(sql<string>`lower(email)`, 'like', sql<string>`${pattern} ESCAPE '\\'`),
        ]),
      )
      .orderBy('id')
      .limit(Math.max(1, Math.min(500, max)))
      .execute();
    return rows.map((p) => `user:${p.id}`);
  }
}
