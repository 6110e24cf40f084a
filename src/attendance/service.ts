import type { Logger } from '../logger.js';
import { NotAuthorisedError, ValidationError, type FieldProblem } from '../errors.js';
import type { Store } from '../store/store.js';
import type { DirectoryService } from '../directory/service.js';
import { hasRole, returnDue } from '../directory/service.js';
import type { Centre, Person } from '../directory/types.js';
import { checkWeek, cleanNote, completeFigures, figureValueProblem, noteProblems } from './schema.js';
import { FIGURE_FIELDS } from './types.js';
import { parseQuickForm, type QuickForm } from './quick-form.js';
import { returnsToCsv } from './csv.js';
import { isIsoDate, recentWeeks, weekStartOf } from '../shared/calendar.js';
import { dueWeek, dueWeekRule } from './due-week.js';
import type { ReturnFigures, ReturnSubmission, ReturnVersion, StoredReturn, SubmitResult, WeekTotals } from './types.js';

export interface AttendanceServiceOptions {
  /** SCHEDULE_TIMEZONE, e.g. Europe/London. */
  timeZone: string;
  /** REMINDER_CRON: from the week's first reminder on, the week due is the week in progress (see dueWeek). */
  reminderCron?: string;
  now?: () => Date;
  logger?: Logger;
}

/** One cell of a status view: a centre's return for a week, or null when missing. */
export interface StatusRow {
  centreId: string;
  centreName: string;
  /** Monday, YYYY-MM-DD. */
  weekStart: string;
  stored: StoredReturn | null;
}

export interface ExportQuery {
  /** Any dates (YYYY-MM-DD); the weeks containing them are included. */
  from: string;
  to: string;
  centreId?: string;
}

const MAX_KEY = 300;
const ZERO_FIGURES = Object.freeze(Object.fromEntries(FIGURE_FIELDS.map((f) => [f, 0]))) as Readonly<ReturnFigures>;

/** Weekly attendance returns: validate, store (create/amend, idempotent), query, export. */
export class AttendanceService {
  private readonly now: () => Date;

  constructor(
    private readonly store: Store,
    private readonly directory: DirectoryService,
    private readonly opts: AttendanceServiceOptions,
  ) {
    this.now = opts.now ?? (() => new Date());
  }

  /**
   * Monday (YYYY-MM-DD) of the week a return is due for — the default week everywhere: the week in progress from
   * the week's first reminder (Friday 14:00 by default), the week just ended before it. See dueWeek.
   */
  defaultWeek(now: Date = this.now()): string {
    return dueWeek(now, this.opts.timeZone, this.opts.reminderCron);
  }

  /** The due-week rule in a sentence ("From Friday 14:00 the return due is this week's; …"), for forms and messages. */
  dueWeekRule(now: Date = this.now()): string {
    return dueWeekRule(this.opts.timeZone, this.opts.reminderCron, now);
  }

  /** Parses `/attendance <quick form>`; throws ValidationError naming each bad or missing field. */
  parseQuickForm(text: string): QuickForm {
    return parseQuickForm(text);
  }

  /**
   * Validates and stores a return. The person must lead the centre (or be an admin): NotAuthorisedError.
   * Any invalid field: ValidationError with every problem, nothing stored. Same idempotencyKey again: 'duplicate'.
   */
  async submit(person: Person, submission: ReturnSubmission): Promise<SubmitResult> {
    const centreId = String(submission.centreId ?? '').trim().toLowerCase();
    const centre = centreId ? await this.directory.getCentre(centreId) : null;
    if (!centre) {
      throw new ValidationError([{ field: 'centre', message: centreId ? `There is no centre "${centreId}".` : 'centre is missing.' }]);
    }
    if (!this.directory.canSubmitFor(person, centre.id)) {
      throw new NotAuthorisedError(`You are not a lead of ${centre.name}, so you cannot submit its return.`);
    }
    const problems: FieldProblem[] = [];
    if (!centre.active) problems.push({ field: 'centre', message: `${centre.name} is no longer active; returns are closed.` });
    const week = checkWeek(submission.week, this.now(), this.opts.timeZone, hasRole(person, 'admin'));
    problems.push(...week.problems);
    const given = submission.figures;
    const names = submission.fieldNames ?? 'keywords';
    if (typeof given !== 'object' || given === null) problems.push({ field: 'figures', message: 'figures are missing.' });
    else {
      const unknown = Object.keys(given).filter((k) => !(FIGURE_FIELDS as readonly string[]).includes(k));
      if (unknown.length) problems.push({ field: 'figures', message: `unknown field(s): ${unknown.join(', ')}.` });
      for (const f of FIGURE_FIELDS) {
        const problem = given[f] === undefined ? null : figureValueProblem(f, given[f], names);
        if (problem) problems.push({ field: f, message: problem });
      }
    }
    if (submission.note !== undefined && submission.note !== null && typeof submission.note !== 'string') {
      problems.push({ field: 'note', message: 'note must be text.' });
    }
    const note = typeof submission.note === 'string' || submission.note === null ? cleanNote(submission.note) : undefined;
    problems.push(...noteProblems(note));
    const key = typeof submission.idempotencyKey === 'string' ? submission.idempotencyKey.trim() : '';
    if (!key || key.length > MAX_KEY) {
      // A programming error in an adapter, not the lead's: still nothing is stored.
      problems.push({ field: 'idempotencyKey', message: 'The submission has no delivery id; please submit again.' });
    }
    if (problems.length) throw new ValidationError(problems);

    const figures: Partial<ReturnFigures> = {};
    for (const f of FIGURE_FIELDS) if (given[f] !== undefined) figures[f] = given[f];
    const closed = submission.closed === true;
    if (closed && Object.keys(figures).length) {
      throw new ValidationError([{ field: 'closed', message: 'A week marked closed has no sessions: every figure is 0, so give no figures with it.' }]);
    }
    const result = await this.store.returns.submit({
      centreId: centre.id,
      weekStart: week.weekStart,
      figures,
      // Under the row lock, against the version it amends: a first return needs the core figures; an amendment
      // keeps what was not given. Then the rules between fields, on the whole return.
      complete: closed ? () => ({ figures: ZERO_FIGURES, problems: [] }) : (g, previous) => completeFigures(g, previous, names),
      ...(closed ? { closed: true } : {}),
      note,
      submittedBy: person.id,
      submittedByName: person.name,
      idempotencyKey: key,
    });
    this.opts.logger?.info(
      { centre: centre.id, week: week.weekStart, status: result.status, version: result.stored.version, by: person.id },
      'attendance return stored',
    );
    return result;
  }

  get(centreId: string, week: string): Promise<StoredReturn | null> {
    return this.store.returns.get(centreId, this.monday(week));
  }

  /** Every version of a return, oldest first, with who submitted it, when, and what changed. */
  history(centreId: string, week: string): Promise<ReturnVersion[]> {
    return this.store.returns.history(centreId, this.monday(week));
  }

  /** Latest versions of returns in the weeks containing [from, to], optionally one centre. */
  list(q: ExportQuery): Promise<StoredReturn[]> {
    return this.store.returns.list({ from: this.monday(q.from, 'from'), to: this.monday(q.to, 'to'), centreId: q.centreId });
  }

  /** DigestSource: latest version of every return with week_start in [from, to]. */
  listReturns(from: string, to: string): Promise<StoredReturn[]> {
    return this.store.returns.list({ from, to });
  }

  /** Active centres owing a return for the week (see returnDue) without one. */
  async missing(week: string): Promise<Centre[]> {
    const monday = this.monday(week);
    const ids = new Set(await this.store.returns.missingCentreIds(monday));
    const centres = await this.directory.listCentres({ activeOnly: true });
    return centres.filter((c) => ids.has(c.id) && returnDue(c, monday));
  }

  /** Per-week sums over the weeks containing [from, to]. */
  weeklyTotals(from: string, to: string): Promise<WeekTotals[]> {
    return this.store.returns.weeklyTotals(this.monday(from, 'from'), this.monday(to, 'to'));
  }

  /**
   * The person's centres × the last `weeks` weeks (ending with the week due, see defaultWeek), newest week first, then centre
   * name: which returns are in and which are missing. Network leads and admins see every active centre.
   */
  async status(person: Person, weeks: number): Promise<StatusRow[]> {
    const centres = await this.directory.visibleCentres(person);
    const count = Math.min(Math.max(1, Math.floor(weeks)), 52);
    const list = recentWeeks(this.defaultWeek(), count);
    if (!centres.length) return [];
    const returns = await this.store.returns.list({ from: list[list.length - 1]!, to: list[0]! });
    const byKey = new Map(returns.map((r) => [`${r.centreId}|${r.weekStart}`, r]));
    const rows: StatusRow[] = [];
    for (const weekStart of list) {
      for (const c of centres) {
        const stored = byKey.get(`${c.id}|${weekStart}`) ?? null;
        // Weeks before the centre owed returns are left out, unless a return was sent for them anyway.
        if (!stored && !returnDue(c, weekStart)) continue;
        rows.push({ centreId: c.id, centreName: c.name, weekStart, stored });
      }
    }
    return rows;
  }

  /** CSV (Excel-friendly) of the latest version per centre-week in the range. */
  async exportCsv(q: ExportQuery): Promise<string> {
    const problems: FieldProblem[] = [];
    if (!isIsoDate(q.from)) problems.push({ field: 'from', message: `--from must be a date YYYY-MM-DD, got "${q.from}".` });
    if (!isIsoDate(q.to)) problems.push({ field: 'to', message: `--to must be a date YYYY-MM-DD, got "${q.to}".` });
    if (!problems.length && q.from > q.to) problems.push({ field: 'to', message: `--to (${q.to}) is before --from (${q.from}).` });
    let centreId = q.centreId;
    if (centreId !== undefined) {
      centreId = centreId.trim().toLowerCase();
      if (!(await this.directory.getCentre(centreId))) problems.push({ field: 'centre', message: `There is no centre "${centreId}".` });
    }
    if (problems.length) throw new ValidationError(problems);
    const returns = await this.list({ from: q.from, to: q.to, centreId });
    const names = new Map((await this.directory.listCentres()).map((c) => [c.id, c.name]));
    return returnsToCsv(returns, names, this.opts.timeZone);
  }

  private monday(date: string, field = 'week'): string {
    if (!isIsoDate(date)) throw new ValidationError([{ field, message: `${field} must be a date YYYY-MM-DD, got "${date}".` }]);
    return weekStartOf(date);
  }
}
