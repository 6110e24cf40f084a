import { MAX_NOTE_LENGTH } from '../../../src/attendance/schema.js';
import type { AttendanceFormModel } from '../../../src/bot/index.js';
import type { Reply } from '../../../src/shared/reply.js';
import { plain } from './escape.js';
import { toViewBlocks } from './render-reply.js';
import type { KnownBlock, ModalView } from './slack-types.js';

export const ATTENDANCE_CALLBACK_ID = 'attendance_return';
/** Every input's action id; the block id names the field (centre, week, sessions, …, note). */
export const VALUE_ACTION = 'value';
export const FIGURE_MAX = 10_000;

/** What the modal carries between Slack and the bot (private_metadata). */
export interface ModalMetadata {
  /** Channel the command came from, for follow-up messages. */
  channel?: string;
  /** What the form shows: its centre and week, and the version of the return it was filled in with (null: none). */
  shown?: { centreId: string | null; week: string; version: number | null };
  /**
   * Revision of the filled-in values. Slack keeps what was typed in an input whose block id is unchanged when a view
   * is updated, so boxes filled with other values (another week's return, or emptied) get new block ids: `sessions~2`.
   */
  rev?: number;
}

/** The field a block id names: `sessions~2` -> `sessions`. */
export function blockField(blockId: string): string {
  const i = blockId.indexOf('~');
  return i === -1 ? blockId : blockId.slice(0, i);
}

const figureBlockId = (field: string, rev: number | undefined) => (rev ? `${field}~${rev}` : field);

export function parseModalMetadata(raw: string | undefined): ModalMetadata {
  if (!raw) return {};
  try {
    const m = JSON.parse(raw) as ModalMetadata;
    return typeof m === 'object' && m !== null ? m : {};
  } catch {
    return {};
  }
}

/**
 * The weekly return modal: the centre and week (changing either reloads the form: `dispatch_action`), then every
 * figure with a one-line hint, filled in with the return already in for them, and the note. Boxes the form does not
 * ask for are optional.
 */
export function attendanceModal(form: AttendanceFormModel, meta: ModalMetadata = {}): ModalView {
  const options = form.centres.map((c) => ({ text: plain(c.name, 75), value: c.id }));
  const initialOption = options.find((o) => o.value === form.initialCentre) ?? (options.length === 1 ? options[0] : undefined);
  const existing = form.existing;
  const rev = meta.rev;
  const blocks: KnownBlock[] = [];
  if (form.message) blocks.push({ type: 'section', text: plain(`⚠️ ${form.message}`, 3000) });
  if (form.intro) blocks.push({ type: 'context', elements: [plain(form.intro, 2000)] });
  blocks.push(
    {
      type: 'input',
      block_id: 'centre',
      dispatch_action: true,
      label: plain('Centre', 2000),
      element: {
        type: 'static_select',
        action_id: VALUE_ACTION,
        placeholder: plain('Choose a centre', 150),
        options,
        ...(initialOption ? { initial_option: initialOption } : {}),
      },
    },
    {
      type: 'input',
      block_id: 'week',
      dispatch_action: true,
      label: plain('Week (any day of it, Monday to Sunday)', 2000),
      hint: plain(form.weekHint, 2000),
      element: { type: 'datepicker', action_id: VALUE_ACTION, initial_date: form.defaultWeek },
    },
    ...form.fields.map((f): KnownBlock => {
      const value = existing?.figures[f.field];
      return {
        type: 'input',
        block_id: figureBlockId(f.field, rev),
        optional: !f.required,
        label: plain(f.label, 2000),
        hint: plain(f.required ? f.hint : `${f.hint} Leave empty for 0.`, 2000),
        element: {
          type: 'number_input',
          action_id: VALUE_ACTION,
          is_decimal_allowed: false,
          min_value: '0',
          max_value: String(FIGURE_MAX),
          ...(value !== undefined ? { initial_value: String(value) } : {}),
        },
      };
    }),
    {
      type: 'input',
      block_id: figureBlockId('note', rev),
      optional: true,
      label: plain('Note', 2000),
      hint: plain(existing?.note ? 'Empty the box to remove the note.' : 'Anything the network lead should know about this week.', 2000),
      element: {
        type: 'plain_text_input',
        action_id: VALUE_ACTION,
        multiline: true,
        max_length: MAX_NOTE_LENGTH,
        ...(existing?.note ? { initial_value: existing.note.slice(0, MAX_NOTE_LENGTH) } : {}),
      },
    },
  );
  const shown: ModalMetadata['shown'] = {
    centreId: initialOption?.value ?? null,
    week: form.defaultWeek,
    version: existing?.version ?? null,
  };
  return {
    type: 'modal',
    callback_id: ATTENDANCE_CALLBACK_ID,
    title: plain('Weekly return', 24),
    submit: plain(existing ? 'Amend' : 'Submit', 24),
    close: plain('Cancel', 24),
    private_metadata: JSON.stringify({ ...meta, shown } satisfies ModalMetadata),
    blocks,
  };
}

/** The modal after a successful submission: the confirmation with the figures. */
export function confirmationModal(reply: Reply): ModalView {
  return { type: 'modal', title: plain('Weekly return', 24), close: plain('Done', 24), blocks: toViewBlocks(reply) };
}
