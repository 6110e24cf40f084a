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

export interface ModalMetadata {
  /** Channel the command came from, for follow-up messages. */
  channel?: string;
}

export function attendanceModal(form: AttendanceFormModel, meta: ModalMetadata = {}): ModalView {
  const options = form.centres.map((c) => ({ text: plain(c.name, 75), value: c.id }));
  const initialOption = options.find((o) => o.value === form.initialCentre) ?? (options.length === 1 ? options[0] : undefined);
  const blocks: KnownBlock[] = [
    {
      type: 'input',
      block_id: 'centre',
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
      label: plain('Week (any day of it)', 2000),
      hint: plain('Defaults to the week just ended (Monday to Sunday).', 2000),
      element: { type: 'datepicker', action_id: VALUE_ACTION, initial_date: form.defaultWeek },
    },
    ...form.fields.map(
      (f): KnownBlock => ({
        type: 'input',
        block_id: f.field,
        label: plain(f.label, 2000),
        element: { type: 'number_input', action_id: VALUE_ACTION, is_decimal_allowed: false, min_value: '0', max_value: String(FIGURE_MAX) },
      }),
    ),
    {
      type: 'input',
      block_id: 'note',
      optional: true,
      label: plain('Note (optional)', 2000),
      element: { type: 'plain_text_input', action_id: VALUE_ACTION, multiline: true, max_length: MAX_NOTE_LENGTH },
    },
  ];
  return {
    type: 'modal',
    callback_id: ATTENDANCE_CALLBACK_ID,
    title: plain('Weekly return', 24),
    submit: plain('Submit', 24),
    close: plain('Cancel', 24),
    private_metadata: JSON.stringify(meta),
    blocks,
  };
}

/** The modal after a successful submission: the confirmation with the figures. */
export function confirmationModal(reply: Reply): ModalView {
  return { type: 'modal', title: plain('Weekly return', 24), close: plain('Done', 24), blocks: toViewBlocks(reply) };
}
