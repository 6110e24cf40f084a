import { encodeOpenFormValue } from '../src/bot/open-form-value.js';
import type { Reply, ReplyAction } from '../src/shared/reply.js';
import { formatDate } from '../src/digest/dates.js';
import type { Person } from '../src/directory/types.js';
import { commandText } from '../src/shared/commands.js';
import type { Platform } from '../src/shared/platform.js';

export interface ReminderReplyInput {
  kind: 'reminder' | 'nudge';
  person: Person;
  centres: { id: string; name: string }[];
  /** Monday of the week the return is for. */
  week: string;
  /** Where it is sent: the example is typed as that platform's people type commands. */
  platform: Platform;
}

/** The direct message a lead gets: which return is missing, and a one-tap button per centre. */
export function reminderReply(input: ReminderReplyInput): Reply {
  const { kind, person, centres, week, platform } = input;
  const firstName = person.name.split(/\s+/)[0] || person.name;
  const weekText = `the week of ${formatDate(week)}`;
  const names = centres.map((c) => c.name);
  const list = names.length === 1 ? names[0] : `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
  const heading = kind === 'reminder' ? 'Weekly attendance return due' : 'Attendance return still missing';
  const body =
    kind === 'reminder'
      ? `Hi ${firstName}, the attendance return for ${list} for ${weekText} is not in yet. It takes a minute:`
      : `Hi ${firstName}, last week's attendance return for ${list} (${weekText}) is still missing. ` +
        'Network leads see missing returns in the weekly digest, so please send it today:';
  const actions: ReplyAction[] = centres.map((c) => ({
    id: 'open_attendance_form',
    label: centres.length === 1 ? 'Submit return' : `Submit for ${c.name}`,
    value: encodeOpenFormValue({ centreId: c.id, week }),
    style: 'primary',
  }));
  return {
    text: `${heading}: ${list}, ${weekText}.`,
    blocks: [
      { kind: 'heading', text: heading },
      { kind: 'paragraph', text: body },
      { kind: 'actions', actions },
      {
        kind: 'paragraph',
        text: `Or type the figures in one go, for example: ${commandText(platform, `attendance week ${week}${centres.length > 1 ? ` centre ${centres[0]!.id}` : ''} sessions 6 academic 4 enrichment 2 attendances 120 pupils 45 fsm 30 send 8 parents 3`)}`,
      },
    ],
  };
}
