import type { Reply, ReplyBlock } from '../shared/reply.js';
import { formatDate } from './dates.js';
import { renderAttendanceChart, type ChartOptions } from './chart.js';
import type { DigestModel, Shares, Totals } from './types.js';

/**
 * Who reads the digest. 'person': a network lead or admin in their own DM (or App Home), who may see the texts of
 * the questions the bot could not answer. 'channel': everyone in a channel, who see only counts by topic: what staff
 * type is personal (a teacher may name a pupil).
 */
export type DigestAudience = 'person' | 'channel';

export interface RenderOptions {
  /** Attach the 12-week chart as an image block (default true). */
  chart?: boolean;
  chartOptions?: ChartOptions;
  /** Default 'channel': question texts appear only when the reader is known to be a network lead or admin. */
  audience?: DigestAudience;
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

/**
 * The questions the bot could not answer this week (declined, or answered and marked Not helpful). A network lead or
 * admin reading their own digest sees each (near-identical ones once, with how often), one line each; a channel sees
 * only how many, by topic.
 */
function gapBlocks(model: DigestModel, audience: DigestAudience): ReplyBlock[] {
  const total = model.gapTotal;
  if (!total) return [{ kind: 'paragraph', text: 'No unanswered questions this week.' }];
  const asked = `${num(total)} question${total === 1 ? '' : 's'}`;
  const topics = model.gapTopics.map((t) => `${t.topic} ${num(t.count)}`).join(', ');
  if (audience === 'channel') {
    return [
      {
        kind: 'paragraph',
        text: `Questions the bot could not answer this week: ${asked}${topics ? ` (${topics})` : ''}. Network leads see the questions in their own digest.`,
      },
    ];
  }
  const lines = model.knowledgeGaps.map((g) => `${g.count > 1 ? `${num(g.count)} × ` : ''}${g.question}`);
  const more = total - model.knowledgeGaps.reduce((n, g) => n + g.count, 0);
  return [
    {
      kind: 'paragraph',
      text: `Questions the bot could not answer this week (declined, or marked Not helpful): ${asked}${topics ? ` (${topics})` : ''}. Most asked:`,
    },
    { kind: 'paragraph', text: lines.join('\n') + (more > 0 ? `\n…and ${num(more)} more.` : '') },
    { kind: 'notice', tone: 'info', text: 'Shown only to you: what staff typed is never posted to a channel.' },
  ];
}

/** Digest model -> neutral Reply (heading, fields, table, notices, image). Plain text only. */
export function renderDigest(model: DigestModel, options: RenderOptions = {}): Reply {
  const period = `${formatDate(model.weekStart)} – ${formatDate(model.weekEnd)}`;
  const blocks: ReplyBlock[] = [];
  blocks.push({ kind: 'heading', text: `Weekly attendance digest: ${period}` });
  blocks.push({ kind: 'fields', fields: totalsFields(model.network) });

  const inCount = model.centres.filter((c) => c.figures).length;
  if (!inCount && !model.closed.length) {
    // An empty grid of dashes says nothing: say so plainly.
    blocks.push({ kind: 'notice', tone: 'info', text: 'No returns yet for this week.' });
  } else {
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
          : [c.centreName, c.closed ? 'closed' : 'no return', '–', '–', '–', '–', '–', '–', '–'],
      ),
    });
  }

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
  if (model.closed.length) {
    blocks.push({
      kind: 'paragraph',
      text: `Closed this week (no sessions, marked by the centre): ${model.closed.map((c) => c.centreName).join(', ')}.`,
    });
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
  blocks.push(...gapBlocks(model, options.audience ?? 'channel'));

  const anyPoint = model.chartSeries.some((series) => series.values.some((v) => v !== null));
  if (options.chart !== false && anyPoint) {
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
