import type { AttendanceService } from '../attendance/service.js';
import type { DirectoryService } from '../directory/service.js';
import type { Reply } from '../shared/reply.js';
import type { Actor } from '../directory/types.js';
import { NotAuthorisedError, ValidationError } from '../errors.js';
import { commandText } from '../shared/commands.js';
import { addDays, currentWeekStart, isIsoDate, startOfLocalDay, weekJustEnded, weekStartOf } from '../shared/calendar.js';
import { formatDate } from './dates.js';
import { groupKnowledgeGaps, type GapEntry } from './knowledge-gaps.js';
import { buildDigest, CHART_WEEKS, MAX_KNOWLEDGE_GAPS } from './build-digest.js';
import { renderDigest, type DigestAudience, type RenderOptions } from './render-digest.js';
import { termOf } from './terms.js';
import type { DigestModel } from './types.js';

/**
 * What the digest reads, from the services (never the store): the attendance service's returns, late amendments and
 * who is missing (its missingReturns rule, pauses included), the directory's centres, the question log's gaps.
 */
export interface DigestServiceOptions {
  attendance: Pick<AttendanceService, 'listReturns' | 'amendedSince' | 'missingReturns'>;
  directory: Pick<DirectoryService, 'listCentres'>;
  /** The week's questions the bot declined or that were marked Not helpful, newest first (see QuestionLog.gapEntries). */
  questionLog: { gapEntries(from: Date, to: Date): Promise<GapEntry[]> };
  /** SCHEDULE_TIMEZONE. */
  timeZone: string;
  /** TERM_STARTS, parsed; default English terms when absent. */
  termStarts?: readonly string[];
  now?: () => Date;
  render?: RenderOptions;
}

export class DigestService {
  private readonly now: () => Date;

  constructor(private readonly opts: DigestServiceOptions) {
    this.now = opts.now ?? (() => new Date());
  }

  /** Monday of the week the latest digest reports on: the last complete week. */
  latestWeek(): string {
    return weekJustEnded(this.now(), this.opts.timeZone);
  }

  /** The digest model for the week starting `weekStart` (a Monday). */
  async modelFor(weekStart: string): Promise<DigestModel> {
    const term = termOf(weekStart, this.opts.termStarts);
    const chartFrom = addDays(weekStart, -7 * (CHART_WEEKS - 1));
    const from = term && term.firstWeek < chartFrom ? term.firstWeek : chartFrom;
    const tz = this.opts.timeZone;
    const weekBegan = startOfLocalDay(weekStart, tz);
    const [centres, returns, amendments, missing, entries] = await Promise.all([
      this.opts.directory.listCentres(),
      this.opts.attendance.listReturns(from, weekStart),
      this.opts.attendance.amendedSince(weekBegan, weekStart),
      this.opts.attendance.missingReturns(weekStart),
      this.opts.questionLog.gapEntries(weekBegan, startOfLocalDay(addDays(weekStart, 7), tz)),
    ]);
    const gaps = groupKnowledgeGaps(entries);
    return buildDigest({
      weekStart,
      centres,
      returns,
      amendments,
      missing,
      knowledgeGaps: gaps.groups.slice(0, MAX_KNOWLEDGE_GAPS),
      gapTopics: gaps.topics,
      gapTotal: gaps.total,
      timeZone: tz,
      termStarts: this.opts.termStarts,
    });
  }

  /**
   * The digest for `weekStart` rendered as a Reply (with chart). `audience` 'person' (a network lead's or admin's own
   * DM) shows the texts of unanswered questions; 'channel' (the default) only their counts by topic.
   */
  async digestFor(weekStart: string, audience: DigestAudience = 'channel'): Promise<Reply> {
    return renderDigest(await this.modelFor(weekStart), { ...this.opts.render, audience });
  }

  /**
   * The latest weekly digest, for `/digest`, App Home and Teams "digest", for the person asking. Network leads and
   * admins only: anyone else (a centre lead included: leads never see other centres' figures) gets NotAuthorisedError.
   */
  async latestDigestFor(actor: Actor): Promise<Reply> {
    assertMaySeeDigest(actor);
    return this.digestFor(this.latestWeek(), 'person');
  }

  /**
   * The digest of the week containing `week` (`/digest week 2026-11-16`), for the person asking; the same rights. A
   * week not begun yet is refused; the week in progress is given with what is in so far, and says so.
   */
  async digestForWeek(actor: Actor, week: string): Promise<Reply> {
    assertMaySeeDigest(actor);
    if (!isIsoDate(week)) throw new ValidationError([{ field: 'week', message: `week must be a date YYYY-MM-DD, got "${week.slice(0, 20)}".` }]);
    const monday = weekStartOf(week);
    const current = currentWeekStart(this.now(), this.opts.timeZone);
    if (monday > current) {
      throw new ValidationError([{ field: 'week', message: `The week of ${formatDate(monday)} has not started yet; ask for this week or an earlier one.` }]);
    }
    const reply = await this.digestFor(monday, 'person');
    if (monday !== current) return reply;
    const note = `This week is not over yet: these are the returns in so far (they are due from ${formatDate(monday)}'s reminder on).`;
    return { ...reply, blocks: [reply.blocks[0]!, { kind: 'notice', tone: 'info', text: note }, ...reply.blocks.slice(1)] };
  }
}

export function assertMaySeeDigest(actor: Actor): void {
  const roles = actor.person?.roles ?? [];
  if (!roles.includes('network_lead') && !roles.includes('admin')) {
    throw new NotAuthorisedError(
      'The weekly digest shows every centre’s figures, so only network leads and admins can see it. ' +
        `Use ${commandText(actor.identity.platform, 'attendance status')} to see your own centre’s returns.`,
    );
  }
}
