import { isQuickFormWord, looksLikeQuickForm, startsQuickForm } from '../attendance/quick-form.js';
import { ValidationError, type FieldProblem } from '../errors.js';
import { isIsoDate } from '../shared/calendar.js';
import { commandWords, digestHereCommand, isAdminCommand, parseAdminCommand, type AdminCommand } from './admin-commands.js';
import { smallTalkOf, type SmallTalk } from './small-talk.js';

/**
 * What a person's words ask for. Parsed once, here, for every platform and surface: a Slack DM, a Slack slash
 * command and a Teams chat give the same intent for the same words.
 */
export type Intent =
  | { kind: 'help' }
  | { kind: 'small-talk'; what: SmallTalk }
  | { kind: 'ask'; question: string }
  | { kind: 'attendance-form' }
  | { kind: 'attendance-quick'; text: string }
  | { kind: 'attendance-status' }
  /** "attendance closed [week …] [centre …] [note "…"]": no sessions that week (holiday, closure). */
  | { kind: 'attendance-closed'; text: string }
  /** The weekly digest: the latest, or the week containing `week`. */
  | { kind: 'digest'; week?: string }
  | { kind: 'admin'; command: AdminCommand }
  /** Command words with a mistake (e.g. a malformed admin command): the problems go back to the person. */
  | { kind: 'invalid'; problems: FieldProblem[] }
  /**
   * A command followed by a word it does not know ("attendance stauts", "attendance history"): the nearest command
   * (`suggestion`, words after the command) and the command's list go back, rather than a quick form's errors.
   */
  | { kind: 'unknown-command'; command: string; typed: string; suggestion: string };

export type IntentKind = Intent['kind'];

/** How the words arrived. */
export interface ParseContext {
  /** A slash command, or text starting with "/": the first word is certainly a command, never a question. */
  explicit: boolean;
}

/** A command: given the words after its name, the intent, or null when the text is a question after all. */
type CommandParser = (rest: string, ctx: ParseContext) => Intent | null;

const HELP: Intent = { kind: 'help' };

function invalid(err: unknown): Intent {
  if (err instanceof ValidationError) return { kind: 'invalid', problems: err.problems };
  throw err;
}

function admin(words: string[]): Intent {
  try {
    return { kind: 'admin', command: parseAdminCommand(words) };
  } catch (err) {
    return invalid(err);
  }
}

const isHelpWord = (rest: string) => /^(help|\?)$/i.test(rest.trim());

/**
 * The words after "attendance" (Slack: "/attendance …"). To add a subcommand (e.g. "closed"), add an entry here
 * and a member of Intent with its handler in bot.ts.
 */
const ATTENDANCE_SUBCOMMANDS: Record<string, CommandParser> = {
  status: (rest) => (rest ? null : { kind: 'attendance-status' }),
  closed: (rest) => ({ kind: 'attendance-closed', text: rest }),
  help: (rest) => (rest ? null : HELP),
  admin: (rest) => admin(commandWords(rest)),
};

/** Edits between two words, a swap of neighbours counting as one ("stauts" is one from "status"). */
function typoDistance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0]![j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i]![j] = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i]![j] = Math.min(d[i]![j]!, d[i - 2]![j - 2]! + 1);
    }
  }
  return d[a.length]![b.length]!;
}

/** The subcommand one typo away from a word; otherwise "status" (what most people are after). */
function nearestSubcommand(word: string): string {
  const w = word.toLowerCase().slice(0, 40);
  return Object.keys(ATTENDANCE_SUBCOMMANDS).find((sub) => sub !== 'admin' && typoDistance(w, sub) <= 1) ?? 'status';
}

function parseAttendance(rest: string, ctx: ParseContext): Intent | null {
  if (!rest) return { kind: 'attendance-form' };
  const [first = '', ...more] = rest.split(/\s+/);
  const sub = first.toLowerCase();
  if (Object.hasOwn(ATTENDANCE_SUBCOMMANDS, sub)) {
    const intent = ATTENDANCE_SUBCOMMANDS[sub]!(more.join(' '), ctx);
    if (intent) return intent;
    // "attendance status please": the command, with words it does not take.
    if (ctx.explicit) return { kind: 'unknown-command', command: 'attendance', typed: rest, suggestion: sub };
  }
  // A word that is neither a subcommand nor a quick form's keyword (nor a typo of one) is a mistyped command when
  // typed as one ("/attendance stauts", "/attendance history"), or said alone after "attendance" in a chat.
  const word = /^[\p{L}-]+$/u.test(first) && !isQuickFormWord(first);
  if (word && (ctx.explicit || (!more.length && !rest.includes('?')))) {
    return { kind: 'unknown-command', command: 'attendance', typed: rest, suggestion: nearestSubcommand(first) };
  }
  // "attendance sessions 6 …" is a quick form; "Attendance at the centres: how is it counted?" a question, unless
  // typed as a command, where the quick form's parser says what is wrong.
  if (ctx.explicit || startsQuickForm(first)) return { kind: 'attendance-quick', text: rest };
  return null;
}

/** The first word of a command line -> its parser. To add a top-level command, add it here. */
const COMMANDS: Record<string, CommandParser> = {
  help: (rest, ctx) => (!rest || ctx.explicit ? HELP : null),
  '?': (rest) => (rest ? null : HELP),
  ask: (rest) => (isHelpWord(rest) ? HELP : askOrSmallTalk(rest)),
  attendance: parseAttendance,
  digest: parseDigest,
  // "admin staff workload?" is a question; "admin pause …" (a known subcommand) a command.
  admin: (rest, ctx) => {
    const words = commandWords(rest);
    return ctx.explicit || isAdminCommand(words[0]) ? admin(words) : null;
  },
};

/** "digest", "digest week 2026-11-16" or "digest 2026-11-16" (any day of the week meant). */
function parseDigest(rest: string, ctx: ParseContext): Intent | null {
  if (!rest) return { kind: 'digest' };
  const m = /^(?:week\s+)?(\d{4}-\d{2}-\d{2})$/i.exec(rest.trim());
  if (m) {
    if (isIsoDate(m[1]!)) return { kind: 'digest', week: m[1]! };
    return { kind: 'invalid', problems: [{ field: 'week', message: `week must be a date YYYY-MM-DD, got "${m[1]}".` }] };
  }
  // Typed as a command, other words after it ("/digest please") still mean the latest digest.
  return ctx.explicit ? { kind: 'digest' } : null;
}

function askOrSmallTalk(question: string): Intent {
  const what = smallTalkOf(question);
  return what ? { kind: 'small-talk', what } : { kind: 'ask', question };
}

/**
 * Parse one line of chat. A slash command arrives as its name and text joined ("/attendance status" ->
 * "attendance status", explicit). Anything that is not a command is a question (or small talk); a line that is
 * plainly a quick form ("sessions 6 academic 4 … pupils 45") is one without the "attendance" word.
 */
export function parseIntent(line: string, ctx: ParseContext): Intent {
  const trimmed = line.trim();
  const explicit = ctx.explicit || trimmed.startsWith('/');
  const text = trimmed.replace(/^\/+/, '').trim();
  const m = /^(\S+)(?:\s+([\s\S]*))?$/.exec(text);
  const word = (m?.[1] ?? '').toLowerCase();
  const rest = (m?.[2] ?? '').trim();
  if (Object.hasOwn(COMMANDS, word)) {
    const intent = COMMANDS[word]!(rest, { explicit });
    if (intent) return intent;
  }
  const here = digestHereCommand(text);
  if (here) return { kind: 'admin', command: here };
  if (looksLikeQuickForm(text)) return { kind: 'attendance-quick', text };
  return askOrSmallTalk(text);
}
