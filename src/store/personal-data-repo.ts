import { createHmac } from 'node:crypto';
import type { Db, Queryable } from './db.js';
import type { SettingsRepo } from './settings-repo.js';

/**
 * Every table the store has, and what it holds about people: the record of processing (docs/data-protection.md)
 * in code. Tables holding personal data say how one person's rows are found, exported and erased; the others say
 * why they hold none. A test compares this list with the migrated schema and with the document, so a migration that
 * adds a table cannot ship without both.
 */

/** One person, as the store can find them: their directory row (if any) and the keyed hashes of their chat ids. */
export interface DataSubjectKeys {
  /** The directory person's id, or null for someone known only by a chat id (plain staff). */
  personId: number | null;
  /** Lower-case email of the directory person (the directory file's key), or null. */
  email: string | null;
  /** Keyed hashes of their platform ids (src/store/subject-keys.ts): question log, stored answers, votes. */
  userHashes: string[];
  /** Teams identities to include even when no directory person links them (conversation references). */
  teams: { aadObjectId: string; tenantId?: string }[];
}

type Row = Record<string, unknown>;

export interface PersonalTable {
  table: string;
  personal: true;
  /** What it holds about a person, why, and for how long: one line each (the document says more). */
  holds: string;
  /** The person's rows, as exported (internal link columns may be left out when the export shows them elsewhere). */
  export(q: Queryable, s: DataSubjectKeys): Promise<Row[]>;
  /** Removes (or, for returns, anonymises) the person's rows; returns how many rows changed. */
  erase(q: Queryable, s: DataSubjectKeys): Promise<number>;
}

export interface ImpersonalTable {
  table: string;
  personal: false;
  /** Why nothing in it names or can be linked to a person. */
  why: string;
}

export type TablePolicy = PersonalTable | ImpersonalTable;

/** Settings key: email -> hash of that person's entry at the last directory import (src/directory/import.ts). */
export const DIRECTORY_ENTRIES_SETTING = 'directory_file_entries';
/** Settings key of the secret that keys the deleted-people tombstones. */
const TOMBSTONE_SECRET_SETTING = 'deleted_people_key';

const none = async () => [] as Row[];
const count = (r: { rows: unknown[] }) => r.rows.length;

/**
 * In erasure order: rows that refer to others are changed before the rows they refer to (the person last), all in
 * one transaction. Export runs in the same order, so the document reads person first only by table name.
 */
export const TABLES: TablePolicy[] = [
  { table: 'schema_migrations', personal: false, why: 'names and checksums of applied migration files' },
  { table: 'store_health', personal: false, why: "the /healthz write probe's one row (when it last wrote)" },
  {
    table: 'settings',
    personal: true,
    holds: "the directory file's email -> entry-hash map (which people the last import applied), besides installation secrets",
    async export(q, s) {
      if (!s.email) return [];
      const map = await entriesMap(q);
      return s.email in map ? [{ key: DIRECTORY_ENTRIES_SETTING, email: s.email, entryHash: map[s.email] }] : [];
    },
    async erase(q, s) {
      if (!s.email) return 0;
      const map = await entriesMap(q);
      if (!(s.email in map)) return 0;
      delete map[s.email];
      await q.query('UPDATE settings SET value = $2, updated_at = now() WHERE key = $1', [DIRECTORY_ENTRIES_SETTING, JSON.stringify(map)]);
      return 1;
    },
  },
  { table: 'centres', personal: false, why: "centre ids, names, active flag and reminder pauses (the centres' data)" },
  { table: 'digest_channels', personal: false, why: 'ids (and, when added in chat, names) of the channels the weekly digest is posted to' },
  { table: 'attendance_returns', personal: false, why: 'one row per centre and week: the current version number' },
  { table: 'knowledge_documents', personal: false, why: "the knowledge base's documents (the borough's published strategy documents): file name, bytes, title and link" },
  { table: 'knowledge_document_changes', personal: false, why: 'which document was added, updated or removed, when, and through what (a folder, kb ingest, kb remove); no person' },
  {
    table: 'attendance_submission_keys',
    personal: true,
    holds: 'the delivery id of each return submission (Slack view / trigger id, Teams message hash)',
    async export(q, s) {
      if (s.personId === null) return [];
      const r = await q.query(
        `SELECT k.idempotency_key, k.centre_id, k.week_start, k.version, k.outcome, k.received_at
         FROM attendance_submission_keys k JOIN attendance_return_versions v ON v.idempotency_key = k.idempotency_key
         WHERE v.submitted_by = $1 ORDER BY k.received_at`,
        [s.personId],
      );
      return r.rows;
    },
    async erase(q, s) {
      if (s.personId === null) return 0;
      // The delivery ids of their submissions could be matched with the platform's own logs: replaced by random ones.
      const r = await q.query(
        `UPDATE attendance_submission_keys k SET idempotency_key = 'erased:' || gen_random_uuid()::text
         FROM attendance_return_versions v WHERE v.idempotency_key = k.idempotency_key AND v.submitted_by = $1 RETURNING k.version`,
        [s.personId],
      );
      return count(r);
    },
  },
  {
    table: 'attendance_return_versions',
    personal: true,
    holds: "who submitted each version of a centre's return (person id and name); the figures are the centre's",
    async export(q, s) {
      if (s.personId === null) return [];
      const r = await q.query(
        `SELECT centre_id, week_start, version, sessions, academic, enrichment, careers, digital, weekend, attendances, pupils,
                fsm, send, parents, note, submitted_by, submitted_by_name, submitted_at, changes
         FROM attendance_return_versions WHERE submitted_by = $1 ORDER BY week_start, centre_id, version`,
        [s.personId],
      );
      return r.rows;
    },
    async erase(q, s) {
      if (s.personId === null) return 0;
      // Kept for the centre (its figures feed the network's reporting) with the submitter removed: "deleted person".
      const r = await q.query(
        `UPDATE attendance_return_versions
            SET submitted_by = NULL, submitted_by_name = NULL, idempotency_key = 'erased:' || gen_random_uuid()::text
          WHERE submitted_by = $1 RETURNING version`,
        [s.personId],
      );
      return count(r);
    },
  },
  {
    table: 'question_log',
    personal: true,
    holds: "questions asked, with a keyed hash of the asker's chat id (for the digest's unanswered questions)",
    async export(q, s) {
      if (!s.userHashes.length) return [];
      const r = await q.query(
        'SELECT asked_at, platform, question, answered FROM question_log WHERE user_hash = ANY($1::text[]) ORDER BY asked_at, id',
        [s.userHashes],
      );
      return r.rows;
    },
    async erase(q, s) {
      if (!s.userHashes.length) return 0;
      return count(await q.query('DELETE FROM question_log WHERE user_hash = ANY($1::text[]) RETURNING id', [s.userHashes]));
    },
  },
  {
    table: 'bot_deliveries',
    personal: true,
    holds: 'Slack/Teams delivery ids already handled (7 days); a share is keyed by answer id and channel',
    // Delivery ids say nothing by themselves; what links to the person is sharing their own answers, exported there.
    export: none,
    async erase(q, s) {
      if (!s.userHashes.length) return 0;
      const r = await q.query(
        `DELETE FROM bot_deliveries d USING bot_answers a
         WHERE a.asker_hash = ANY($1::text[]) AND d.key LIKE 'share:' || a.id || ':%' RETURNING d.key`,
        [s.userHashes],
      );
      return count(r);
    },
  },
  {
    table: 'teams_answer_messages',
    personal: true,
    holds: 'keyed hash of a Teams message -> the answer it carries; removed with the answer',
    export: none,
    async erase(q, s) {
      if (!s.userHashes.length) return 0;
      const r = await q.query(
        `DELETE FROM teams_answer_messages m USING bot_answers a WHERE m.answer_id = a.id AND a.asker_hash = ANY($1::text[])
         RETURNING m.message_key`,
        [s.userHashes],
      );
      return count(r);
    },
  },
  {
    table: 'bot_feedback',
    personal: true,
    holds: "Helpful / Not helpful votes, with a keyed hash of the voter's chat id",
    async export(q, s) {
      if (!s.userHashes.length) return [];
      const r = await q.query(
        `SELECT f.answer_id, a.question, f.helpful, f.comment, f.created_at, f.updated_at
         FROM bot_feedback f LEFT JOIN bot_answers a ON a.id = f.answer_id
         WHERE f.voter_hash = ANY($1::text[]) ORDER BY f.created_at`,
        [s.userHashes],
      );
      return r.rows;
    },
    async erase(q, s) {
      if (!s.userHashes.length) return 0;
      return count(await q.query('DELETE FROM bot_feedback WHERE voter_hash = ANY($1::text[]) RETURNING answer_id', [s.userHashes]));
    },
  },
  {
    table: 'bot_answers',
    personal: true,
    holds: "questions asked and the answers given, with keyed hashes of the asker, the thread and where it is public",
    async export(q, s) {
      if (!s.userHashes.length) return [];
      const r = await q.query(
        `SELECT id, platform, question, answer, answered, citations, created_at
         FROM bot_answers WHERE asker_hash = ANY($1::text[]) ORDER BY seq`,
        [s.userHashes],
      );
      return r.rows;
    },
    async erase(q, s) {
      if (!s.userHashes.length) return 0;
      // Their votes' and other people's votes on these answers go with them (ON DELETE CASCADE).
      return count(await q.query('DELETE FROM bot_answers WHERE asker_hash = ANY($1::text[]) RETURNING id', [s.userHashes]));
    },
  },
  {
    table: 'notification_claims',
    personal: true,
    holds: 'reminders and digests sent to the person (recipient "person:<id>", week, outcome, the message and its DM so a reminder can say "received"), kept 400 days',
    async export(q, s) {
      if (s.personId === null) return [];
      const r = await q.query(
        `SELECT kind, recipient, period, state, attempts, platform, message_id, conversation_id, centre_ids, error_code, error_message,
                claimed_at, sent_at
         FROM notification_claims WHERE recipient = $1 ORDER BY period, kind`,
        [`person:${s.personId}`],
      );
      return r.rows;
    },
    async erase(q, s) {
      if (s.personId === null) return 0;
      return count(await q.query('DELETE FROM notification_claims WHERE recipient = $1 RETURNING kind', [`person:${s.personId}`]));
    },
  },
  {
    table: 'teams_identities',
    personal: true,
    holds: 'Teams identity (AAD object id, tenant) and the conversation reference for proactive messages',
    async export(q, s) {
      const r = await q.query(
        `SELECT tenant_id, aad_object_id, person_id, conversation_reference, reachable, linked_via, linked_at, updated_at FROM teams_identities
         WHERE person_id = $1 OR aad_object_id = ANY($2::text[]) ORDER BY tenant_id, aad_object_id`,
        [s.personId, s.teams.map((t) => t.aadObjectId)],
      );
      return r.rows;
    },
    async erase(q, s) {
      const r = await q.query(
        'DELETE FROM teams_identities WHERE person_id = $1 OR aad_object_id = ANY($2::text[]) RETURNING aad_object_id',
        [s.personId, s.teams.map((t) => t.aadObjectId)],
      );
      return count(r);
    },
  },
  {
    table: 'directory_changes',
    personal: true,
    holds: 'the audit of directory changes: who changed what for whom (admins in chat, the directory file, links made by email)',
    async export(q, s) {
      if (s.personId === null && !s.email) return [];
      const r = await q.query(
        `SELECT at, source, action, detail, centre_id, person_id = $1 OR email = $2 AS about_them, by_person = $1 AS made_by_them
         FROM directory_changes WHERE person_id = $1 OR email = $2 OR by_person = $1 ORDER BY id`,
        [s.personId, s.email],
      );
      return r.rows;
    },
    async erase(q, s) {
      if (s.personId === null && !s.email) return 0;
      // Changes about them go; changes they made to others stay in the others' audit, without their name.
      const about = await q.query('DELETE FROM directory_changes WHERE person_id = $1 OR email = $2 RETURNING id', [s.personId, s.email]);
      const made = await q.query('UPDATE directory_changes SET by_person = NULL, by_name = NULL WHERE by_person = $1 RETURNING id', [s.personId]);
      return count(about) + count(made);
    },
  },
  personRows('slack_identities', 'Slack identity (user and workspace id), and how and when it was linked', 'team_id, user_id, linked_via, linked_at'),
  personRows('lead_centres', 'the centres an Opportunity Centre lead leads', 'centre_id'),
  personRows('person_roles', 'roles (oc_lead, network_lead, admin)', 'role'),
  {
    table: 'people',
    personal: true,
    holds: 'name and work email of directory people (leads, network leads, admins)',
    async export(q, s) {
      if (s.personId === null) return [];
      return (await q.query('SELECT id, name, email, chat_changed_at, created_at, updated_at FROM people WHERE id = $1', [s.personId])).rows;
    },
    async erase(q, s) {
      if (s.personId === null) return 0;
      // Roles, centres and the Slack identity go with the row (ON DELETE CASCADE).
      return count(await q.query('DELETE FROM people WHERE id = $1 RETURNING id', [s.personId]));
    },
  },
  {
    table: 'deleted_people',
    personal: false,
    why: 'tombstones of erased people: a keyed hash of the email only (what stops re-creation), never the email',
  },
];

function personRows(table: string, holds: string, cols: string): PersonalTable {
  return {
    table,
    personal: true,
    holds,
    async export(q, s) {
      if (s.personId === null) return [];
      return (await q.query(`SELECT ${cols} FROM ${table} WHERE person_id = $1 ORDER BY ${cols}`, [s.personId])).rows;
    },
    async erase(q, s) {
      if (s.personId === null) return 0;
      return count(await q.query(`DELETE FROM ${table} WHERE person_id = $1 RETURNING person_id`, [s.personId]));
    },
  };
}

async function entriesMap(q: Queryable): Promise<Record<string, string>> {
  const r = await q.query<{ value: string }>('SELECT value FROM settings WHERE key = $1', [DIRECTORY_ENTRIES_SETTING]);
  return r.rows[0] ? (JSON.parse(r.rows[0].value) as Record<string, string>) : {};
}

export const PERSONAL_TABLES = TABLES.filter((t): t is PersonalTable => t.personal);

/** An erased email's tombstone. */
export interface Tombstone {
  /** The keyed hash the tombstone is stored under (pass it to forgetTombstone). */
  key: string;
  deletedAt: Date;
}

export interface PersonalDataRepo {
  /** The subject's rows in every table holding personal data, by table name. */
  export(s: DataSubjectKeys): Promise<Record<string, Row[]>>;
  /**
   * Erases the subject from every table in one transaction and, when they had an email, leaves a tombstone so a
   * directory file still listing them does not re-create them. Returns rows changed per table.
   */
  erase(s: DataSubjectKeys): Promise<Record<string, number>>;
  /**
   * After an erasure: rewrite the tables that held the person so deleted rows leave no bytes behind in the database
   * files, and refresh the planner's statistics (ANALYZE samples column values). PGlite (our files): VACUUM FULL and
   * the write-ahead log segments that held the rows removed. Postgres: VACUUM and ANALYZE; its WAL, archives and
   * backups are the database administrator's (docs/data-protection.md).
   */
  compact(): Promise<void>;
  /** Tombstones of these emails (lower-cased), by email; emails never erased are absent. */
  tombstones(emails: string[]): Promise<Map<string, Tombstone>>;
  /** Removes a tombstone (an explicit re-creation); true when there was one. */
  forgetTombstone(key: string, tx?: Queryable): Promise<boolean>;
}

export function createPersonalDataRepo(db: Db, settings: Pick<SettingsRepo, 'installationSecret'>): PersonalDataRepo {
  const emailHash = async (email: string) =>
    createHmac('sha256', await settings.installationSecret(TOMBSTONE_SECRET_SETTING)).update(email.trim().toLowerCase()).digest('base64url');
  return {
    async export(s) {
      const out: Record<string, Row[]> = {};
      for (const t of PERSONAL_TABLES) out[t.table] = await t.export(db, s);
      return out;
    },
    async erase(s) {
      const hash = s.email ? await emailHash(s.email) : null;
      return db.transaction(async (tx) => {
        const changed: Record<string, number> = {};
        for (const t of PERSONAL_TABLES) changed[t.table] = await t.erase(tx, s);
        if (hash) await tx.query('INSERT INTO deleted_people (email_hash) VALUES ($1) ON CONFLICT (email_hash) DO UPDATE SET deleted_at = now()', [hash]);
        return changed;
      });
    },
    async compact() {
      const tables = PERSONAL_TABLES.map((t) => t.table);
      if (db.engine === 'pglite') {
        // A recycled WAL segment is renamed, not cleared. With recycling off, switch past every segment there is
        // (each switch needs a record to switch from), so all of them are behind the checkpoint, which removes them.
        await db.query('SET wal_recycle = off');
        try {
          for (const t of tables) await db.query(`VACUUM (FULL, ANALYZE) ${t}`);
          const segments = (await db.query<{ n: number }>('SELECT count(*)::int AS n FROM pg_ls_waldir()')).rows[0]?.n ?? 1;
          for (let i = 0; i <= Math.min(segments, 64); i++) {
            await db.query("SELECT pg_logical_emit_message(false, 'camden', 'erasure')");
            await db.query('SELECT pg_switch_wal()');
          }
          await db.query('CHECKPOINT');
        } finally {
          await db.query('RESET wal_recycle');
        }
        return;
      }
      for (const t of tables) await db.query(`VACUUM (ANALYZE) ${t}`);
    },
    async tombstones(emails) {
      const keys = new Map<string, string>();
      for (const e of emails) keys.set(await emailHash(e), e.trim().toLowerCase());
      if (!keys.size) return new Map();
      const r = await db.query<{ email_hash: string; deleted_at: Date }>(
        'SELECT email_hash, deleted_at FROM deleted_people WHERE email_hash = ANY($1::text[])',
        [[...keys.keys()]],
      );
      return new Map(r.rows.map((x) => [keys.get(x.email_hash)!, { key: x.email_hash, deletedAt: new Date(x.deleted_at) }]));
    },
    async forgetTombstone(key, tx = db) {
      const r = await tx.query('DELETE FROM deleted_people WHERE email_hash = $1 RETURNING email_hash', [key]);
      return r.rows.length > 0;
    },
  };
}
