import { encodeOpenFormValue } from '../src/bot/open-form-value.js';
import type { Reply, ReplyAction, ReplyBlock } from '../src/shared/reply.js';
import { formatDate } from '../src/digest/dates.js';
import type { Person } from '../src/directory/types.js';
import { commandText } from '../src/shared/commands.js';
import type { Platform } from '../src/shared/platform.js';

/** A centre's return that is in, as the updated reminder shows it. */
export interface ReceivedReturn {
  version: number;
  closed: boolean;
  sessions: number;
  attendances: number;
}

export interface ReminderReplyInput {
  kind: 'reminder' | 'nudge';
  person: Person;
  /** Every centre the message is about (a lead of several gets one message). */
  centres: { id: string; name: string }[];
  /** Monday of the week the return is for. */
  week: string;
  /** Where it is sent: the example is typed as that platform's people type commands. */
  platform: Platform;
  /** Returns already in (when the message is updated after one arrives), by centre id. */
  received?: ReadonlyMap<string, ReceivedReturn>;
  /** Until when a return typed without a week counts for this week ("Friday 27 Nov, 14:00"; see dueUntilText). */
  dueUntil?: string | null;
}

function listOf(names: string[]): string {
  return names.length === 1 ? names[0]! : `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
}

function receivedLine(name: string, r: ReceivedReturn, weekText: string): string {
  if (r.closed) return `${name}: marked closed for ${weekText} (no sessions). Thank you.`;
  const amended = r.version > 1 ? `, version ${r.version}` : '';
  return `${name}: return received for ${weekText} (${r.sessions} sessions, ${r.attendances} attendances${amended}). Thank you.`;
}

/**
 * The direct message a lead gets about a week's return: which centres' returns are not in, a button per centre to
 * open the form on that centre and week, one to mark the week closed (no sessions), and the one-line quick form with
 * until when it needs no week. Once returns arrive the same message is updated: received centres are ticked off and
 * lose their buttons, so an old reminder never goes on saying "not in yet". Once every centre is in, a button per
 * centre opens its return filled in to change it: a tap on a phone, not a command with the week typed as a date.
 */
export function reminderReply(input: ReminderReplyInput): Reply {
  const { kind, person, centres, week, platform } = input;
  const firstName = person.name.split(/\s+/)[0] || person.name;
  const weekText = `the week of ${formatDate(week)}`;
  const received = input.received ?? new Map<string, ReceivedReturn>();
  const missing = centres.filter((c) => !received.has(c.id));
  const done = centres.filter((c) => received.has(c.id));
  const several = centres.length > 1;

  if (!missing.length) {
    const heading = 'Attendance return received';
    const lines = done.map((c) => receivedLine(c.name, received.get(c.id)!, weekText));
    return {
      text: `${heading}: ${listOf(done.map((c) => c.name))}, ${weekText}.`,
      blocks: [
        { kind: 'heading', text: heading },
        ...lines.map((text): ReplyBlock => ({ kind: 'notice', tone: 'success', text })),
        { kind: 'paragraph', text: several ? 'To change one, the form opens filled in:' : 'To change it, the form opens filled in:' },
        {
          kind: 'actions',
          actions: done.map((c): ReplyAction => ({
            id: 'open_attendance_form',
            label: several ? `Change ${c.name}` : 'Change the return',
            value: encodeOpenFormValue({ centreId: c.id, week }),
          })),
        },
      ],
    };
  }

  const list = listOf(missing.map((c) => c.name));
  const heading = kind === 'reminder' ? 'Weekly attendance return due' : 'Attendance return still missing';
  const body =
    kind === 'reminder'
      ? `Hi ${firstName}, the attendance return for ${list} for ${weekText} is not in yet. It takes a minute:`
      : `Hi ${firstName}, last week's attendance return for ${list} (${weekText}) is still missing. ` +
        'Network leads see missing returns in the weekly digest, so please send it today:';
  const actions: ReplyAction[] = missing.flatMap((c): ReplyAction[] => {
    const value = encodeOpenFormValue({ centreId: c.id, week });
    return [
      { id: 'open_attendance_form', label: several ? `Submit for ${c.name}` : 'Submit return', value, style: 'primary' },
      {
        id: 'mark_week_closed',
        label: several ? `No sessions at ${c.name}` : 'No sessions this week',
        value,
        confirm: {
          title: 'No sessions this week?',
          text: `This sends a return of zeros for ${c.name}, ${weekText}, marked closed (holiday or closure). You can change it later.`,
          yes: 'Yes, we were closed',
          no: 'Cancel',
        },
      },
    ];
  });
  const example = `attendance${several ? ` centre ${missing[0]!.id}` : ''} sessions 6 academic 4 enrichment 2 attendances 120 pupils 45 fsm 30 send 8 parents 3`;
  const until = input.dueUntil ? ` Without a week it counts for ${weekText} until ${input.dueUntil}.` : '';
  const blocks: ReplyBlock[] = [{ kind: 'heading', text: heading }];
  for (const c of done) blocks.push({ kind: 'notice', tone: 'success', text: receivedLine(c.name, received.get(c.id)!, weekText) });
  blocks.push(
    { kind: 'paragraph', text: body },
    { kind: 'actions', actions },
    { kind: 'paragraph', text: `Or type it in one go: ${commandText(platform, example)}.${until}` },
  );
  return { text: `${heading}: ${list}, ${weekText}.`, blocks };
}
