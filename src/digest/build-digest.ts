import { FIGURE_FIELDS, type ReturnFigures, type StoredReturn } from '../attendance/types.js';
import type { Centre } from '../directory/types.js';
import { returnDue } from '../directory/service.js';
import { addDays, isIsoDate, localDate, weekStartOf } from '../shared/calendar.js';
import { termOf } from './terms.js';
import type {
  CentreRow,
  ChartSeries,
  DigestInput,
  DigestModel,
  LateAmendment,
  MissingReturn,
  Shares,
  Totals,
} from './types.js';

/** Weeks shown in the chart, ending with the digest week. */
export const CHART_WEEKS = 12;
/** Weeks before the digest week that make up a centre's average. */
export const AVERAGE_WEEKS = 4;
/** Lines drawn in the chart: the busiest centres, then one line averaging the rest. */
export const CHART_MAX_SERIES = 8;
/** Knowledge gaps listed in the digest. */
export const MAX_KNOWLEDGE_GAPS = 5;

function emptyTotals(): Totals {
  const t = { returns: 0 } as Totals;
  for (const f of FIGURE_FIELDS) t[f] = 0;
  return t;
}

function addTo(t: Totals, figures: ReturnFigures): void {
  t.returns += 1;
  for (const f of FIGURE_FIELDS) t[f] += figures[f];
}

function ratio(part: number, whole: number): number | null {
  return whole > 0 ? part / whole : null;
}

export function sharesOf(f: ReturnFigures): Shares {
  return {
    fsmShare: ratio(f.fsm, f.pupils),
    sendShare: ratio(f.send, f.pupils),
    academicShare: ratio(f.academic, f.sessions),
  };
}

/** Pure: the weekly digest for `input.weekStart`. Returns for later weeks are ignored. */
export function buildDigest(input: DigestInput): DigestModel {
  const { weekStart, timeZone } = input;
  if (!isIsoDate(weekStart) || weekStartOf(weekStart) !== weekStart) {
    throw new RangeError(`weekStart must be a Monday (YYYY-MM-DD), got "${weekStart}"`);
  }
  const weekEnd = addDays(weekStart, 6);
  const centreById = new Map(input.centres.map((c) => [c.id, c]));
  const nameOf = (id: string) => centreById.get(id)?.name ?? id;

  // Latest version per (centre, week): tolerate callers that pass every version.
  const latest = new Map<string, StoredReturn>();
  for (const r of input.returns) {
    if (r.weekStart > weekStart) continue;
    const key = `${r.centreId}|${r.weekStart}`;
    const prev = latest.get(key);
    if (!prev || r.version > prev.version) latest.set(key, r);
  }
  const byCentreWeek = (centreId: string, week: string) => latest.get(`${centreId}|${week}`);
  /** A return with figures: a week marked closed had no sessions, so it is in no total, average or chart point. */
  const withFigures = (centreId: string, week: string) => {
    const r = byCentreWeek(centreId, week);
    return r && !r.closed ? r : undefined;
  };

  // Centres in the table: those owing this week's return, plus any that sent one.
  const shownIds = new Set(input.centres.filter((c) => returnDue(c, weekStart)).map((c) => c.id));
  for (const r of latest.values()) if (r.weekStart === weekStart) shownIds.add(r.centreId);
  const shown = [...shownIds].sort((a, b) => nameOf(a).localeCompare(nameOf(b), 'en-GB'));

  const network = emptyTotals();
  const centres: CentreRow[] = shown.map((centreId) => {
    const closed = !!byCentreWeek(centreId, weekStart)?.closed;
    const r = withFigures(centreId, weekStart);
    if (r) addTo(network, r.figures);
    const earlier: number[] = [];
    for (let i = 1; i <= AVERAGE_WEEKS; i++) {
      const prev = withFigures(centreId, addDays(weekStart, -7 * i));
      if (prev) earlier.push(prev.figures.attendances);
    }
    const fourWeekAverage = earlier.length ? earlier.reduce((a, b) => a + b, 0) / earlier.length : null;
    const changeAgainstAverage =
      r && fourWeekAverage !== null && fourWeekAverage > 0 ? (r.figures.attendances - fourWeekAverage) / fourWeekAverage : null;
    return {
      centreId,
      centreName: nameOf(centreId),
      figures: r ? r.figures : null,
      ...(r ? sharesOf(r.figures) : { fsmShare: null, sendShare: null, academicShare: null }),
      fourWeekAverage,
      changeAgainstAverage,
      amended: r ? r.amended : false,
      closed,
    };
  });

  // Who is missing is the attendance service's rule (missingReturns), not worked out again here.
  const missing: MissingReturn[] = [...input.missing].sort((a, b) => a.centreName.localeCompare(b.centreName, 'en-GB'));

  // Amended late: a return for an earlier week, amended since this week began (after earlier digests
  // reported it), so the figures people saw before have changed.
  const amendedLate: LateAmendment[] = [];
  const amended = new Map<string, StoredReturn>();
  for (const r of [...latest.values(), ...(input.amendments ?? [])]) {
    const key = `${r.centreId}|${r.weekStart}`;
    if (!amended.has(key) || r.version > amended.get(key)!.version) amended.set(key, r);
  }
  for (const r of amended.values()) {
    if (!r.amended || r.weekStart >= weekStart) continue;
    const on = localDate(r.submittedAt, timeZone);
    if (on >= weekStart) {
      amendedLate.push({ centreId: r.centreId, centreName: nameOf(r.centreId), weekStart: r.weekStart, version: r.version, amendedOn: on });
    }
  }
  amendedLate.sort((a, b) => a.centreName.localeCompare(b.centreName, 'en-GB') || a.weekStart.localeCompare(b.weekStart));

  const termInfo = termOf(weekStart, input.termStarts);
  let term: DigestModel['term'] = null;
  if (termInfo) {
    const totals = emptyTotals();
    for (const r of latest.values()) {
      if (r.weekStart >= termInfo.firstWeek && r.weekStart <= weekStart && !r.closed) addTo(totals, r.figures);
    }
    term = {
      name: termInfo.name,
      start: termInfo.start,
      weeks: Math.round((Date.parse(weekStart) - Date.parse(termInfo.firstWeek)) / (7 * 86_400_000)) + 1,
      totals: { ...totals, ...sharesOf(totals) },
    };
  }

  const chartWeeks = Array.from({ length: CHART_WEEKS }, (_, i) => addDays(weekStart, -7 * (CHART_WEEKS - 1 - i)));
  const chartSeries = buildChartSeries(shown, nameOf, chartWeeks, withFigures);

  return {
    weekStart,
    weekEnd,
    network: { ...network, ...sharesOf(network) },
    centres,
    missing,
    amendedLate,
    term,
    knowledgeGaps: input.knowledgeGaps.slice(0, MAX_KNOWLEDGE_GAPS),
    gapTopics: input.gapTopics ?? [],
    gapTotal: input.gapTotal ?? input.knowledgeGaps.reduce((n, g) => n + g.count, 0),
    closed: centres.filter((c) => c.closed).map((c) => ({ centreId: c.centreId, centreName: c.centreName })),
    chartWeeks,
    chartSeries,
  };
}

function buildChartSeries(
  centreIds: string[],
  nameOf: (id: string) => string,
  weeks: string[],
  lookup: (centreId: string, week: string) => StoredReturn | undefined,
): ChartSeries[] {
  const all = centreIds.map((id) => ({
    label: nameOf(id),
    values: weeks.map((w) => lookup(id, w)?.figures.attendances ?? null),
  }));
  if (all.length <= CHART_MAX_SERIES) return all;
  const total = (s: ChartSeries) => s.values.reduce<number>((a, v) => a + (v ?? 0), 0);
  const ranked = [...all].sort((a, b) => total(b) - total(a));
  const top = ranked.slice(0, CHART_MAX_SERIES - 1);
  const rest = ranked.slice(CHART_MAX_SERIES - 1);
  // The average, not the sum, so the line sits on the same scale as the individual centres.
  const other: ChartSeries = {
    label: `Other ${rest.length} centres (average)`,
    values: weeks.map((_, i) => {
      const vals = rest.map((s) => s.values[i]).filter((v): v is number => v !== null);
      return vals.length ? Math.round(vals.reduce((a, b) => a + b, 0) / vals.length) : null;
    }),
  };
  return [...top, other];
}
