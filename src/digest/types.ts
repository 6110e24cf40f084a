import type { MissingReturn, ReturnFigures, StoredReturn } from '../attendance/types.js';

export type { MissingReturn };
import type { Centre } from '../directory/types.js';

/** The topics a knowledge gap is counted under in a channel digest. */
export type GapTopic = 'SEND' | 'Post-16 pathways' | 'CPD' | 'Opportunity Centres' | 'Other';

/**
 * Near-identical questions of the digest week the bot declined or that were voted Not helpful, counted together and
 * shown by the newest wording cut to one line (see knowledge-gaps.ts).
 */
export interface KnowledgeGap {
  question: string;
  count: number;
  topic?: GapTopic;
}

/** Everything the pure digest builder needs; gathered by the digest service from the store. */
export interface DigestInput {
  /** Monday (YYYY-MM-DD) of the week the digest reports on. */
  weekStart: string;
  /** Every centre in the directory (inactive ones are left out of the table unless they sent a return). */
  centres: Centre[];
  /**
   * Latest version of each return, covering at least the 11 weeks before `weekStart` (chart and
   * 4-week average) and the current term; more is fine, later weeks are ignored.
   */
  returns: StoredReturn[];
  /**
   * Latest versions of returns for earlier weeks amended since `weekStart` began, however old their week (an admin
   * may correct a return from last term). Amendments found in `returns` count too.
   */
  amendments?: StoredReturn[];
  /** The week's missing returns, from the attendance service's missingReturns (pauses marked). */
  missing: MissingReturn[];
  /** The week's questions the bot declined or that were voted Not helpful, grouped, most asked first. */
  knowledgeGaps: KnowledgeGap[];
  /** Those questions counted by topic (what a channel digest shows instead of the texts). */
  gapTopics?: { topic: GapTopic; count: number }[];
  /** How many such questions in all (knowledgeGaps holds only the most asked). */
  gapTotal?: number;
  /** Time zone of weeks (SCHEDULE_TIMEZONE), used to date amendments. */
  timeZone: string;
  /** Configured first days of term (TERM_STARTS); default English terms when absent. */
  termStarts?: readonly string[];
}

export interface Totals extends ReturnFigures {
  /** How many returns the totals add up. */
  returns: number;
}

export interface Shares {
  /** fsm / pupils, 0–1, null without pupils. */
  fsmShare: number | null;
  /** send / pupils. */
  sendShare: number | null;
  /** academic / sessions. */
  academicShare: number | null;
}

export interface CentreRow extends Shares {
  centreId: string;
  centreName: string;
  /** Null when the centre has not sent this week's return. */
  figures: ReturnFigures | null;
  /** Mean attendances over the centre's returns in the 4 weeks before this one; null without any. */
  fourWeekAverage: number | null;
  /** (this week − average) / average, null when either side is missing or the average is 0. */
  changeAgainstAverage: number | null;
  amended: boolean;
  /** The centre marked the week closed (no sessions): shown as closed, left out of totals and averages. */
  closed: boolean;
}

export interface LateAmendment {
  centreId: string;
  centreName: string;
  weekStart: string;
  version: number;
  amendedOn: string;
}

export interface ChartSeries {
  label: string;
  /** One value per week of `DigestModel.chartWeeks`; null where no return was sent. */
  values: (number | null)[];
}

export interface DigestModel {
  weekStart: string;
  weekEnd: string;
  network: Totals & Shares;
  centres: CentreRow[];
  missing: MissingReturn[];
  amendedLate: LateAmendment[];
  term: { name: string; start: string; weeks: number; totals: Totals & Shares } | null;
  knowledgeGaps: KnowledgeGap[];
  gapTopics: { topic: GapTopic; count: number }[];
  gapTotal: number;
  /** Centres that marked this week closed (no sessions). */
  closed: { centreId: string; centreName: string }[];
  /** The 12 Mondays ending with `weekStart`, oldest first. */
  chartWeeks: string[];
  chartSeries: ChartSeries[];
}
