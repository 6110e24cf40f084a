import type { Logger } from '../logger.js';
import { NotAuthorisedError, ValidationError, type FieldProblem } from '../errors.js';
import type { Store } from '../store/store.js';
import type { DirectoryService } from '../directory/service.js';
import { hasRole, remindersPaused, returnDue } from '../directory/service.js';
import type { Centre, Person } from '../directory/types.js';
import { checkWeek, cleanNote, completeFigures, figureValueProblem, noteProblems } from './schema.js';
import { FIGURE_FIELDS } from './types.js';
import { parseQuickForm, type QuickForm } from './quick-form.js';
import { returnsToCsv } from './csv.js';
import { isIsoDate, recentWeeks, weekStartOf } from '../shared/calendar.js';
import { dueWeek, dueWeekRule } from './due-week.js';
import type { MissingReturn, ReturnFigures, ReturnSubmission, ReturnVersion, StoredReturn, SubmittedReturn, WeekTotals } from './types.js';

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
  /** Missing, with reminders paused over the week (see missingReturns). */
  paused: boolean;
}

export interface ExportQuery {
  /** Any dates (YYYY-MM-DD); the weeks containing them are included. */
  from: string;
  to: string;
  centreId?: string;
}

const MAX_KEY = 300;
const ZERO_FIGURES = Object.freeze(Object.fromEntries(FIGURE_FIELDS.map((f) => [f, 0]))) as Readonly<ReturnFigures>;

export const NOT_A_LEAD =
  'Only registered Opportunity Centre leads can submit attendance returns. If you lead a centre, ask an admin of this bot to add you: they write "admin register <your work email> oc_lead <centre>" in a chat with the bot.';

/** The attendance form's choices for one person. */
export interface AttendanceForm {
  centres: { id: string; name: string }[];
  /** Default week (Monday, YYYY-MM-DD): the week just ended, or a reminder's week. */
  defaultWeek: string;
  /** Centre to preselect (a reminder's button names it); otherwise the only centre, if there is one. */
  initialCentre?: string;
}

/** Weekly attendance returns: validate, store (create/amend, idempotent), query, export. */
/**
 * How to name each of these centres in a quick form, with the name people know it by: "centre acland-burghley
 * (Acland Burghley Opportunity Centre) or centre la-sainte-union (La Sainte Union Opportunity Centre)".
 */
function centreChoices(centres: Centre[]): string {
  const each = centres.map((c) => `centre ${c.id} (${c.name})`);
  return each.length === 1 ? each[0]! : `${each.slice(0, -1).join(', ')} or ${each[each.length - 1]}`;
}

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
   * Rights to report: an oc_lead or an admin. Everyone else gets NotAuthorisedError before anything they typed is
   * read, so plain staff learn how to get registered rather than what was wrong with their figures.
   */
  requireReporter(person: Person | null | undefined): Person {
    if (!person || !(hasRole(person, 'oc_lead') || hasRole(person, 'admin'))) throw new NotAuthorisedError(NOT_A_LEAD);
    return person;
  }

  /** What the attendance form offers this person: their centres, the default week, and which centre to preselect. */
  async formFor(person: Person | null, preset: { centreId?: string; week?: string } = {}): Promise<AttendanceForm> {
    const centres = await this.reportableCentres(this.requireReporter(person));
    const initialCentre = centres.find((c) => c.id === preset.centreId)?.id ?? (centres.length === 1 ? centres[0]!.id : undefined);
    return {
      centres: centres.map((c) => ({ id: c.id, name: c.name })),
      defaultWeek: preset.week ?? this.defaultWeek(),
      ...(initialCentre ? { initialCentre } : {}),
    };
  }

  private async reportableCentres(person: Person): Promise<Centre[]> {
    const centres = await this.directory.submittableCentres(person);
    if (!centres.length) throw new NotAuthorisedError('You are not registered as the lead of any centre yet. Ask your network admin.');
    return centres;
  }

  /** The centre a submission is for, with the rights checked here (its lead, or an admin): the only one if none is named. */
  private async centreFor(person: Person, requested: string | undefined): Promise<Centre> {
    if (requested === undefined || !requested.trim()) {
      const centres = await this.reportableCentres(person);
      if (centres.length === 1) return centres[0]!;
      throw new ValidationError([{ field: 'centre', message: `You lead several centres: add which one, ${centreChoices(centres)}.` }]);
    }
    const id = requested.trim().toLowerCase();
    const centre = await this.directory.getCentre(id);
    if (!centre) {
      const mine = await this.directory.submittableCentres(person);
      throw new ValidationError([{ field: 'centre', message: `There is no centre "${id.slice(0, 64)}". ${mine.length ? `Yours: ${centreChoices(mine)}.` : 'You lead no centre.'}` }]);
    }
    if (!this.directory.canSubmitFor(person, centre.id)) {
      throw new NotAuthorisedError(`You are not a lead of ${centre.name}, so you cannot submit its return.`);
    }
    return centre;
  }

  /**
   * Checks and stores a return: the one place a submission's rights and checks run (the figures' rules are the
   * schema's, applied here). The person must lead the centre (or be an admin): NotAuthorisedError. Any invalid field:
   * ValidationError with every problem, nothing stored. Same idempotencyKey again: 'duplicate'.
   */
  async submit(person: Person | null, submission: ReturnSubmission): Promise<SubmittedReturn> {
    const reporter = this.requireReporter(person);
    const centre = await this.centreFor(reporter, submission.centreId);
    const problems: FieldProblem[] = [];
    if (!centre.active) problems.push({ field: 'centre', message: `${centre.name} is no longer active; returns are closed.` });
    const week = submission.week === undefined ? { weekStart: this.defaultWeek(), problems: [] } : checkWeek(submission.week, this.now(), this.opts.timeZone, hasRole(reporter, 'admin'));
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
      submittedBy: reporter.id,
      submittedByName: reporter.name,
      idempotencyKey: key,
    });
    this.opts.logger?.info(
      { centre: centre.id, week: week.weekStart, status: result.status, version: result.stored.version, by: reporter.id },
      'attendance return stored',
    );
    return { ...result, centre: { id: centre.id, name: centre.name } };
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

  /** Latest version of every return with week_start in [from, to] (Mondays, inclusive): the digest's figures. */
  listReturns(from: string, to: string): Promise<StoredReturn[]> {
    return this.store.returns.list({ from, to });
  }

  /** Latest versions of returns for weeks before `beforeWeek` amended at or after `since`, however old the week. */
  amendedSince(since: Date, beforeWeek: string): Promise<StoredReturn[]> {
    return this.store.returns.amendedSince(since, beforeWeek);
  }

  /**
   * Who is missing a return: the centres owing one for the week (returnDue: active, and added by then) with none in,
   * by name, each marked paused when its reminders are paused over the week. The one rule used by reminders, nudges,
   * the digest, status and the CLI.
   */
  async missingReturns(week: string): Promise<MissingReturn[]> {
    const monday = this.monday(week);
    const ids = new Set(await this.store.returns.missingCentreIds(monday));
    const centres = await this.directory.listCentres({ activeOnly: true });
    return centres
      .filter((c) => ids.has(c.id) && returnDue(c, monday))
      .map((c) => ({ centreId: c.id, centreName: c.name, paused: remindersPaused(c, monday) }))
      .sort((a, b) => a.centreName.localeCompare(b.centreName, 'en-GB'));
  }

  /** Per-week sums over the weeks containing [from, to]. */
  weeklyTotals(from: string, to: string): Promise<WeekTotals[]> {
    return this.store.returns.weeklyTotals(this.monday(from, 'from'), this.monday(to, 'to'));
  }

  /**
   * The person's centres × the last `weeks` weeks (ending with the week due, see defaultWeek), newest week first, then centre
   * name: which returns are in and which are missing. Network leads and admins see every active centre.
   */
  async status(person: Person | null, weeks: number): Promise<StatusRow[]> {
    if (!person || !person.roles.length) throw new NotAuthorisedError(NOT_A_LEAD);
    const centres = await this.directory.visibleCentres(person);
    const count = Math.min(Math.max(1, Math.floor(weeks)), 52);
    const list = recentWeeks(this.defaultWeek(), count);
    if (!centres.length) return [];
    const [returns, missing] = await Promise.all([
      this.store.returns.list({ from: list[list.length - 1]!, to: list[0]! }),
      Promise.all(list.map(async (w) => new Map((await this.missingReturns(w)).map((m) => [m.centreId, m])))),
    ]);
    const byKey = new Map(returns.map((r) => [`${r.centreId}|${r.weekStart}`, r]));
    const rows: StatusRow[] = [];
    for (const [i, weekStart] of list.entries()) {
      for (const c of centres) {
        const stored = byKey.get(`${c.id}|${weekStart}`) ?? null;
        const gap = missing[i]!.get(c.id);
        // A row is a return in, or one missing (missingReturns): weeks before the centre owed returns are left out.
        if (!stored && !gap) continue;
        rows.push({ centreId: c.id, centreName: c.name, weekStart, stored, paused: !stored && !!gap?.paused });
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
