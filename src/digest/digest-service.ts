import type { AttendanceService } from '../attendance/service.js';
import type { DirectoryService } from '../directory/service.js';
import type { Reply } from '../shared/reply.js';
import type { Actor } from '../directory/types.js';
import { NotAuthorisedError } from '../errors.js';
import { commandText } from '../shared/commands.js';
import { addDays, weekJustEnded, startOfLocalDay } from '../shared/calendar.js';
import { buildDigest, CHART_WEEKS, MAX_KNOWLEDGE_GAPS } from './build-digest.js';
import { renderDigest, type RenderOptions } from './render-digest.js';
import { termOf } from './terms.js';
import type { DigestModel, KnowledgeGap } from './types.js';

/**
 * What the digest reads, from the services (never the store): the attendance service's returns, late amendments and
 * who is missing (its missingReturns rule, pauses included), the directory's centres, the question log's gaps.
 */
export interface DigestServiceOptions {
  attendance: Pick<AttendanceService, 'listReturns' | 'amendedSince' | 'missingReturns'>;
  directory: Pick<DirectoryService, 'listCentres'>;
  questionLog: { topUnanswered(from: Date, to: Date, limit: number): Promise<KnowledgeGap[]> };
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
    const [centres, returns, amendments, missing, gaps] = await Promise.all([
      this.opts.directory.listCentres(),
      this.opts.attendance.listReturns(from, weekStart),
      this.opts.attendance.amendedSince(weekBegan, weekStart),
      this.opts.attendance.missingReturns(weekStart),
      this.opts.questionLog.topUnanswered(weekBegan, startOfLocalDay(addDays(weekStart, 7), tz), MAX_KNOWLEDGE_GAPS),
    ]);
    const knowledgeGaps = gaps.map((g) => ({ question: g.question, count: g.count }));
    return buildDigest({ weekStart, centres, returns, amendments, missing, knowledgeGaps, timeZone: tz, termStarts: this.opts.termStarts });
  }

  /** The digest for `weekStart` rendered as a Reply (with chart). */
  async digestFor(weekStart: string): Promise<Reply> {
    return renderDigest(await this.modelFor(weekStart), this.opts.render);
  }

  /**
   * The latest weekly digest, for `/digest`, App Home and Teams "digest". Network leads and admins only:
   * anyone else (a centre lead included: leads never see other centres' figures) gets NotAuthorisedError.
   */
  async latestDigestFor(actor: Actor): Promise<Reply> {
    assertMaySeeDigest(actor);
    return this.digestFor(this.latestWeek());
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
