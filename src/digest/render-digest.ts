import type { Reply, ReplyBlock } from '../shared/reply.js';
import { formatDate } from './dates.js';
import { renderAttendanceChart, type ChartOptions } from './chart.js';
import type { DigestModel, Shares, Totals } from './types.js';

export interface RenderOptions {
  /** Attach the 12-week chart as an image block (default true). */
  chart?: boolean;
  chartOptions?: ChartOptions;
}

const num = (n: number) => Math.round(n).toLocaleString('en-GB');
const pct = (share: number | null) => (share === null ? '–' : `${Math.round(share * 100)}%`);

function change(c: number | null): string {
  if (c === null) return '–';
  const p = Math.round(c * 100);
  return p > 0 ? `+${p}%` : p < 0 ? `−${Math.abs(p)}%` : '0%';
}

function totalsFields(t: Totals & Shares): { label: string; value: string }[] {
  return [
    { label: 'Returns', value: num(t.returns) },
    { label: 'Sessions', value: num(t.sessions) },
    { label: 'Attendances', value: num(t.attendances) },
    { label: 'Unique pupils', value: num(t.pupils) },
    { label: 'FSM share', value: pct(t.fsmShare) },
    { label: 'SEND share', value: pct(t.sendShare) },
    { label: 'Academic share', value: pct(t.academicShare) },
    { label: 'Weekend sessions', value: num(t.weekend) },
    { label: 'Parents / carers', value: num(t.parents) },
  ];
}

/** Digest model -> neutral Reply (heading, fields, table, notices, image). Plain text only. */
export function renderDigest(model: DigestModel, options: RenderOptions = {}): Reply {
  const period = `${formatDate(model.weekStart)} – ${formatDate(model.weekEnd)}`;
  const blocks: ReplyBlock[] = [];
  blocks.push({ kind: 'heading', text: `Weekly attendance digest: ${period}` });
  blocks.push({ kind: 'fields', fields: totalsFields(model.network) });

  blocks.push({
    kind: 'table',
    columns: ['Centre', 'Sessions', 'Attendances', 'Pupils', 'FSM', 'SEND', 'Academic', 'Weekend', 'vs 4-wk avg'],
    rows: model.centres.map((c) =>
      c.figures
        ? [
            c.amended ? `${c.centreName} (amended)` : c.centreName,
            num(c.figures.sessions),
            num(c.figures.attendances),
            num(c.figures.pupils),
            pct(c.fsmShare),
            pct(c.sendShare),
            pct(c.academicShare),
            num(c.figures.weekend),
            change(c.changeAgainstAverage),
          ]
        : [c.centreName, 'no return', '–', '–', '–', '–', '–', '–', '–'],
    ),
  });

  if (model.missing.length) {
    const names = model.missing.map((m) => (m.paused ? `${m.centreName} (reminders paused)` : m.centreName));
    blocks.push({
      kind: 'notice',
      tone: 'warning',
      text: `Returns still missing for this week (${model.missing.length}): ${names.join(', ')}.`,
    });
  } else {
    blocks.push({ kind: 'notice', tone: 'success', text: 'Every active centre has sent its return for this week.' });
  }

  if (model.amendedLate.length) {
    const items = model.amendedLate.map(
      (a) => `${a.centreName}, week of ${formatDate(a.weekStart)} (version ${a.version}, amended ${formatDate(a.amendedOn)})`,
    );
    blocks.push({
      kind: 'notice',
      tone: 'info',
      text: `Returns amended after they were first reported: ${items.join('; ')}.`,
    });
  }

  if (model.term) {
    blocks.push({ kind: 'divider' });
    blocks.push({
      kind: 'paragraph',
      text: `${model.term.name} to date (from ${formatDate(model.term.start)}, ${model.term.weeks} week${model.term.weeks === 1 ? '' : 's'}):`,
    });
    blocks.push({ kind: 'fields', fields: totalsFields(model.term.totals) });
  }

  blocks.push({ kind: 'divider' });
  if (model.knowledgeGaps.length) {
    blocks.push({ kind: 'paragraph', text: 'Questions the bot could not answer this week (knowledge gaps):' });
    blocks.push({
      kind: 'table',
      columns: ['Question', 'Times asked'],
      rows: model.knowledgeGaps.map((g) => [g.question, num(g.count)]),
    });
  } else {
    blocks.push({ kind: 'paragraph', text: 'No unanswered questions this week.' });
  }

  if (options.chart !== false) {
    const img = renderAttendanceChart(model.chartWeeks, model.chartSeries, options.chartOptions);
    blocks.push({
      kind: 'image',
      title: 'Weekly attendances per centre, last 12 weeks',
      alt: `Line chart of weekly attendances per centre for the 12 weeks to ${formatDate(model.weekEnd)}.`,
      png: img.png,
      width: img.width,
      height: img.height,
    });
  }

  const text =
    `Weekly attendance digest for ${period}: ${num(model.network.attendances)} attendances across ` +
    `${model.network.returns} centre return${model.network.returns === 1 ? '' : 's'}` +
    (model.missing.length ? `; ${model.missing.length} missing.` : '.');
  return { text, blocks };
}
