import type { Centre, LinkVia, Person, Role, SlackIdentity, TeamsIdentity } from '../directory/types.js';
import type { Db, Queryable } from './db.js';

export type UpsertStatus = 'created' | 'updated' | 'unchanged';

export interface CentreInput {
  id: string;
  name: string;
  active?: boolean;
  /** Monday of the first week a return is due; undefined keeps the stored one (null on a new centre: every week). */
  returnsFrom?: string | null;
  /** For a new centre without `returnsFrom`: the Monday to use (the week it is added). */
  returnsFromIfNew?: string | null;
}

/** A Teams identity row, linked to a person or not (yet). */
export interface TeamsIdentityRow {
  tenantId: string;
  aadObjectId: string;
  personId: number | null;
  conversationReference: Record<string, unknown> | null;
  reachable: boolean;
  updatedAt: Date;
}

export interface DigestChannels {
  slack: string[];
  teams: string[];
}

export type { LinkVia };

/** Outcome of linking a chat identity to a person. */
export type LinkOutcome =
  /** Linked now. */
  | 'linked'
  /** Already linked to this person. */
  | 'already'
  /** The identity belongs to someone else. */
  | 'taken'
  /** The person already has another identity on this platform. */
  | 'has-other';

/** One entry of the directory's audit trail (directory_changes). */
export interface DirectoryChange {
  source: 'chat' | 'file' | 'link';
  /** Who made it (a directory person), when a person did. */
  byPerson?: number | null;
  /** Their name at the time, or what made it ("directory file", "email match"). */
  byName?: string | null;
  /** e.g. "register", "remove", "pause", "resume", "link", "digest-channel add". */
  action: string;
  /** The person changed, if any. */
  personId?: number | null;
  email?: string | null;
  centreId?: string | null;
  /** What changed, in words; names no one (the person is in personId / email). */
  detail: string;
}

export interface StoredDirectoryChange extends DirectoryChange {
  id: number;
  at: Date;
}

/** A digest channel with where it came from. */
export interface DigestChannel {
  platform: 'slack' | 'teams';
  channelId: string;
  source: 'file' | 'chat';
  name: string | null;
  /** Set for a file channel an admin removed in chat. */
  removedAt: Date | null;
}

/** Directory persistence: centres, people, roles, platform identities. Services add the rules. */
export interface DirectoryRepo {
  upsertCentre(input: CentreInput, tx?: Queryable): Promise<UpsertStatus>;
  getCentre(id: string): Promise<Centre | null>;
  listCentres(opts?: { activeOnly?: boolean }): Promise<Centre[]>;
  setRemindersPausedUntil(centreId: string, until: string | null): Promise<Centre | null>;

  getPerson(id: number): Promise<Person | null>;
  findPersonByEmail(email: string, tx?: Queryable): Promise<Person | null>;
  findPersonBySlack(team: string, user: string): Promise<Person | null>;
  findPersonByTeams(tenantId: string, aadObjectId: string): Promise<Person | null>;
  listPeople(): Promise<Person[]>;
  /** People holding a role; for oc_lead optionally only those leading `centreId`. */
  peopleWithRole(role: Role, centreId?: string): Promise<Person[]>;

  /** Insert or update by email (lower-cased). */
  upsertPerson(input: { name: string; email: string }, tx?: Queryable): Promise<{ id: number; status: UpsertStatus }>;
  /** Replace a person's roles; returns true when they changed. */
  setRoles(personId: number, roles: Role[], tx?: Queryable): Promise<boolean>;
  /** Replace the centres a person leads; returns true when they changed. */
  setLeadCentres(personId: number, centreIds: string[], tx?: Queryable): Promise<boolean>;
  addRole(personId: number, role: Role, tx?: Queryable): Promise<void>;
  addLeadCentre(personId: number, centreId: string, tx?: Queryable): Promise<void>;
  /** Set or clear the person's Slack identity; returns true when it changed. */
  setSlackIdentity(personId: number, identity: SlackIdentity | null, tx?: Queryable): Promise<boolean>;
  /**
   * Link (or unlink, with null) the person's Teams identity. The identity row survives unlinking only if it has no
   * person; a row created earlier by a conversation reference is adopted. Returns true when the link changed.
   */
  setTeamsIdentity(personId: number, identity: { aadObjectId: string; tenantId: string } | null, tx?: Queryable): Promise<boolean>;
  /**
   * Link a chat identity to a person unless the identity belongs to someone else or the person already has another
   * one on that platform. Safe when two deliveries race: one links, the other sees 'already'.
   */
  linkSlackIdentity(personId: number, identity: SlackIdentity, via: LinkVia, tx?: Queryable): Promise<LinkOutcome>;
  linkTeamsIdentity(personId: number, identity: { aadObjectId: string; tenantId: string }, via: LinkVia, tx?: Queryable): Promise<LinkOutcome>;
  /** How many directory people have no identity on this platform yet (0: no one left to link by email). */
  countUnlinked(platform: 'slack' | 'teams'): Promise<number>;
  /** An admin changed the person's roles or centres in chat (true) or the directory file set them (false). */
  setChangedInChat(personId: number, changed: boolean, tx?: Queryable): Promise<void>;
  /** Append to the audit trail. */
  recordChange(change: DirectoryChange, tx?: Queryable): Promise<void>;
  /** The audit trail, newest first; for one person when personId is given. */
  listChanges(opts?: { personId?: number; limit?: number }): Promise<StoredDirectoryChange[]>;
  /** Add a digest channel from chat (or bring back one removed); returns false when it was already there. */
  addDigestChannel(platform: 'slack' | 'teams', channelId: string, name: string | null, tx?: Queryable): Promise<boolean>;
  /** Remove a digest channel from chat; a file channel is kept as removed. Returns false when it was not there. */
  removeDigestChannel(platform: 'slack' | 'teams', channelId: string, tx?: Queryable): Promise<boolean>;
  /** Every digest channel with its source, removed ones included. */
  listDigestChannels(tx?: Queryable): Promise<DigestChannel[]>;
  /** Store/refresh the conversation reference for a Teams identity (known person or not); marks it reachable. */
  saveTeamsConversationReference(tenantId: string, aadObjectId: string, reference: Record<string, unknown>): Promise<void>;
  /** Teams answered 403 (bot removed or blocked): stop trying until the person talks to the bot again. */
  markTeamsUnreachable(tenantId: string, aadObjectId: string): Promise<boolean>;
  getTeamsIdentity(tenantId: string, aadObjectId: string): Promise<TeamsIdentityRow | null>;
  /**
   * Retention: forget conversation references of Teams users no directory person links, unheard from since
   * `before` (QUESTION_LOG_DAYS). Directory people's references stay: reminders need them. Returns how many.
   */
  expireUnlinkedTeamsIdentities(before: Date): Promise<number>;

  /**
   * Set the directory file's digest channels: file channels not listed go, listed ones are added (unless an admin
   * removed them in chat: `restoreRemoved` brings those back too). Channels added in chat are left alone. Returns true
   * when anything changed.
   */
  setDigestChannels(channels: DigestChannels, tx?: Queryable, opts?: { restoreRemoved?: boolean }): Promise<boolean>;
  /** The channels the digest goes to (removed ones left out). */
  getDigestChannels(tx?: Queryable): Promise<DigestChannels>;

  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>;
}

interface CentreRow {
  id: string;
  name: string;
  active: boolean;
  reminders_paused_until: string | null;
  returns_from: string | null;
}

const centreCols = 'id, name, active, reminders_paused_until, returns_from';

function toCentre(r: CentreRow): Centre {
  return { id: r.id, name: r.name, active: r.active, remindersPausedUntil: r.reminders_paused_until, returnsFrom: r.returns_from };
}

interface PersonRow {
  id: number;
  name: string;
  email: string;
  roles: Role[] | null;
  centres: string[] | null;
  slack_user: string | null;
  slack_team: string | null;
  teams_aad: string | null;
  teams_tenant: string | null;
  teams_ref: Record<string, unknown> | null;
  teams_reachable: boolean | null;
  slack_via: LinkVia | null;
  teams_via: LinkVia | null;
  chat_changed_at: Date | null;
}

const ROLE_ORDER: Role[] = ['oc_lead', 'network_lead', 'admin'];

/** One query per lookup: roles and centres aggregated, identities joined. */
const personSelect = `
  SELECT p.id, p.name, p.email, p.chat_changed_at, s.linked_via AS slack_via, t.linked_via AS teams_via,
    (SELECT array_agg(r.role ORDER BY r.role) FROM person_roles r WHERE r.person_id = p.id) AS roles,
    (SELECT array_agg(l.centre_id ORDER BY l.centre_id) FROM lead_centres l WHERE l.person_id = p.id) AS centres,
    s.user_id AS slack_user, s.team_id AS slack_team,
    t.aad_object_id AS teams_aad, t.tenant_id AS teams_tenant, t.conversation_reference AS teams_ref, t.reachable AS teams_reachable
  FROM people p
  LEFT JOIN slack_identities s ON s.person_id = p.id
  LEFT JOIN teams_identities t ON t.person_id = p.id`;

function toPerson(r: PersonRow): Person {
  const roles = (r.roles ?? []).slice().sort((a, b) => ROLE_ORDER.indexOf(a) - ROLE_ORDER.indexOf(b));
  const teams: TeamsIdentity | null = r.teams_aad
    ? {
        aadObjectId: r.teams_aad,
        tenantId: r.teams_tenant!,
        conversationReference: r.teams_ref ?? null,
        reachable: r.teams_reachable ?? true,
        ...(r.teams_via ? { linkedVia: r.teams_via } : {}),
      }
    : null;
  return {
    id: r.id,
    name: r.name,
    email: r.email,
    roles,
    centres: r.centres ?? [],
    slack: r.slack_user ? { user: r.slack_user, team: r.slack_team!, ...(r.slack_via ? { linkedVia: r.slack_via } : {}) } : null,
    teams,
    ...(r.chat_changed_at ? { chatChangedAt: new Date(r.chat_changed_at) } : {}),
  };
}

interface ChangeRow {
  id: string | number;
  at: Date;
  source: DirectoryChange['source'];
  by_person: number | null;
  by_name: string | null;
  action: string;
  person_id: number | null;
  email: string | null;
  centre_id: string | null;
  detail: string;
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  const x = [...new Set(a)].sort();
  const y = [...new Set(b)].sort();
  return x.length === y.length && x.every((v, i) => v === y[i]);
}

export function createDirectoryRepo(db: Db): DirectoryRepo {
  async function onePerson(where: string, params: unknown[], q: Queryable = db): Promise<Person | null> {
    const r = await q.query<PersonRow>(`${personSelect} WHERE ${where}`, params);
    return r.rows[0] ? toPerson(r.rows[0]) : null;
  }

  const repo: DirectoryRepo = {
    async upsertCentre(input, tx = db) {
      const r = await tx.query<{ inserted: boolean; changed: boolean }>(
        `WITH prev AS (SELECT name, active, returns_from FROM centres WHERE id = $1)
         INSERT INTO centres (id, name, active, returns_from) VALUES ($1, $2, $3, COALESCE($4::date, $5::date))
         ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name, active = EXCLUDED.active,
           returns_from = CASE WHEN $6::boolean THEN $4::date ELSE centres.returns_from END,
           updated_at = CASE WHEN centres.name IS DISTINCT FROM EXCLUDED.name OR centres.active IS DISTINCT FROM EXCLUDED.active
                               OR ($6::boolean AND centres.returns_from IS DISTINCT FROM $4::date)
                             THEN now() ELSE centres.updated_at END
         RETURNING (SELECT count(*) FROM prev) = 0 AS inserted,
           COALESCE((SELECT name <> $2 OR active <> $3 OR ($6::boolean AND returns_from IS DISTINCT FROM $4::date) FROM prev), true) AS changed`,
        [input.id, input.name, input.active ?? true, input.returnsFrom ?? null, input.returnsFromIfNew ?? null, input.returnsFrom !== undefined],
      );
      const row = r.rows[0]!;
      return row.inserted ? 'created' : row.changed ? 'updated' : 'unchanged';
    },
    async getCentre(id) {
      const r = await db.query<CentreRow>(`SELECT ${centreCols} FROM centres WHERE id = $1`, [id]);
      return r.rows[0] ? toCentre(r.rows[0]) : null;
    },
    async listCentres(opts = {}) {
      const r = await db.query<CentreRow>(
        `SELECT ${centreCols} FROM centres ${opts.activeOnly ? 'WHERE active' : ''} ORDER BY name, id`,
      );
      return r.rows.map(toCentre);
    },
    async setRemindersPausedUntil(centreId, until) {
      const r = await db.query<CentreRow>(
        `UPDATE centres SET reminders_paused_until = $2, updated_at = now() WHERE id = $1 RETURNING ${centreCols}`,
        [centreId, until],
      );
      return r.rows[0] ? toCentre(r.rows[0]) : null;
    },

    getPerson: (id) => onePerson('p.id = $1', [id]),
    findPersonByEmail: (email, tx) => onePerson('p.email = $1', [email.trim().toLowerCase()], tx),
    findPersonBySlack: (team, user) => onePerson('s.team_id = $1 AND s.user_id = $2', [team, user]),
    findPersonByTeams: (tenantId, aad) => onePerson('t.tenant_id = $1 AND t.aad_object_id = $2', [tenantId, aad]),
    async listPeople() {
      const r = await db.query<PersonRow>(`${personSelect} ORDER BY p.name, p.id`);
      return r.rows.map(toPerson);
    },
    async peopleWithRole(role, centreId) {
      const r = centreId
        ? await db.query<PersonRow>(
            `${personSelect} WHERE EXISTS (SELECT 1 FROM person_roles r WHERE r.person_id = p.id AND r.role = $1)
               AND EXISTS (SELECT 1 FROM lead_centres l WHERE l.person_id = p.id AND l.centre_id = $2) ORDER BY p.name, p.id`,
            [role, centreId],
          )
        : await db.query<PersonRow>(
            `${personSelect} WHERE EXISTS (SELECT 1 FROM person_roles r WHERE r.person_id = p.id AND r.role = $1) ORDER BY p.name, p.id`,
            [role],
          );
      return r.rows.map(toPerson);
    },

    async upsertPerson(input, tx = db) {
      const email = input.email.trim().toLowerCase();
      const prev = await tx.query<{ id: number; name: string }>('SELECT id, name FROM people WHERE email = $1', [email]);
      if (prev.rows[0]) {
        if (prev.rows[0].name === input.name) return { id: prev.rows[0].id, status: 'unchanged' };
        await tx.query('UPDATE people SET name = $2, updated_at = now() WHERE id = $1', [prev.rows[0].id, input.name]);
        return { id: prev.rows[0].id, status: 'updated' };
      }
      const r = await tx.query<{ id: number; inserted: boolean }>(
        `INSERT INTO people (name, email) VALUES ($1, $2)
         ON CONFLICT (email) DO UPDATE SET name = EXCLUDED.name, updated_at = now()
         RETURNING id, (xmax = 0) AS inserted`,
        [input.name, email],
      );
      return { id: r.rows[0]!.id, status: r.rows[0]!.inserted ? 'created' : 'updated' };
    },
    async setRoles(personId, roles, tx = db) {
      const cur = await tx.query<{ role: string }>('SELECT role FROM person_roles WHERE person_id = $1', [personId]);
      if (sameList(cur.rows.map((r) => r.role), roles)) return false;
      await tx.query('DELETE FROM person_roles WHERE person_id = $1', [personId]);
      for (const role of new Set(roles)) {
        await tx.query('INSERT INTO person_roles (person_id, role) VALUES ($1, $2)', [personId, role]);
      }
      return true;
    },
    async setLeadCentres(personId, centreIds, tx = db) {
      const cur = await tx.query<{ centre_id: string }>('SELECT centre_id FROM lead_centres WHERE person_id = $1', [personId]);
      if (sameList(cur.rows.map((r) => r.centre_id), centreIds)) return false;
      await tx.query('DELETE FROM lead_centres WHERE person_id = $1', [personId]);
      for (const c of new Set(centreIds)) {
        await tx.query('INSERT INTO lead_centres (person_id, centre_id) VALUES ($1, $2)', [personId, c]);
      }
      return true;
    },
    async addRole(personId, role, tx = db) {
      await tx.query('INSERT INTO person_roles (person_id, role) VALUES ($1, $2) ON CONFLICT DO NOTHING', [personId, role]);
    },
    async addLeadCentre(personId, centreId, tx = db) {
      await tx.query('INSERT INTO lead_centres (person_id, centre_id) VALUES ($1, $2) ON CONFLICT DO NOTHING', [personId, centreId]);
    },
    async setSlackIdentity(personId, identity, tx = db) {
      const cur = await tx.query<{ team_id: string; user_id: string }>('SELECT team_id, user_id FROM slack_identities WHERE person_id = $1', [personId]);
      const c = cur.rows[0];
      if (!identity) {
        if (!c) return false;
        await tx.query('DELETE FROM slack_identities WHERE person_id = $1', [personId]);
        return true;
      }
      if (c && c.team_id === identity.team && c.user_id === identity.user) return false;
      await tx.query('DELETE FROM slack_identities WHERE person_id = $1', [personId]);
      await tx.query(
        `INSERT INTO slack_identities (team_id, user_id, person_id, linked_via, linked_at) VALUES ($1, $2, $3, 'file', now())
         ON CONFLICT (team_id, user_id) DO UPDATE SET person_id = EXCLUDED.person_id, linked_via = 'file', linked_at = now()`,
        [identity.team, identity.user, personId],
      );
      return true;
    },
    async linkSlackIdentity(personId, identity, via, tx = db) {
      const r = await tx.query<{ person_id: number }>(
        `INSERT INTO slack_identities (team_id, user_id, person_id, linked_via, linked_at)
         SELECT $1, $2, $3, $4, now() WHERE NOT EXISTS (SELECT 1 FROM slack_identities WHERE person_id = $3)
         ON CONFLICT DO NOTHING RETURNING person_id`,
        [identity.team, identity.user, personId, via],
      );
      if (r.rows.length) return 'linked';
      const owner = await tx.query<{ person_id: number }>('SELECT person_id FROM slack_identities WHERE team_id = $1 AND user_id = $2', [
        identity.team,
        identity.user,
      ]);
      if (owner.rows[0]) return owner.rows[0].person_id === personId ? 'already' : 'taken';
      return 'has-other';
    },
    async linkTeamsIdentity(personId, identity, via, tx = db) {
      // The row may exist already without a person (a stranger's conversation reference): it is adopted.
      const has = await tx.query('SELECT 1 FROM teams_identities WHERE person_id = $1 AND NOT (tenant_id = $2 AND aad_object_id = $3)', [
        personId,
        identity.tenantId,
        identity.aadObjectId,
      ]);
      if (has.rows.length) return 'has-other';
      const r = await tx.query<{ person_id: number }>(
        `INSERT INTO teams_identities (tenant_id, aad_object_id, person_id, linked_via, linked_at) VALUES ($1, $2, $3, $4, now())
         ON CONFLICT (tenant_id, aad_object_id) DO UPDATE SET person_id = EXCLUDED.person_id, linked_via = EXCLUDED.linked_via,
           linked_at = now(), updated_at = now()
         WHERE teams_identities.person_id IS NULL
         RETURNING person_id`,
        [identity.tenantId, identity.aadObjectId, personId, via],
      ).catch((err: unknown) => {
        // The person got another identity between the check and the insert (a concurrent link).
        if ((err as { code?: string }).code === '23505') return { rows: [] as { person_id: number }[] };
        throw err;
      });
      if (r.rows.length) return 'linked';
      const owner = await tx.query<{ person_id: number | null }>(
        'SELECT person_id FROM teams_identities WHERE tenant_id = $1 AND aad_object_id = $2',
        [identity.tenantId, identity.aadObjectId],
      );
      const p = owner.rows[0]?.person_id;
      return p === personId ? 'already' : p ? 'taken' : 'has-other';
    },
    async countUnlinked(platform) {
      const table = platform === 'slack' ? 'slack_identities' : 'teams_identities';
      const r = await db.query<{ n: string | number }>(
        `SELECT count(*) AS n FROM people p WHERE NOT EXISTS (SELECT 1 FROM ${table} i WHERE i.person_id = p.id)`,
      );
      return Number(r.rows[0]?.n ?? 0);
    },
    async setChangedInChat(personId, changed, tx = db) {
      await tx.query(`UPDATE people SET chat_changed_at = ${changed ? 'now()' : 'NULL'} WHERE id = $1`, [personId]);
    },
    async recordChange(c, tx = db) {
      await tx.query(
        `INSERT INTO directory_changes (source, by_person, by_name, action, person_id, email, centre_id, detail)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
        [c.source, c.byPerson ?? null, c.byName ?? null, c.action, c.personId ?? null, c.email?.toLowerCase() ?? null, c.centreId ?? null, c.detail.slice(0, 2000)],
      );
    },
    async listChanges(opts = {}) {
      const limit = Math.min(Math.max(opts.limit ?? 50, 1), 1000);
      const r =
        opts.personId !== undefined
          ? await db.query<ChangeRow>('SELECT * FROM directory_changes WHERE person_id = $1 ORDER BY id DESC LIMIT $2', [opts.personId, limit])
          : await db.query<ChangeRow>('SELECT * FROM directory_changes ORDER BY id DESC LIMIT $1', [limit]);
      return r.rows.map((x) => ({
        id: Number(x.id),
        at: new Date(x.at),
        source: x.source,
        byPerson: x.by_person,
        byName: x.by_name,
        action: x.action,
        personId: x.person_id,
        email: x.email,
        centreId: x.centre_id,
        detail: x.detail,
      }));
    },
    async setTeamsIdentity(personId, identity, tx = db) {
      const cur = await tx.query<{ tenant_id: string; aad_object_id: string }>(
        'SELECT tenant_id, aad_object_id FROM teams_identities WHERE person_id = $1',
        [personId],
      );
      const c = cur.rows[0];
      if (identity && c && c.tenant_id === identity.tenantId && c.aad_object_id === identity.aadObjectId) return false;
      if (!identity && !c) return false;
      // The old identity's conversation reference belongs to the person's old account: drop the row.
      await tx.query('DELETE FROM teams_identities WHERE person_id = $1', [personId]);
      if (identity) {
        await tx.query(
          `INSERT INTO teams_identities (tenant_id, aad_object_id, person_id, linked_via, linked_at) VALUES ($1, $2, $3, 'file', now())
           ON CONFLICT (tenant_id, aad_object_id) DO UPDATE SET person_id = EXCLUDED.person_id, linked_via = 'file', linked_at = now(), updated_at = now()`,
          [identity.tenantId, identity.aadObjectId, personId],
        );
      }
      return true;
    },
    async saveTeamsConversationReference(tenantId, aad, reference) {
      await db.query(
        `INSERT INTO teams_identities (tenant_id, aad_object_id, conversation_reference, reachable) VALUES ($1, $2, $3, true)
         ON CONFLICT (tenant_id, aad_object_id) DO UPDATE
           SET conversation_reference = EXCLUDED.conversation_reference, reachable = true, updated_at = now()`,
        [tenantId, aad, JSON.stringify(reference)],
      );
    },
    async markTeamsUnreachable(tenantId, aad) {
      const r = await db.query(
        `UPDATE teams_identities SET reachable = false, updated_at = now() WHERE tenant_id = $1 AND aad_object_id = $2 AND reachable RETURNING tenant_id`,
        [tenantId, aad],
      );
      return r.rows.length > 0;
    },
    async getTeamsIdentity(tenantId, aad) {
      const r = await db.query<{
        tenant_id: string;
        aad_object_id: string;
        person_id: number | null;
        conversation_reference: Record<string, unknown> | null;
        reachable: boolean;
        updated_at: Date;
      }>('SELECT * FROM teams_identities WHERE tenant_id = $1 AND aad_object_id = $2', [tenantId, aad]);
      const row = r.rows[0];
      return row
        ? {
            tenantId: row.tenant_id,
            aadObjectId: row.aad_object_id,
            personId: row.person_id,
            conversationReference: row.conversation_reference,
            reachable: row.reachable,
            updatedAt: row.updated_at,
          }
        : null;
    },

    async expireUnlinkedTeamsIdentities(before) {
      const r = await db.query('DELETE FROM teams_identities WHERE person_id IS NULL AND updated_at < $1 RETURNING aad_object_id', [before]);
      return r.rows.length;
    },

    async setDigestChannels(channels, tx = db, opts = {}) {
      const current = await repo.listDigestChannels(tx);
      let changed = false;
      for (const platform of ['slack', 'teams'] as const) {
        const wanted = new Set(channels[platform]);
        for (const c of current.filter((x) => x.platform === platform && x.source === 'file' && !wanted.has(x.channelId))) {
          await tx.query('DELETE FROM digest_channels WHERE platform = $1 AND channel_id = $2', [platform, c.channelId]);
          changed = true;
        }
        for (const id of wanted) {
          const have = current.find((x) => x.platform === platform && x.channelId === id);
          if (have && have.removedAt && opts.restoreRemoved) {
            await tx.query('UPDATE digest_channels SET removed_at = NULL, source = $3 WHERE platform = $1 AND channel_id = $2', [platform, id, 'file']);
            changed = true;
          } else if (!have) {
            await tx.query(`INSERT INTO digest_channels (platform, channel_id, source) VALUES ($1, $2, 'file')`, [platform, id]);
            changed = true;
          }
        }
      }
      return changed;
    },
    async getDigestChannels(tx = db) {
      const r = await tx.query<{ platform: 'slack' | 'teams'; channel_id: string }>(
        'SELECT platform, channel_id FROM digest_channels WHERE removed_at IS NULL ORDER BY platform, channel_id',
      );
      return {
        slack: r.rows.filter((x) => x.platform === 'slack').map((x) => x.channel_id),
        teams: r.rows.filter((x) => x.platform === 'teams').map((x) => x.channel_id),
      };
    },
    async listDigestChannels(tx = db) {
      const r = await tx.query<{ platform: 'slack' | 'teams'; channel_id: string; source: 'file' | 'chat'; name: string | null; removed_at: Date | null }>(
        'SELECT platform, channel_id, source, name, removed_at FROM digest_channels ORDER BY platform, channel_id',
      );
      return r.rows.map((x) => ({
        platform: x.platform,
        channelId: x.channel_id,
        source: x.source,
        name: x.name,
        removedAt: x.removed_at ? new Date(x.removed_at) : null,
      }));
    },
    async addDigestChannel(platform, channelId, name, tx = db) {
      const cur = await tx.query<{ removed_at: Date | null }>('SELECT removed_at FROM digest_channels WHERE platform = $1 AND channel_id = $2', [
        platform,
        channelId,
      ]);
      const row = cur.rows[0];
      if (row && !row.removed_at) {
        if (name) await tx.query('UPDATE digest_channels SET name = $3 WHERE platform = $1 AND channel_id = $2', [platform, channelId, name]);
        return false;
      }
      await tx.query(
        `INSERT INTO digest_channels (platform, channel_id, source, name) VALUES ($1, $2, 'chat', $3)
         ON CONFLICT (platform, channel_id) DO UPDATE SET removed_at = NULL, name = COALESCE(EXCLUDED.name, digest_channels.name)`,
        [platform, channelId, name],
      );
      return true;
    },
    async removeDigestChannel(platform, channelId, tx = db) {
      const r = await tx.query<{ source: 'file' | 'chat'; removed_at: Date | null }>(
        'SELECT source, removed_at FROM digest_channels WHERE platform = $1 AND channel_id = $2',
        [platform, channelId],
      );
      const row = r.rows[0];
      if (!row || row.removed_at) return false;
      if (row.source === 'file') await tx.query('UPDATE digest_channels SET removed_at = now() WHERE platform = $1 AND channel_id = $2', [platform, channelId]);
      else await tx.query('DELETE FROM digest_channels WHERE platform = $1 AND channel_id = $2', [platform, channelId]);
      return true;
    },

    transaction: (fn) => db.transaction(fn),
  };
  return repo;
}
