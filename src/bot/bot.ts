import { type ReturnSubmission } from '../attendance/types.js';
import { formFields } from '../attendance/form-fields.js';
import { addDays, isIsoDate, weekStartOf } from '../shared/calendar.js';
import type { Actor, Centre, Person, PlatformIdentity } from '../directory/types.js';
import { NotAuthorisedError, NotFoundError, ValidationError, type FieldProblem } from '../errors.js';
import { commandText } from '../shared/commands.js';
import { MAX_QUESTION_CHARS } from '../shared/limits.js';
import { formatDate } from '../digest/dates.js';
import type { Reply, ReplyBlock } from '../shared/reply.js';
import type { AdminCommand } from './admin-commands.js';
import { adminHandlers, requireAdminPort } from './admin.js';
import type { ProfileLookup } from '../directory/linking.js';
import { answerReply } from './answer-reply.js';
import { receiptReply, statusReply, submitReply } from './attendance-replies.js';
import { errorCode, errorReply, notice } from './error-reply.js';
import { parseFormValues, type AttendanceFormValues } from './form-values.js';
import { capabilityLines, commandLines, hasRole, helpReply, privateOnlyText, REGISTER_HINT } from './help.js';
import type { AttendanceFormModel, Inbound, Outcome, ThreadRef } from './inbound.js';
import { parseIntent, type Intent, type IntentKind } from './intents.js';
import { createLimiter } from './limiter.js';
import { encodeOpenFormValue, type OpenFormPreset } from './open-form-value.js';
import type { BotDeps } from './ports.js';
import type { SmallTalk } from './small-talk.js';
import type { Platform } from '../shared/platform.js';

export interface Bot {
  /**
   * The one inbound entry: anything a person types (DM, mention, slash command) or submits (form, form button), from
   * either adapter. Never throws: typed errors come back as a clear reply.
   */
  handle(inbound: Inbound): Promise<Outcome>;
  /** Who this is; with `profile`, someone the directory knows by email is linked on first contact (see Inbound.profile). */
  actor(identity: PlatformIdentity, profile?: ProfileLookup): Promise<Actor>;
  /** For questions and help only: anyone may ask, so when the directory cannot be read the asker is plain staff. */
  askingActor(identity: PlatformIdentity, profile?: ProfileLookup): Promise<Actor>;
  /**
   * The stored answer to re-post for "Share in channel" in `conversationId`; on ok false the reply is for the sharer
   * only. Only the person who asked may share an answer, or anyone in a conversation where it is already public.
   */
  shareAnswerOutcome(actor: Actor, answerId: string, sharedBy: string, conversationId: string): Promise<{ ok: boolean; reply: Reply }>;
  shareAnswer(actor: Actor, answerId: string, sharedBy: string, conversationId: string): Promise<Reply>;
  /** Helpful / Not helpful, with what the person wrote (Teams' feedback dialog), stored with the vote. */
  feedback(actor: Actor, answerId: string, helpful: boolean, comment?: string | null): Promise<Reply>;
  help(actor: Actor): Reply;
  /** Slack's App Home and the Teams welcome: what this person can do, their returns, the digest for network leads. */
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

const STATUS_WEEKS = 4;
/** Weeks of a centre's returns that say which session types it runs (see formFields). */
const RECENT_WEEKS = 4;

/** Intents anyone may use, answered even when the directory cannot be read (the asker is then plain staff). */
const OPEN_TO_ALL: ReadonlySet<IntentKind> = new Set(['help', 'small-talk', 'ask']);
/** Intents whose replies show a centre's figures or change the directory: never where others can see them. */
const PRIVATE: ReadonlySet<IntentKind> = new Set(['attendance-form', 'attendance-quick', 'attendance-status', 'attendance-closed', 'digest', 'admin']);

function smallTalkReply(actor: Actor, what: SmallTalk): Reply {
  if (what === 'thanks') return notice('info', "You're welcome. Ask me anything else about post-16 pathways, CPD or SEND guidance.");
  const name = actor.person?.name.split(/\s+/)[0];
  const help = commandText(actor.identity.platform, 'help');
  return notice('info', `Hello${name ? ` ${name}` : ''}! Ask me about post-16 pathways, CPD or SEND guidance, or type ${help} to see what I can do.`);
}

/** "/attendance stauts": what was not understood, the nearest command, and the command's list; nothing is stored. */
function unknownCommandReply(actor: Actor, intent: Extract<Intent, { kind: 'unknown-command' }>): Reply {
  const platform = actor.identity.platform;
  const typed = intent.typed.replace(/\s+/g, ' ').slice(0, 60);
  const headline = `I don't know "${commandText(platform, `${intent.command} ${typed}`)}". Did you mean ${commandText(platform, `${intent.command} ${intent.suggestion}`)}?`;
  const lines = commandLines(actor, intent.command);
  const blocks: ReplyBlock[] = [{ kind: 'notice', tone: 'warning', text: headline }];
  if (lines.length) blocks.push({ kind: 'paragraph', text: `What you can type:\n${lines.join('\n')}` });
  return { text: headline, blocks };
}

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

  /**
   * Store what the lead gave, through the attendance service, which checks the rights and every field: figures not
   * given keep their values in an amendment (0 in a first return), a note not given keeps the note already in.
   */
  async function submit(actor: Actor, submission: ReturnSubmission): Promise<{ reply: Reply; receipt?: Reply }> {
    const result = await deps.attendance.submit(actor.person, submission);
    deps.observe?.returnSubmitted?.({ status: result.status, platform: actor.identity.platform });
    log?.info({ centre: result.centre.id, week: result.stored.weekStart, status: result.status, version: result.stored.version }, 'attendance return');
    const stored = result.status === 'created' || result.status === 'amended';
    if (stored) {
      // The week's reminders are updated to say so; never holds up or fails the reply.
      try {
        void Promise.resolve(deps.returns?.stored({ centreId: result.centre.id, weekStart: result.stored.weekStart, status: result.status as 'created' | 'amended' })).catch(
          (err: unknown) => log?.warn({ err }, 'could not signal the stored return'),
        );
      } catch (err) {
        log?.warn({ err }, 'could not signal the stored return');
      }
    }
    return { reply: submitReply(result, result.centre.name), ...(stored ? { receipt: receiptReply(result, result.centre.name) } : {}) };
  }

  async function ask(
    actor: Actor,
    question: string,
    options: { thread?: ThreadRef; shareable?: boolean; publicIn?: string },
  ): Promise<{ reply: Reply; answerId: string | null }> {
    const q = cleanQuestion(question);
    if (!q) {
      return { reply: notice('info', 'Ask me a question about post-16 pathways, CPD or SEND guidance, e.g. "What is Camden Career Club?"'), answerId: null };
    }
    if (q.length > MAX_QUESTION_CHARS) {
      return { reply: notice('warning', `That question is too long (${q.length} characters). Please keep it under ${MAX_QUESTION_CHARS}.`), answerId: null };
    }
    const platform = actor.identity.platform;
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
      if (!stored) return { reply: answerReply({ ...fresh, id: '', createdAt: now() }, { actions: false }), answerId: null };
      return { reply: answerReply(stored, { shareable: options.shareable }), answerId: stored.id };
    } catch (err) {
      return { reply: fail('ask', err), answerId: null };
    }
  }

  /**
   * The return form for a centre and week (a preset's, or the week due), filled in with the return already in for
   * them, with the boxes the centre's recent returns call for.
   */
  async function attendanceForm(actor: Actor, preset: OpenFormPreset = {}, message?: string): Promise<AttendanceFormModel> {
    // Who may report, and for which centres, is the attendance service's rule.
    const { centres, initialCentre } = await deps.attendance.formFor(actor.person, preset);
    const week = preset.week && isIsoDate(preset.week) ? weekStartOf(preset.week) : deps.attendance.defaultWeek(now());
    const [existing, recent] = initialCentre
      ? await Promise.all([
          deps.attendance.get(initialCentre, week),
          deps.attendance.list({ from: addDays(week, -7 * RECENT_WEEKS), to: addDays(week, -7), centreId: initialCentre }),
        ])
      : [null, []];
    const name = centres.find((c) => c.id === initialCentre)?.name;
    const by = existing?.submittedByName ? ` (last sent by ${existing.submittedByName})` : '';
    const intro = !name
      ? undefined
      : existing
        ? `Amending version ${existing.version} of the return for ${name}, week of ${formatDate(week)}${by}. It is filled in below: change what you need and submit. Earlier versions are kept.`
        : `No return yet for ${name}, week of ${formatDate(week)}.`;
    return {
      centres: centres.map((c) => ({ id: c.id, name: c.name })),
      defaultWeek: week,
      ...(intro ? { intro } : {}),
      ...(initialCentre ? { initialCentre } : {}),
      fields: formFields(recent.map((r) => r.figures)),
      weekHint: deps.attendance.dueWeekRule(now()),
      ...(existing
        ? {
            existing: {
              version: existing.version,
              figures: existing.figures,
              note: existing.note,
              submittedAt: existing.submittedAt,
              submittedByName: existing.submittedByName ?? null,
            },
          }
        : {}),
      ...(message ? { message } : {}),
    };
  }

  async function openForm(actor: Actor, preset: OpenFormPreset = {}): Promise<Outcome> {
    try {
      const form = await attendanceForm(actor, preset);
      const value = form.initialCentre ? encodeOpenFormValue({ centreId: form.initialCentre, week: form.defaultWeek }) : 'form';
      const fallback: Reply = {
        text: 'Open the weekly return form.',
        blocks: [
          { kind: 'paragraph', text: `The weekly attendance return, week of ${formatDate(form.defaultWeek)} unless you choose another.` },
          { kind: 'actions', actions: [{ id: 'open_attendance_form', label: 'Submit a return', value, style: 'primary' }] },
        ],
      };
      return { kind: 'open-form', form, fallback };
    } catch (err) {
      return { kind: 'reply', intent: 'attendance-form', reply: fail('attendance-form', err) };
    }
  }

  /**
   * A filled-in form must still match what it showed: the same centre and week, and the same version of their return.
   * Otherwise the form comes back showing what is there now (with why), and nothing is stored: one week's figures
   * are never filed under another, and a form opened before someone else's amendment cannot undo it.
   */
  async function recheckShownForm(actor: Actor, values: AttendanceFormValues): Promise<Outcome | null> {
    const shown = values.shown;
    const centreId = values.centreId?.trim().toLowerCase();
    const typedWeek = values.week?.trim();
    if (!shown?.version || !centreId || !typedWeek || !isIsoDate(typedWeek)) return null;
    const parsed = { centreId, week: typedWeek };
    const week = weekStartOf(parsed.week);
    const reopen = async (message: string): Promise<Outcome> => {
      const form = await attendanceForm(actor, { centreId: parsed.centreId, week }, message);
      return { kind: 'open-form', form, fallback: notice('warning', message) };
    };
    if ((shown.centreId && shown.centreId !== parsed.centreId) || (shown.week && shown.week !== week)) {
      const what = shown.centreId && shown.centreId !== parsed.centreId ? 'centre' : 'week';
      return reopen(
        `Nothing was saved: the form was showing the return for the week of ${formatDate(shown.week ?? week)}, and the ${what} changed. ` +
          `It now shows the week of ${formatDate(week)}: check the figures, then submit.`,
      );
    }
    const current = await deps.attendance.get(parsed.centreId, week);
    if (current && current.version !== shown.version) {
      const by = current.submittedByName ? ` by ${current.submittedByName}` : '';
      return reopen(`Nothing was saved: this return was changed${by} (version ${current.version}) after the form opened. The form now shows it: make your change again, then submit.`);
    }
    return null;
  }

  async function quickForm(actor: Actor, text: string, key: string): Promise<Reply> {
    try {
      // Someone who may not report is told so before anything they typed is read.
      deps.attendance.requireReporter(actor.person);
      return (await submit(actor, { ...deps.attendance.parseQuickForm(text), idempotencyKey: key })).reply;
    } catch (err) {
      return fail('attendance-quick', err);
    }
  }

  /**
   * No sessions this week (holiday, closure): a return of zeros marked closed, for the week due or the one named
   * ("attendance closed week 2026-12-21 note \"Christmas\""), or a reminder button's centre and week.
   */
  async function closeWeek(actor: Actor, what: { text?: string; preset?: OpenFormPreset }, key: string): Promise<Outcome> {
    try {
      deps.attendance.requireReporter(actor.person);
      const parsed = what.text ? deps.attendance.parseQuickForm(what.text) : { figures: {} };
      if (Object.keys(parsed.figures).length) {
        throw new ValidationError([
          { field: 'closed', message: `"closed" records no sessions (every figure 0), so it takes no figures: only week, centre and note. To send figures, leave out "closed".` },
        ]);
      }
      const submission: ReturnSubmission = {
        ...parsed,
        ...(what.preset?.centreId ? { centreId: what.preset.centreId } : {}),
        ...(what.preset?.week ? { week: what.preset.week } : {}),
        figures: {},
        closed: true,
        idempotencyKey: key,
      };
      const { reply, receipt } = await submit(actor, submission);
      return { kind: 'reply', intent: 'attendance-closed', reply, ...(receipt ? { receipt } : {}) };
    } catch (err) {
      return { kind: 'reply', intent: 'attendance-closed', reply: fail('attendance-closed', err) };
    }
  }

  async function submitForm(actor: Actor, values: AttendanceFormValues, key: string): Promise<Outcome> {
    try {
      deps.attendance.requireReporter(actor.person);
      const reload = await recheckShownForm(actor, values);
      if (reload) return reload;
      const parsed = parseFormValues(values);
      const { reply, receipt } = await submit(actor, { ...parsed, fieldNames: 'labels', idempotencyKey: key });
      return { kind: 'reply', intent: 'attendance-submit', reply, ...(receipt ? { receipt } : {}) };
    } catch (err) {
      const reply = fail('attendance-form-submit', err);
      const problems: FieldProblem[] = err instanceof ValidationError ? err.problems : [{ field: 'form', message: reply.text }];
      // The form comes back with the problems beside its fields, unless the person may not submit at all.
      const typedWeek = values.week?.trim();
      const form = await attendanceForm(actor, {
        ...(values.centreId ? { centreId: values.centreId.trim().toLowerCase() } : {}),
        ...(typedWeek && isIsoDate(typedWeek) ? { week: typedWeek } : {}),
      }).catch(() => null);
      return { kind: 'form-problems', reply, problems, form };
    }
  }

  async function status(actor: Actor): Promise<Reply> {
    try {
      const person = actor.person;
      const rows = await deps.attendance.status(person, STATUS_WEEKS);
      if (!rows.length && person) {
        // Centres added recently owe nothing yet: say when the first return is due rather than "no centres".
        const upcoming = (await deps.directory.submittableCentres(person)).filter((c) => c.returnsFrom);
        if (upcoming.length) {
          const first = upcoming.map((c) => `${c.name}: the week of ${formatDate(c.returnsFrom!)}`).join('; ');
          return notice('info', `No returns are due yet. The first ${upcoming.length === 1 ? 'is' : 'are'} for ${first}.`);
        }
      }
      return statusReply(rows);
    } catch (err) {
      return fail('attendance-status', err);
    }
  }

  /** The latest digest, or the week containing `week`; for the person asking (who may see it is the digest service's rule). */
  async function digest(actor: Actor, week?: string): Promise<Reply> {
    try {
      if (!deps.digest) return notice('info', 'The weekly digest is not available on this server yet.');
      return week ? await deps.digest.digestForWeek(actor, week) : await deps.digest.latestDigestFor(actor);
    } catch (err) {
      return fail('digest', err);
    }
  }

  const adminHandler = adminHandlers(deps);

  async function admin(actor: Actor, cmd: AdminCommand, inbound: Inbound): Promise<Reply> {
    try {
      // Who may use admin commands is the directory's rule (admins only), checked there.
      const person = requireAdminPort(deps).authorise(actor.person);
      const handler = adminHandler[cmd.kind] as (admin: Person, cmd: AdminCommand, inbound: Inbound) => Promise<Reply>;
      log?.info({ admin: person.id, command: cmd.kind }, 'admin command');
      return await handler(person, cmd, inbound);
    } catch (err) {
      return fail('admin', err);
    }
  }

  /** One handler per intent; the compiler asks for a new intent's handler here. */
  const intentHandlers: { [K in IntentKind]: (actor: Actor, intent: Extract<Intent, { kind: K }>, inbound: Inbound) => Promise<Outcome> } = {
    help: async (actor) => ({ kind: 'reply', intent: 'help', reply: helpReply(actor) }),
    'small-talk': async (actor, intent) => ({ kind: 'reply', intent: 'small-talk', reply: smallTalkReply(actor, intent.what) }),
    ask: async (actor, intent, inbound) => {
      // A slash command's answer is seen by the asker alone, so it offers "Share in channel"; a mention's answer is
      // posted for everyone in the conversation, a DM's only for the asker.
      const { reply, answerId } = await ask(actor, intent.question, {
        thread: inbound.thread,
        shareable: inbound.surface === 'command',
        publicIn: inbound.surface === 'mention' ? inbound.conversationId : undefined,
      });
      return { kind: 'reply', intent: 'ask', reply, answerId };
    },
    'attendance-form': (actor) => openForm(actor),
    'attendance-quick': async (actor, intent, inbound) => ({ kind: 'reply', intent: 'attendance-quick', reply: await quickForm(actor, intent.text, inbound.deliveryKey) }),
    'attendance-status': async (actor) => ({ kind: 'reply', intent: 'attendance-status', reply: await status(actor) }),
    'attendance-closed': (actor, intent, inbound) => closeWeek(actor, { text: intent.text }, inbound.deliveryKey),
    digest: async (actor, intent) => ({ kind: 'reply', intent: 'digest', reply: await digest(actor, intent.week) }),
    admin: async (actor, intent, inbound) => ({ kind: 'reply', intent: 'admin', reply: await admin(actor, intent.command, inbound) }),
    invalid: async (_actor, intent) => ({ kind: 'reply', intent: 'invalid', reply: fail('parse', new ValidationError(intent.problems)) }),
    'unknown-command': async (actor, intent) => ({ kind: 'reply', intent: 'unknown-command', reply: unknownCommandReply(actor, intent) }),
  };

  async function resolve(inbound: Inbound, openToAll: boolean): Promise<Actor> {
    return openToAll ? bot.askingActor(inbound.identity, inbound.profile) : bot.actor(inbound.identity, inbound.profile);
  }

  const bot: Bot = {
    async handle(inbound) {
      try {
        if (inbound.surface === 'card' && inbound.form) {
          return await submitForm(await resolve(inbound, false), inbound.form, inbound.deliveryKey);
        }
        if (inbound.markClosed) {
          if (inbound.surface === 'mention') return { kind: 'reply', intent: 'attendance-closed', reply: notice('info', privateOnlyText(inbound.identity.platform)) };
          return await closeWeek(await resolve(inbound, false), { preset: inbound.markClosed }, inbound.deliveryKey);
        }
        if (inbound.openForm) {
          if (inbound.surface === 'mention') return { kind: 'reply', intent: 'open-form', reply: notice('info', privateOnlyText(inbound.identity.platform)) };
          return await openForm(await resolve(inbound, false), inbound.openForm);
        }
        const explicit = inbound.surface === 'command';
        const line = explicit && inbound.command ? `${inbound.command} ${inbound.text ?? ''}` : (inbound.text ?? '');
        const intent = parseIntent(line, { explicit });
        // "post digests here" is said in the channel itself; nothing private is shown there.
        const inChannel = intent.kind === 'admin' && intent.command.kind === 'admin-digest-here';
        if (inbound.surface === 'mention' && PRIVATE.has(intent.kind) && !inChannel) {
          return { kind: 'reply', intent: intent.kind, reply: notice('info', privateOnlyText(inbound.identity.platform)) };
        }
        const actor = await resolve(inbound, OPEN_TO_ALL.has(intent.kind));
        const handler = intentHandlers[intent.kind] as (actor: Actor, intent: Intent, inbound: Inbound) => Promise<Outcome>;
        return await handler(actor, intent, inbound);
      } catch (err) {
        return { kind: 'reply', intent: 'invalid', reply: fail('handle', err) };
      }
    },

    actor: (identity, profile) => deps.directory.resolveActor(identity, profile),

    async askingActor(identity, profile) {
      try {
        return await deps.directory.resolveActor(identity, profile);
      } catch (err) {
        log?.warn({ err }, 'directory lookup failed; answering as plain staff');
        return { identity, person: null };
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

    async feedback(actor, answerId, helpful, comment) {
      try {
        const stored = await deps.answers.get(answerId);
        if (!stored) throw new NotFoundError('That answer is no longer available.');
        const outcome = await deps.answers.vote(answerId, actor.identity, helpful, comment);
        const what = helpful ? 'helpful' : 'not helpful';
        return notice('success', outcome === 'changed' ? `Thanks, your vote is changed to ${what}.` : `Thanks, recorded as ${what}.`);
      } catch (err) {
        return fail('feedback', err);
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
        blocks.push(...(await status(actor)).blocks);
        blocks.push({ kind: 'actions', actions: [{ id: 'open_attendance_form', label: 'Submit a return', value: 'home', style: 'primary' }] });
      }
      if (hasRole(actor, 'network_lead') || hasRole(actor, 'admin')) {
        blocks.push({ kind: 'divider' });
        blocks.push(...(await digest(actor)).blocks);
      }
      if (!actor.person) blocks.push({ kind: 'notice', tone: 'info', text: REGISTER_HINT });
      return { text: 'What I can do for you', blocks };
    },
  };

  return bot;
}
