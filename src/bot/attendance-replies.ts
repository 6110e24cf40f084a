import { FIGURE_FIELDS, FIGURE_LABELS, type SubmitResult } from '../attendance/types.js';
import type { Reply, ReplyBlock } from '../shared/reply.js';
import type { StatusRow } from './ports.js';

export function submitReply(result: SubmitResult, centreName: string): Reply {
  const r = result.stored;
  const headline =
    result.status === 'amended'
      ? `Return amended for ${centreName}, week of ${r.weekStart} (version ${r.version}).`
      : result.status === 'unchanged'
        ? `No change: the return for ${centreName}, week of ${r.weekStart}, already has these figures (version ${r.version}).`
        : result.status === 'duplicate'
          ? `Already received: the return for ${centreName}, week of ${r.weekStart} (version ${r.version}).`
          : `Return received for ${centreName}, week of ${r.weekStart}. Thank you.`;
  const blocks: ReplyBlock[] = [
    { kind: 'notice', tone: 'success', text: headline },
    { kind: 'fields', fields: FIGURE_FIELDS.map((f) => ({ label: FIGURE_LABELS[f], value: String(r.figures[f]) })) },
  ];
  if (r.note) blocks.push({ kind: 'paragraph', text: `Note: ${r.note}` });
  if (result.status === 'amended' && result.changes.length) {
    blocks.push({
      kind: 'table',
      columns: ['Changed', 'From', 'To'],
      rows: result.changes.map((c) => [c.field === 'note' ? 'Note' : FIGURE_LABELS[c.field], String(c.from ?? ''), String(c.to ?? '')]),
    });
  }
  const summary = FIGURE_FIELDS.map((f) => `${f} ${r.figures[f]}`).join(', ');
  return { text: `${headline} ${summary}`, blocks };
}

export function statusReply(rows: StatusRow[]): Reply {
  if (!rows.length) {
    const text = 'You have no centres to report for.';
    return { text, blocks: [{ kind: 'notice', tone: 'info', text }] };
  }
  const missing = rows.filter((r) => !r.stored);
  const text = missing.length
    ? `${missing.length} return${missing.length === 1 ? '' : 's'} missing: ${missing.map((m) => `${m.centreName} (week of ${m.weekStart})`).join(', ')}.`
    : 'All your recent returns are in.';
  return {
    text,
    blocks: [
      { kind: 'heading', text: 'Attendance returns' },
      { kind: 'notice', tone: missing.length ? 'warning' : 'success', text },
      {
        kind: 'table',
        columns: ['Centre', 'Week of', 'Status', 'Sessions', 'Attendances', 'Pupils'],
        rows: rows.map((r) => [
          r.centreName,
          r.weekStart,
          r.stored ? (r.stored.amended ? `In (amended, v${r.stored.version})` : 'In') : 'Missing',
          r.stored ? String(r.stored.figures.sessions) : '',
          r.stored ? String(r.stored.figures.attendances) : '',
          r.stored ? String(r.stored.figures.pupils) : '',
        ]),
      },
    ],
  };
}
