import { diffReturns } from '../attendance/changes.js';
import {
  FIGURE_FIELDS,
  type FieldChange,
  type ReturnFigures,
  type ReturnVersion,
  type StoredReturn,
  type SubmitResult,
  type WeekTotals,
} from '../attendance/types.js';
import type { Db, Queryable } from './db.js';
import { ValidationError, type FieldProblem } from '../errors.js';
import { isUniqueViolation } from './errors.js';

/** A return to store (the attendance service has checked the person, the week and each given value). */
export interface ReturnWrite {
  centreId: string;
  /** Monday, YYYY-MM-DD. */
  weekStart: string;
  /** The figures given. Those not given are kept from the previous version, or 0 in a first return (see `complete`). */
  figures: Partial<ReturnFigures>;
  /** undefined keeps the previous version's note; null clears it. */
  note?: string | null;
  /** true: closed that week (all figures 0). undefined: open when figures are given, else as the previous version. */
  closed?: boolean;
  submittedBy: number;
  submittedByName: string;
  idempotencyKey: string;
  /**
   * Called under the centre-week lock with the version it amends (null for a first return): the whole figures, or
   * the problems, in which case nothing is stored and a ValidationError is thrown. Default: given over previous (or 0).
   */
  complete?(given: Partial<ReturnFigures>, previous: ReturnFigures | null): { figures: ReturnFigures; problems: FieldProblem[] };
}

export interface ReturnsQuery {
  /** Mondays, inclusive. */
  from: string;
  to: string;
  centreId?: string;
}

export interface ReturnsRepo {
  /**
   * Creates or amends the return in one transaction holding the centre-week row lock: the same idempotency key
   * stores one version (also when delivered concurrently); identical figures and note under a new key are 'unchanged'.
   */
  submit(write: ReturnWrite): Promise<SubmitResult>;
  /** Latest version, or null. */
  get(centreId: string, weekStart: string): Promise<StoredReturn | null>;
  /** Every version, oldest first, with what each changed. */
  history(centreId: string, weekStart: string): Promise<ReturnVersion[]>;
  /** Latest version of each return in the range, ordered by week then centre. */
  list(q: ReturnsQuery): Promise<StoredReturn[]>;
  /** Active centres with no return for the week, ordered by id. */
  missingCentreIds(weekStart: string): Promise<string[]>;
  /** Per-week sums of latest versions in the range (weeks with no return are absent). */
  weeklyTotals(from: string, to: string): Promise<WeekTotals[]>;
  /** Latest versions of returns for weeks before `beforeWeek` amended at or after `since`, whatever their week. */
  amendedSince(since: Date, beforeWeek: string): Promise<StoredReturn[]>;
}

interface VersionRow extends ReturnFigures {
  centre_id: string;
  week_start: string;
  version: number;
  note: string | null;
  submitted_by: number | null;
  submitted_by_name: string | null;
  submitted_at: Date;
  changes: FieldChange[] | string;
  closed: boolean | null;
}

const versionCols = `v.centre_id, v.week_start, v.version, ${FIGURE_FIELDS.map((f) => `v.${f}`).join(', ')},
  v.note, v.submitted_by, v.submitted_by_name, v.submitted_at, v.changes, v.closed`;

function toStored(r: VersionRow): StoredReturn {
  const figures = {} as ReturnFigures;
  for (const f of FIGURE_FIELDS) figures[f] = Number(r[f]);
  return {
    centreId: r.centre_id,
    weekStart: r.week_start,
    version: r.version,
    figures,
    note: r.note,
    submittedBy: r.submitted_by,
    submittedByName: r.submitted_by_name,
    submittedAt: r.submitted_at,
    amended: r.version > 1,
    closed: r.closed === true,
  };
}

function toVersion(r: VersionRow): ReturnVersion {
  const changes = typeof r.changes === 'string' ? (JSON.parse(r.changes) as FieldChange[]) : r.changes;
  return { ...toStored(r), changes: changes ?? [] };
}

/** The given figures over the previous version's (or 0): the default when the caller has no rules to apply. */
function mergeFigures(given: Partial<ReturnFigures>, previous: ReturnFigures | null): { figures: ReturnFigures; problems: FieldProblem[] } {
  const figures = {} as ReturnFigures;
  for (const f of FIGURE_FIELDS) figures[f] = given[f] ?? previous?.[f] ?? 0;
  return { figures, problems: [] };
}

export function createReturnsRepo(db: Db): ReturnsRepo {
  async function byKey(q: Queryable, key: string): Promise<StoredReturn | null> {
    const r = await q.query<VersionRow>(
      `SELECT ${versionCols} FROM attendance_submission_keys k
         JOIN attendance_return_versions v ON v.centre_id = k.centre_id AND v.week_start = k.week_start AND v.version = k.version
       WHERE k.idempotency_key = $1`,
      [key],
    );
    return r.rows[0] ? toStored(r.rows[0]) : null;
  }

  async function recordKey(tx: Queryable, w: ReturnWrite, version: number, outcome: 'created' | 'amended' | 'unchanged'): Promise<void> {
    await tx.query(
      'INSERT INTO attendance_submission_keys (idempotency_key, centre_id, week_start, version, outcome) VALUES ($1, $2, $3, $4, $5)',
      [w.idempotencyKey, w.centreId, w.weekStart, version, outcome],
    );
  }

  async function submitOnce(w: ReturnWrite): Promise<SubmitResult> {
    return db.transaction(async (tx) => {
      const seen = await byKey(tx, w.idempotencyKey);
      if (seen) return { status: 'duplicate', stored: seen, changes: [] };
      // Lock the centre-week row (creating it if needed). This serialises every submission for the centre-week;
      // READ COMMITTED then sees what the previous lock holder committed. The row can vanish while we wait (an
      // empty row removed by a losing duplicate), so try again a bounded number of times.
      let current: number | undefined;
      for (let attempt = 0; attempt < 5 && current === undefined; attempt++) {
        await tx.query('INSERT INTO attendance_returns (centre_id, week_start) VALUES ($1, $2) ON CONFLICT DO NOTHING', [
          w.centreId,
          w.weekStart,
        ]);
        const head = await tx.query<{ current_version: number }>(
          'SELECT current_version FROM attendance_returns WHERE centre_id = $1 AND week_start = $2 FOR UPDATE',
          [w.centreId, w.weekStart],
        );
        current = head.rows[0]?.current_version;
      }
      if (current === undefined) throw new Error(`could not lock the return row for ${w.centreId} ${w.weekStart}`);
      const again = await byKey(tx, w.idempotencyKey);
      if (again) {
        // The key won elsewhere meanwhile; do not leave an empty centre-week row behind.
        if (current === 0) {
          await tx.query('DELETE FROM attendance_returns WHERE centre_id = $1 AND week_start = $2 AND current_version = 0', [w.centreId, w.weekStart]);
        }
        return { status: 'duplicate', stored: again, changes: [] };
      }

      let prev: StoredReturn | null = null;
      if (current > 0) {
        const r = await tx.query<VersionRow>(
          `SELECT ${versionCols} FROM attendance_return_versions v WHERE v.centre_id = $1 AND v.week_start = $2 AND v.version = $3`,
          [w.centreId, w.weekStart, current],
        );
        prev = toStored(r.rows[0]!);
      }
      const note = w.note === undefined ? (prev?.note ?? null) : w.note;
      const { figures, problems } = (w.complete ?? mergeFigures)(w.figures, prev?.figures ?? null);
      if (problems.length) throw new ValidationError(problems);
      const givesFigures = Object.values(w.figures).some((v) => v !== undefined);
      const closed = w.closed ?? (givesFigures ? false : (prev?.closed ?? false));
      const changes = prev ? diffReturns(prev, { figures, note, closed }) : [];
      if (prev && changes.length === 0) {
        await recordKey(tx, w, prev.version, 'unchanged');
        return { status: 'unchanged', stored: prev, changes: [] };
      }

      const version = current + 1;
      const ins = await tx.query<VersionRow>(
        `INSERT INTO attendance_return_versions AS v
           (centre_id, week_start, version, ${FIGURE_FIELDS.join(', ')}, note, submitted_by, submitted_by_name, idempotency_key, changes, closed, submitted_at)
         VALUES ($1, $2, $3, ${FIGURE_FIELDS.map((_, i) => `$${i + 4}`).join(', ')}, $15, $16, $17, $18, $19, $20, clock_timestamp())
         RETURNING ${versionCols}`,
        [
          w.centreId,
          w.weekStart,
          version,
          ...FIGURE_FIELDS.map((f) => figures[f]),
          note,
          w.submittedBy,
          w.submittedByName,
          w.idempotencyKey,
          JSON.stringify(changes),
          closed,
        ],
      );
      await recordKey(tx, w, version, prev ? 'amended' : 'created');
      await tx.query('UPDATE attendance_returns SET current_version = $3, updated_at = clock_timestamp() WHERE centre_id = $1 AND week_start = $2', [
        w.centreId,
        w.weekStart,
        version,
      ]);
      return { status: prev ? 'amended' : 'created', stored: toStored(ins.rows[0]!), changes };
    });
  }

  const latestJoin = `FROM attendance_returns a
    JOIN attendance_return_versions v ON v.centre_id = a.centre_id AND v.week_start = a.week_start AND v.version = a.current_version`;

  return {
    async submit(w) {
      try {
        return await submitOnce(w);
      } catch (err) {
        // The same key raced in under a different centre-week lock: the other transaction won.
        if (isUniqueViolation(err)) {
          const seen = await byKey(db, w.idempotencyKey);
          if (seen) return { status: 'duplicate', stored: seen, changes: [] };
        }
        throw err;
      }
    },
    async get(centreId, weekStart) {
      const r = await db.query<VersionRow>(`SELECT ${versionCols} ${latestJoin} WHERE a.centre_id = $1 AND a.week_start = $2`, [
        centreId,
        weekStart,
      ]);
      return r.rows[0] ? toStored(r.rows[0]) : null;
    },
    async history(centreId, weekStart) {
      const r = await db.query<VersionRow>(
        `SELECT ${versionCols} FROM attendance_return_versions v WHERE v.centre_id = $1 AND v.week_start = $2 ORDER BY v.version`,
        [centreId, weekStart],
      );
      return r.rows.map(toVersion);
    },
    async list(q) {
      const params: unknown[] = [q.from, q.to];
      let where = 'a.week_start BETWEEN $1 AND $2';
      if (q.centreId) {
        params.push(q.centreId);
        where += ' AND a.centre_id = $3';
      }
      const r = await db.query<VersionRow>(`SELECT ${versionCols} ${latestJoin} WHERE ${where} ORDER BY a.week_start, a.centre_id`, params);
      return r.rows.map(toStored);
    },
    async amendedSince(since, beforeWeek) {
      const r = await db.query<VersionRow>(
        `SELECT ${versionCols} ${latestJoin} WHERE a.current_version > 1 AND v.submitted_at >= $1 AND a.week_start < $2
         ORDER BY a.week_start, a.centre_id`,
        [since, beforeWeek],
      );
      return r.rows.map(toStored);
    },
    async missingCentreIds(weekStart) {
      const r = await db.query<{ id: string }>(
        `SELECT c.id FROM centres c
         WHERE c.active AND NOT EXISTS (
           SELECT 1 FROM attendance_returns a WHERE a.centre_id = c.id AND a.week_start = $1 AND a.current_version > 0)
         ORDER BY c.id`,
        [weekStart],
      );
      return r.rows.map((x) => x.id);
    },
    async weeklyTotals(from, to) {
      const r = await db.query<Record<string, number | string>>(
        `SELECT a.week_start, count(*)::int AS returns, ${FIGURE_FIELDS.map((f) => `sum(v.${f})::int AS ${f}`).join(', ')}
         ${latestJoin} WHERE a.week_start BETWEEN $1 AND $2 GROUP BY a.week_start ORDER BY a.week_start`,
        [from, to],
      );
      return r.rows.map((row) => {
        const t = { weekStart: String(row.week_start), returns: Number(row.returns) } as WeekTotals;
        for (const f of FIGURE_FIELDS) t[f] = Number(row[f]);
        return t;
      });
    },
  };
}
