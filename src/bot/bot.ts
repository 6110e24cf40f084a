import type { OpenFormPreset } from './open-form-value.js';
import { FIGURE_FIELDS, FIGURE_LABELS, type FigureField, type ReturnFigures, type SubmitResult } from '../attendance/types.js';
import type { Actor, Centre, Person, PlatformIdentity } from '../directory/types.js';
import { NotAuthorisedError, NotFoundError, ValidationError, type FieldProblem } from '../errors.js';
import { answerReply } from './answer-reply.js';
import { statusReply, submitReply } from './attendance-replies.js';
import { parseAttendanceCommand, type AttendanceCommand } from './commands.js';
import { errorCode, errorReply, notice } from './error-reply.js';
import { parseFormValues, type AttendanceFormValues } from './form-values.js';
import { capabilityLines, hasRole, helpReply } from './help.js';
import type { Platform } from '../shared/platform.js';
import type { BotDeps } from './ports.js';
import type { Reply, ReplyBlock } from '../shared/reply.js';
import { createLimiter } from './limiter.js';
import { MAX_QUESTION_CHARS } from '../shared/limits.js';


export interface ThreadRef {
  /** Channel / conversation id. */
  conversationId: string;
  /** Id of the thread's root message (Slack thread_ts, Teams reply chain id). */
  threadId: string;
}

export interface AskOptions {
  /** Where the question was asked, so follow-ups in the same thread use the thread's first question as context. */
  thread?: ThreadRef;
  /** Offer a "Share in channel" button (the answer is visible only to the asker). */
  shareable?: boolean;
  /** The conversation where the answer is posted for everyone in it to see (a channel mention); not for DMs. */
  publicIn?: string;
}

export interface AskResult {
  reply: Reply;
  /** Stored answer id (feedback and sharing refer to it); null when nothing was answered (empty input, error). */
  answerId: string | null;
  answered: boolean;
}

export interface AttendanceFormModel {
  centres: { id: string; name: string }[];
  /** Default week (Monday, YYYY-MM-DD): the week just ended. */
  defaultWeek: string;
  /** Centre to preselect (a reminder's button names it); otherwise the only centre, if there is one. */
  initialCentre?: string;
  fields: { field: FigureField; label: string }[];
}

export type AttendanceOutcome = { kind: 'open-form'; form: AttendanceFormModel } | { kind: 'reply'; reply: Reply };

export type FormSubmitOutcome =
  | { ok: true; reply: Reply; result: SubmitResult }
  | { ok: false; reply: Reply; problems: FieldProblem[] };

export interface Bot {
  actor(identity: PlatformIdentity): Promise<Actor>;
  /** For questions and help only: anyone may ask, so when the directory cannot be read the asker is plain staff. */
  askingActor(identity: PlatformIdentity): Promise<Actor>;
  ask(actor: Actor, question: string, options?: AskOptions): Promise<AskResult>;
  /**
   * The answer to post in `conversationId` for everyone there. Only the person who asked may share an answer, or
   * anyone in a conversation where it is already public; otherwise the reply refuses.
   */
  shareAnswer(actor: Actor, answerId: string, sharedBy: string, conversationId: string): Promise<Reply>;
  /** Like shareAnswer, but says whether there is something to post: on ok false the reply is for the sharer only. */
  shareAnswerOutcome(actor: Actor, answerId: string, sharedBy: string, conversationId: string): Promise<{ ok: boolean; reply: Reply }>;
  feedback(actor: Actor, answerId: string, helpful: boolean): Promise<Reply>;
  /** `preset` (from a reminder's button) opens the form on that centre and week. */
  attendanceCommand(actor: Actor, text: string, idempotencyKey: string, preset?: OpenFormPreset): Promise<AttendanceOutcome>;
  attendanceForm(actor: Actor, preset?: OpenFormPreset): Promise<AttendanceFormModel>;
  submitQuickForm(actor: Actor, text: string, idempotencyKey: string): Promise<Reply>;
  submitForm(actor: Actor, values: AttendanceFormValues, idempotencyKey: string): Promise<FormSubmitOutcome>;
  status(actor: Actor): Promise<Reply>;
  digest(actor: Actor): Promise<Reply>;
  help(actor: Actor): Reply;
  home(actor: Actor): Promise<Reply>;
}

/**
 * Control characters (NUL would also fail in Postgres), bidirectional overrides and zero-width spaces carry no
 * meaning in a question: removed, so a question of only those is treated as empty. Joiners inside emoji stay.
 */
function cleanQuestion(question: string): string {
  // eslint-disable-next-line no-control-regex
  return question.replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\u200B\u200E\u200F\u202A-\u202E\u2066-\u2069\uFEFF]/g, '').trim();
}

const NOT_A_LEAD =
  'Only registered Opportunity Centre leads can submit attendance returns. If you lead a centre, ask your network admin to register you.';
const STATUS_WEEKS = 4;

export function createBot(deps: BotDeps): Bot {
  const now = deps.now ?? (() => new Date());
  const log = deps.logger;
  const answering = createLimiter(deps.maxConcurrentAnswers ?? 2);

  function fail(where: string, err: unknown): Reply {
    const code = errorCode(err);
    deps.observe?.error?.({ code, where });
    if (code === 'internal') log?.error({ err, where }, 'bot handler failed');
    else log?.debug({ code, where }, 'bot handler refused');
    return errorReply(err);
  }

  function requireLead(actor: Actor): Person {
    const p = actor.person;
    if (!p || !(p.roles.includes('oc_lead') || p.roles.includes('admin'))) throw new NotAuthorisedError(NOT_A_LEAD);
    return p;
  }

  async function centreFor(person: Person, requested: string | undefined | null): Promise<Centre> {
    const centres = await deps.directory.submittableCentres(person);
    if (requested) {
      const id = requested.trim().toLowerCase();
      const found = centres.find((c) => c.id === id);
      if (found) return found;
      const exists = await deps.directory.getCentre(id);
      if (!exists) throw new ValidationError([{ field: 'centre', message: `There is no centre "${id}". Your centres: ${centres.map((c) => c.id).join(', ') || 'none'}.` }]);
      throw new NotAuthorisedError(`You are not a lead of ${exists.name}, so you cannot submit its return.`);
    }
    if (centres.length === 1) return centres[0]!;
    if (!centres.length) throw new NotAuthorisedError('You are not registered as the lead of any centre yet. Ask your network admin.');
    throw new ValidationError([{ field: 'centre', message: `You lead several centres; add "centre <id>", one of: ${centres.map((c) => c.id).join(', ')}.` }]);
  }

  async function submit(actor: Actor, centreId: string | undefined | null, week: string | undefined, rest: { figures: ReturnFigures; note?: string | null }, key: string) {
    const person = requireLead(actor);
    const centre = await centreFor(person, centreId);
    const result = await deps.attendance.submit(person, {
      centreId: centre.id,
      week: week ?? deps.attendance.defaultWeek(now()),
      figures: rest.figures,
      note: rest.note ?? null,
      idempotencyKey: key,
    });
    deps.observe?.returnSubmitted?.({ status: result.status, platform: actor.identity.platform });
    log?.info({ centre: centre.id, week: result.stored.weekStart, status: result.status, version: result.stored.version }, 'attendance return');
    return { result, reply: submitReply(result, centre.name) };
  }

  const bot: Bot = {
    actor: (identity) => deps.directory.resolveActor(identity),

    async askingActor(identity) {
      try {
        return await deps.directory.resolveActor(identity);
      } catch (err) {
        log?.warn({ err }, 'directory lookup failed; answering as plain staff');
        return { identity, person: null };
      }
    },

    async ask(actor, question, options = {}) {
      const q = cleanQuestion(question);
      if (!q) {
        return { reply: notice('info', 'Ask me a question about post-16 pathways, CPD or SEND guidance, e.g. "What is Camden Career Club?"'), answerId: null, answered: false };
      }
      if (q.length > MAX_QUESTION_CHARS) {
        return { reply: notice('warning', `That question is too long (${q.length} characters). Please keep it under ${MAX_QUESTION_CHARS}.`), answerId: null, answered: false };
      }
      const platform: Platform = actor.identity.platform;
      const started = process.hrtime.bigint();
      try {
        // The store helps (thread context, feedback buttons) but an answer is still worth giving without it.
        const root = options.thread
          ? await deps.answers.threadRoot(platform, options.thread.conversationId, options.thread.threadId).catch((err: unknown) => {
              log?.warn({ err }, 'thread lookup failed; answering without thread context');
              return null;
            })
          : null;
        const answer = await answering.run(() => deps.answerer.answer(q, root && root.question !== q ? { context: root.question } : undefined));
        const seconds = Number(process.hrtime.bigint() - started) / 1e9;
        deps.observe?.answered?.({ answered: answer.answered, seconds, platform });
        const fresh = {
          platform,
          question: q,
          answer: answer.answer,
          answered: answer.answered,
          citations: answer.citations,
        };
        const stored = await deps.answers.save({ ...fresh, asker: actor.identity, thread: options.thread ?? null, publicIn: options.publicIn ?? null }).catch((err: unknown) => {
          deps.observe?.error?.({ code: errorCode(err), where: 'answer-store' });
          log?.warn({ err }, 'answer not stored; replying without feedback buttons');
          return null;
        });
        const userId = actor.identity.platform === 'slack' ? actor.identity.user : actor.identity.aadObjectId;
        await deps.questionLog?.record({ platform, userId, question: q, answered: answer.answered, at: now() }).catch((err: unknown) => {
          log?.warn({ err }, 'question log write failed');
        });
        log?.info({ answerId: stored?.id ?? null, answered: answer.answered, citations: answer.citations.length, followUp: !!root }, 'answered');
        if (!stored) {
          const reply = answerReply({ ...fresh, id: '', createdAt: now() }, { actions: false });
          return { reply, answerId: null, answered: answer.answered };
        }
        return { reply: answerReply(stored, { shareable: options.shareable }), answerId: stored.id, answered: answer.answered };
      } catch (err) {
        return { reply: fail('ask', err), answerId: null, answered: false };
      }
    },

    async shareAnswer(actor, answerId, sharedBy, conversationId) {
      return (await bot.shareAnswerOutcome(actor, answerId, sharedBy, conversationId)).reply;
    },

    async shareAnswerOutcome(actor, answerId, sharedBy, conversationId) {
      try {
        const stored = await deps.answers.get(answerId);
        if (!stored) throw new NotFoundError('That answer is no longer available to share.');
        // An answer seen only by its asker (/ask, a DM) is theirs to make public, nobody else's.
        const relation = await deps.answers.relation(answerId, actor.identity, conversationId);
        if (!relation.asked && !relation.publicHere) throw new NotAuthorisedError('You can only share answers to questions you asked.');
        await deps.answers.markPublic(answerId, actor.identity.platform, conversationId);
        return { ok: true, reply: answerReply(stored, { sharedBy }) };
      } catch (err) {
        return { ok: false, reply: fail('share', err) };
      }
    },

    async feedback(actor, answerId, helpful) {
      try {
        const stored = await deps.answers.get(answerId);
        if (!stored) throw new NotFoundError('That answer is no longer available.');
        const outcome = await deps.answers.vote(answerId, actor.identity, helpful);
        const what = helpful ? 'helpful' : 'not helpful';
        return notice('success', outcome === 'changed' ? `Thanks, your vote is changed to ${what}.` : `Thanks, recorded as ${what}.`);
      } catch (err) {
        return fail('feedback', err);
      }
    },

    async attendanceCommand(actor, text, key, preset) {
      let cmd: AttendanceCommand;
      try {
        cmd = parseAttendanceCommand(text);
      } catch (err) {
        return { kind: 'reply', reply: fail('attendance-parse', err) };
      }
      switch (cmd.kind) {
        case 'form':
          try {
            return { kind: 'open-form', form: await bot.attendanceForm(actor, preset) };
          } catch (err) {
            return { kind: 'reply', reply: fail('attendance-form', err) };
          }
        case 'status':
          return { kind: 'reply', reply: await bot.status(actor) };
        case 'help':
          return { kind: 'reply', reply: bot.help(actor) };
        case 'quick':
          return { kind: 'reply', reply: await bot.submitQuickForm(actor, cmd.text, key) };
        case 'admin-register':
        case 'admin-pause':
          return { kind: 'reply', reply: await admin(actor, cmd) };
      }
    },

    async attendanceForm(actor, preset = {}) {
      const person = requireLead(actor);
      const centres = await deps.directory.submittableCentres(person);
      if (!centres.length) throw new NotAuthorisedError('You are not registered as the lead of any centre yet. Ask your network admin.');
      const initialCentre = centres.find((c) => c.id === preset.centreId)?.id ?? (centres.length === 1 ? centres[0]!.id : undefined);
      return {
        centres: centres.map((c) => ({ id: c.id, name: c.name })),
        defaultWeek: preset.week ?? deps.attendance.defaultWeek(now()),
        ...(initialCentre ? { initialCentre } : {}),
        fields: FIGURE_FIELDS.map((field) => ({ field, label: FIGURE_LABELS[field] })),
      };
    },

    async submitQuickForm(actor, text, key) {
      try {
        requireLead(actor);
        const parsed = deps.attendance.parseQuickForm(text);
        return (await submit(actor, parsed.centreId, parsed.week, parsed, key)).reply;
      } catch (err) {
        return fail('attendance-quick', err);
      }
    },

    async submitForm(actor, values, key) {
      try {
        requireLead(actor);
        const parsed = parseFormValues(values);
        const { reply, result } = await submit(actor, parsed.centreId, parsed.week, parsed, key);
        return { ok: true, reply, result };
      } catch (err) {
        const reply = fail('attendance-form-submit', err);
        const problems: FieldProblem[] =
          err instanceof ValidationError ? err.problems : [{ field: 'form', message: reply.text }];
        return { ok: false, reply, problems };
      }
    },

    async status(actor) {
      try {
        const person = actor.person;
        if (!person || !person.roles.length) throw new NotAuthorisedError(NOT_A_LEAD);
        return statusReply(await deps.attendance.status(person, STATUS_WEEKS));
      } catch (err) {
        return fail('attendance-status', err);
      }
    },

    async digest(actor) {
      try {
        if (!hasRole(actor, 'network_lead') && !hasRole(actor, 'admin')) {
          throw new NotAuthorisedError('The weekly digest is for network leads. Centre leads can see their own returns with /attendance status.');
        }
        if (!deps.digest) return notice('info', 'The weekly digest is not available on this server yet.');
        return await deps.digest.latestDigestFor(actor);
      } catch (err) {
        return fail('digest', err);
      }
    },

    help: (actor) => helpReply(actor),

    async home(actor) {
      const blocks: ReplyBlock[] = [
        { kind: 'heading', text: actor.person ? `Hello, ${actor.person.name}` : 'Camden staff bot' },
        ...capabilityLines(actor).map((text) => ({ kind: 'paragraph' as const, text })),
      ];
      if (hasRole(actor, 'oc_lead') || hasRole(actor, 'admin')) {
        blocks.push({ kind: 'divider' });
        const status = await bot.status(actor);
        blocks.push(...status.blocks);
        blocks.push({ kind: 'actions', actions: [{ id: 'open_attendance_form', label: 'Submit a return', value: 'home', style: 'primary' }] });
      }
      if (hasRole(actor, 'network_lead') || hasRole(actor, 'admin')) {
        blocks.push({ kind: 'divider' });
        const digest = await bot.digest(actor);
        blocks.push(...digest.blocks);
      }
      if (!actor.person) {
        blocks.push({ kind: 'notice', tone: 'info', text: 'Opportunity Centre leads: ask your network admin to register you to submit attendance returns.' });
      }
      return { text: 'What I can do for you', blocks };
    },
  };

  async function admin(actor: Actor, cmd: Extract<AttendanceCommand, { kind: 'admin-register' | 'admin-pause' }>): Promise<Reply> {
    try {
      const person = actor.person;
      if (!person || !person.roles.includes('admin')) throw new NotAuthorisedError('Sorry, only admins can use admin commands.');
      if (cmd.kind === 'admin-register') {
        if (cmd.centreId && !(await deps.directory.getCentre(cmd.centreId))) {
          throw new ValidationError([{ field: 'centre', message: `There is no centre "${cmd.centreId}".` }]);
        }
        const updated = await deps.directory.assignRole({ email: cmd.email, role: cmd.role, centreId: cmd.centreId }, person);
        log?.info({ admin: person.id, person: updated.id, role: cmd.role, centre: cmd.centreId }, 'role assigned');
        const centres = updated.centres.length ? ` Centres: ${updated.centres.join(', ')}.` : '';
        return notice('success', `${updated.name} (${updated.email}) now has roles: ${updated.roles.join(', ')}.${centres}`);
      }
      const centre = await deps.directory.pauseReminders(cmd.centreId, cmd.until, person);
      log?.info({ admin: person.id, centre: centre.id, until: cmd.until }, 'reminders paused');
      return notice('success', `Reminders for ${centre.name} are paused until ${centre.remindersPausedUntil ?? cmd.until} (inclusive).`);
    } catch (err) {
      return fail('admin', err);
    }
  }

  return bot;
}
