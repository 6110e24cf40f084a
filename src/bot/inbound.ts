import type { PlatformIdentity } from '../directory/types.js';
import type { FieldProblem } from '../errors.js';
import type { ReturnFigures } from '../attendance/types.js';
import type { FormField } from '../attendance/form-fields.js';
import type { ProfileLookup } from '../directory/linking.js';
import type { Reply } from '../shared/reply.js';
import type { AttendanceFormValues } from './form-values.js';
import type { IntentKind } from './intents.js';
import type { OpenFormPreset } from './open-form-value.js';

/**
 * Where the words came from. 'dm': a direct or personal chat. 'mention': said (or clicked) where others can see it,
 * such as an @mention in a channel. 'command': a Slack slash command (only the person sees the reply). 'card': a form
 * or button on one of the bot's own messages (Slack modal, Teams card).
 */
export type Surface = 'dm' | 'mention' | 'command' | 'card';

export interface ThreadRef {
  /** Channel / conversation id. */
  conversationId: string;
  /** Id of the thread's root message (Slack thread_ts, Teams reply chain id). */
  threadId: string;
}

/**
 * What an adapter hands the core for anything a person says or submits: who (as the platform names them), where,
 * and what. The core resolves the person, parses the intent and decides; the adapter renders the Outcome.
 */
export interface Inbound {
  /** The person as the platform identifies them (the platform is part of it). */
  identity: PlatformIdentity;
  surface: Surface;
  /** Surface 'command': the slash command's name without the slash ('ask', 'attendance', 'digest'). */
  command?: string;
  /** What was typed (dm, mention, command), with platform markup already decoded and the bot's mention removed. */
  text?: string;
  /** Surface 'card': a submitted attendance form, each field as typed. */
  form?: AttendanceFormValues;
  /** Surface 'card': a button that opens the attendance form, on a reminder's centre and week when it names them. */
  openForm?: OpenFormPreset;
  /** Surface 'card': a reminder's "No sessions this week" button: mark that centre's week closed. */
  markClosed?: OpenFormPreset;
  /** The conversation (channel, chat) the words were said in; for a mention, everyone there sees the reply. */
  conversationId?: string;
  /** Its name, when the platform says (for confirmations such as "post digests here"). */
  conversationName?: string | null;
  /**
   * Channels the text mentions, as the platform marked them: in `text` each reads "#name" (or "#id" when the
   * platform gave no name), here with its id.
   */
  channels?: { id: string; name: string | null }[];
  /**
   * Asks the platform for the person's email (Slack users.info, Teams' roster), so someone the directory knows by
   * email but not yet by this chat account is linked on first contact. Called only when needed.
   */
  profile?: ProfileLookup;
  /** Where the words were said, so a follow-up in a thread is read with the thread's first question. */
  thread?: ThreadRef;
  /**
   * Stable id of this delivery (Slack trigger / view id or message ts, Teams activity id): the same submission
   * delivered twice is stored once.
   */
  deliveryKey: string;
}

export interface AttendanceFormModel {
  centres: { id: string; name: string }[];
  /** The week shown (Monday, YYYY-MM-DD): the one asked for (a reminder's, a changed date), or the week due. */
  defaultWeek: string;
  /** Centre to preselect (a reminder's button names it); otherwise the only centre, if there is one. */
  initialCentre?: string;
  /** The boxes, with a hint each and whether the form asks for them (see formFields). */
  fields: FormField[];
  /** The due-week rule in a sentence, shown with the week. */
  weekHint: string;
  /**
   * The return already in for `initialCentre` and `defaultWeek`: the form is filled with it and submitting amends it.
   * Absent when there is none (or no centre is chosen yet).
   */
  existing?: { version: number; figures: ReturnFigures; note: string | null; submittedAt: Date; submittedByName: string | null };
  /** What the form is for, in a sentence: "Amending version 2 of …" or "No return yet for …". */
  intro?: string;
  /** A line above the form (e.g. why it was reloaded). */
  message?: string;
}

/** What the adapter does with an Inbound. */
export type Outcome =
  /** Send this reply. `answerId` names the stored answer (feedback and sharing refer to it). */
  | {
      kind: 'reply';
      intent: IntentKind | 'attendance-submit' | 'open-form' | 'attendance-closed';
      reply: Reply;
      answerId?: string | null;
      /**
       * A return was stored: a short receipt for where the reply itself does not stay (a Slack modal closes, so the
       * receipt goes to the lead's DM with the bot).
       */
      receipt?: Reply;
    }
  /**
   * Open the attendance form. `fallback` is for a surface that cannot open a form by itself (a Slack message has no
   * trigger): a reply with a button that opens it.
   */
  | { kind: 'open-form'; form: AttendanceFormModel; fallback: Reply }
  /** A submitted form was refused: show `problems` beside the fields of `form` (null: the person may not submit). */
  | { kind: 'form-problems'; reply: Reply; problems: FieldProblem[]; form: AttendanceFormModel | null };
