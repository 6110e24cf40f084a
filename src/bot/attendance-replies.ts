import { FIGURE_FIELDS, FIGURE_LABELS, type FieldChange, type SubmitResult } from '../attendance/types.js';
import { formatDate } from '../digest/dates.js';
import type { Reply, ReplyBlock } from '../shared/reply.js';
import type { StatusRow } from './ports.js';

function changeLine(c: FieldChange): string {
  if (c.field === 'closed') return c.to ? 'Marked closed: no sessions this week (every figure 0)' : 'Open again: sessions were held';
  if (c.field === 'note') {
    if (c.to === null) return 'Note: removed';
    return c.from === null ? `Note: added “${oneLine(String(c.to))}”` : `Note: now “${oneLine(String(c.to))}”`;
  }
  return `${FIGURE_LABELS[c.field]}: ${c.from} → ${c.to}`;
}

function oneLine(text: string, max = 80): string {
  const t = text.replace(/\s+/g, ' ').trim();
  if (t.length <= max) return t;
  const cut = t.slice(0, max - 1);
  const space = cut.lastIndexOf(' ');
  return `${space > max / 2 ? cut.slice(0, space) : cut}…`;
}

/**
 * What the lead sees after submitting (quick form, modal, card): what happened first, then for an amendment what
 * changed (the figures not given were kept), then the return as it now stands.
 */
export function submitReply(result: SubmitResult, centreName: string): Reply {
  const r = result.stored;
  const week = `week of ${formatDate(r.weekStart)}`;
  const headline =
    result.status === 'amended'
      ? `Return amended for ${centreName}, ${week} (version ${r.version}).`
      : result.status === 'unchanged'
        ? `No change: the return for ${centreName}, ${week}, already has these figures (version ${r.version}).`
        : result.status === 'duplicate'
          ? `Already received: the return for ${centreName}, ${week} (version ${r.version}).`
          : `Return received for ${centreName}, ${week}. Thank you.`;
  const blocks: ReplyBlock[] = [{ kind: 'notice', tone: 'success', text: headline }];
  const changed = result.status === 'amended' ? result.changes.map(changeLine) : [];
  if (changed.length) blocks.push({ kind: 'paragraph', text: `Changed:\n${changed.join('\n')}\nEverything else is as it was.` });
  blocks.push({ kind: 'fields', fields: FIGURE_FIELDS.map((f) => ({ label: FIGURE_LABELS[f], value: String(r.figures[f]) })) });
  if (r.note) blocks.push({ kind: 'paragraph', text: `Note: ${r.note}` });
  const summary = changed.length ? `Changed: ${changed.join('; ')}.` : FIGURE_FIELDS.map((f) => `${f} ${r.figures[f]}`).join(', ');
  return { text: `${headline} ${summary}`, blocks };
}

/**
 * The short receipt a lead keeps in their DM with the bot after a form (the form itself goes away): what was stored,
 * in one or two lines.
 */
export function receiptReply(result: SubmitResult, centreName: string): Reply {
  const r = result.stored;
  const week = `week of ${formatDate(r.weekStart)}`;
  const f = r.figures;
  let text: string;
  if (r.closed && result.status === 'created') text = `Received: ${centreName}, ${week}, marked closed (no sessions). Thank you.`;
  else if (result.status === 'created') text = `Return received: ${centreName}, ${week}: ${f.sessions} sessions, ${f.attendances} attendances, ${f.pupils} pupils. Thank you.`;
  else {
    const changed = result.changes.map(changeLine);
    text = `Return amended (version ${r.version}): ${centreName}, ${week}. ${changed.length ? `${changed.join('; ')}.` : ''}`.trim();
  }
  return { text, blocks: [{ kind: 'notice', tone: 'success', text }] };
}

/** "23 Nov 2026" or "9 Nov and 16 Nov 2026" or "2 Nov, 9 Nov and 16 Nov 2026": weeks as people read them. */
function weeksText(weeks: string[]): string {
  const sorted = [...weeks].sort();
  const dates = sorted.map(formatDate);
  const sameYear = sorted.every((w) => w.slice(0, 4) === sorted[0]!.slice(0, 4));
  const short = sameYear ? dates.map((d, i) => (i === dates.length - 1 ? d : d.replace(/ \d{4}$/, ''))) : dates;
  return short.length === 1 ? short[0]! : `${short.slice(0, -1).join(', ')} and ${short[short.length - 1]}`;
}

function statusOf(stored: NonNullable<StatusRow['stored']>): string {
  if (stored.closed) return 'Closed (no sessions)';
  return stored.amended ? `In (amended, v${stored.version})` : 'In';
}

/**
 * A lead's recent returns: what is missing, by centre, then a row per centre and week. Weeks read "23 Nov 2026" as
 * everywhere people see them; a week marked closed says so instead of showing zeros as if it were a return.
 */
export function statusReply(rows: StatusRow[]): Reply {
  if (!rows.length) {
    const text = 'You have no centres to report for.';
    return { text, blocks: [{ kind: 'notice', tone: 'info', text }] };
  }
  const missing = rows.filter((r) => !r.stored);
  const byCentre = new Map<string, string[]>();
  for (const m of missing) byCentre.set(m.centreName, [...(byCentre.get(m.centreName) ?? []), m.weekStart]);
  const text = missing.length
    ? `${missing.length} return${missing.length === 1 ? '' : 's'} missing: ${[...byCentre].map(([name, weeks]) => `${name} (week${weeks.length === 1 ? '' : 's'} of ${weeksText(weeks)})`).join('; ')}.`
    : 'All your recent returns are in.';
  const figure = (r: StatusRow, f: 'sessions' | 'attendances' | 'pupils') => (r.stored && !r.stored.closed ? String(r.stored.figures[f]) : '');
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
          formatDate(r.weekStart),
          r.stored ? statusOf(r.stored) : 'Missing',
          figure(r, 'sessions'),
          figure(r, 'attendances'),
          figure(r, 'pupils'),
        ]),
      },
    ],
  };
}
