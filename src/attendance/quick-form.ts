import { ValidationError, type FieldProblem } from '../errors.js';
import { FIGURE_FIELDS, type FigureField, type ReturnFigures } from './types.js';
import { cleanNote, figureValueProblem, noteProblems } from './schema.js';
import { isIsoDate } from '../shared/calendar.js';

/**
 * A parsed quick form, before the service checks the week and the person's rights: only what was typed. The
 * service completes the figures (an amendment keeps those not given; a first return takes 0 for them).
 */
export interface QuickForm {
  centreId?: string;
  week?: string;
  figures: Partial<ReturnFigures>;
  /** undefined: not given (an amendment keeps the note); null: `note ""` or `note none` (clears it). */
  note?: string | null;
}

type Keyword = FigureField | 'week' | 'centre' | 'note';

const KEYWORDS: readonly Keyword[] = [...FIGURE_FIELDS, 'week', 'centre', 'note'];

/** Obvious alternatives people type; matched case-insensitively. */
const ALIASES: Record<string, Keyword> = {
  session: 'sessions',
  academics: 'academic',
  tutoring: 'academic',
  career: 'careers',
  weekends: 'weekend',
  attendance: 'attendances',
  attended: 'attendances',
  pupil: 'pupils',
  students: 'pupils',
  student: 'pupils',
  'free-school-meals': 'fsm',
  sen: 'send',
  parent: 'parents',
  carers: 'parents',
  'parents-carers': 'parents',
  center: 'centre',
  notes: 'note',
  comment: 'note',
  w: 'week',
};

function keywordOf(word: string): Keyword | undefined {
  const w = word.toLowerCase().replace(/[:=]$/, '');
  // Own properties only: "constructor" or "__proto__" must not find Object.prototype's members.
  return (KEYWORDS as readonly string[]).includes(w) ? (w as Keyword) : Object.hasOwn(ALIASES, w) ? ALIASES[w] : undefined;
}

function editDistance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0]![j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      d[i]![j] = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
  }
  return d[a.length]![b.length]!;
}

/** True when a word is a quick-form keyword or close to one (a typo the quick form's parser explains best). */
export function isQuickFormWord(word: string): boolean {
  return startsQuickForm(word) || suggestion(word.replace(/[:=,;].*$/, '')) !== undefined;
}

function suggestion(word: string): Keyword | undefined {
  const w = word.toLowerCase();
  let best: { k: Keyword; d: number } | undefined;
  for (const k of KEYWORDS) {
    const d = editDistance(w, k);
    if (d <= (k.length <= 4 ? 1 : 2) && (!best || d < best.d)) best = { k, d };
  }
  return best?.k;
}

const QUOTES: Record<string, string> = { '"': '"', '“': '”', '”': '”', "'": "'", '‘': '’' };

interface Token {
  text: string;
  quoted: boolean;
}

function tokenise(input: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  const s = input.trim();
  while (i < s.length) {
    while (i < s.length && /\s/.test(s[i]!)) i++;
    if (i >= s.length) break;
    const close = QUOTES[s[i]!];
    if (close) {
      const end = s.indexOf(close, i + 1);
      const stop = end === -1 ? s.length : end;
      tokens.push({ text: s.slice(i + 1, stop), quoted: true });
      i = stop + 1;
      continue;
    }
    let j = i;
    while (j < s.length && !/\s/.test(s[j]!)) j++;
    tokens.push({ text: s.slice(i, j), quoted: false });
    i = j;
  }
  return tokens;
}

/** Accepts 1200 and 1,200; anything else is reported with what was typed. */
function parseNumber(text: string): number | undefined {
  // "sessions 6, pupils 45": a comma or semicolon after a value separates fields.
  const t = text.replace(/[,;]$/, '').replace(/^(\d{1,3})(,\d{3})+$/, (m) => m.replace(/,/g, ''));
  return /^-?\d+(\.\d+)?$/.test(t) ? Number(t) : undefined;
}

/** True when a word can start a quick form ("sessions", "pupils:45", "week"), so chat text beginning with it is one. */
export function startsQuickForm(word: string): boolean {
  const glued = /^([A-Za-z-]+)[:=].+$/.exec(word);
  return keywordOf(glued ? glued[1]! : word.replace(/[,;]$/, '')) !== undefined;
}

/**
 * True when chat text with no command word is plainly a quick form: it starts with a keyword and holds at least
 * three `keyword number` pairs ("sessions 6 attendances 120 pupils 45 ..."). A question that merely starts with a
 * keyword ("SEND support for pupils in year 9?") is not one.
 */
export function looksLikeQuickForm(text: string): boolean {
  const tokens = tokenise(text).filter((t) => !t.quoted);
  if (!tokens.length || !startsQuickForm(tokens[0]!.text)) return false;
  let pairs = 0;
  for (let i = 0; i < tokens.length; i++) {
    const glued = /^([A-Za-z-]+)[:=](.+)$/.exec(tokens[i]!.text);
    if (glued) {
      if (keywordOf(glued[1]!) && parseNumber(glued[2]!) !== undefined) pairs++;
    } else if (keywordOf(tokens[i]!.text.replace(/[,;]$/, '')) && tokens[i + 1] && parseNumber(tokens[i + 1]!.text) !== undefined) {
      pairs++;
      i++;
    }
  }
  return pairs >= 3;
}

export const QUICK_FORM_HELP =
  'Example: sessions 6 academic 4 enrichment 2 attendances 120 pupils 45 fsm 30 send 8 parents 3 — optional: week YYYY-MM-DD, centre <id>, note "...".';

/**
 * Parses `keyword number` pairs in any order plus optional `week`, `centre` and `note "..."`: what was typed, each
 * figure a whole number from 0 to 10,000 (a bad one is named with the text as typed). Which figures a return needs is
 * the service's rule (completeFigures), since an amendment needs none. All problems are reported together.
 */
export function parseQuickForm(text: string): QuickForm {
  const tokens = tokenise(text);
  const problems: FieldProblem[] = [];
  const values: Partial<Record<FigureField, number>> = {};
  const seen = new Set<Keyword>();
  let week: string | undefined;
  let centreId: string | undefined;
  let note: string | null | undefined;

  for (let i = 0; i < tokens.length; i++) {
    const tok = tokens[i]!;
    // Accept "sessions=6" and "sessions:6" as one token.
    const glued = !tok.quoted ? /^([A-Za-z-]+)[:=](.+)$/.exec(tok.text) : null;
    const word = glued ? glued[1]! : tok.text;
    const kw = tok.quoted ? undefined : keywordOf(word);
    if (!kw) {
      if (tok.quoted) {
        problems.push({ field: 'note', message: `quoted text must follow "note", e.g. note "${tok.text.slice(0, 20)}".` });
        continue;
      }
      const guess = suggestion(word);
      const looksLikeNumber = parseNumber(word) !== undefined;
      problems.push({
        field: guess ?? 'form',
        message: looksLikeNumber
          ? `the number ${word} has no keyword before it. ${QUICK_FORM_HELP}`
          : guess
            ? `unknown word '${word.slice(0, 30)}' — did you mean ${guess}?`
            : `unknown word '${word.slice(0, 30)}'. Keywords: ${KEYWORDS.join(', ')}.`,
      });
      // Skip its value too, so one typo gives one message.
      if (!looksLikeNumber && tokens[i + 1] && parseNumber(tokens[i + 1]!.text) !== undefined) i++;
      continue;
    }
    let valueTok: Token | undefined;
    if (glued) valueTok = { text: glued[2]!, quoted: false };
    else if (kw === 'note' && tokens[i + 1] && !tokens[i + 1]!.quoted) {
      // Unquoted note: the rest of the text.
      valueTok = { text: tokens.slice(i + 1).map((t) => t.text).join(' '), quoted: true };
      i = tokens.length;
    } else {
      valueTok = tokens[i + 1];
      if (valueTok && !valueTok.quoted && keywordOf(valueTok.text) && parseNumber(valueTok.text) === undefined) valueTok = undefined;
      else if (valueTok) i++;
    }
    if (seen.has(kw)) {
      problems.push({ field: kw, message: `${kw} is given more than once; give it once.` });
      continue;
    }
    seen.add(kw);
    if (!valueTok) {
      problems.push({
        field: kw,
        message:
          kw === 'week'
            ? 'week needs a date after it, e.g. week 2026-03-23.'
            : kw === 'centre'
              ? 'centre needs a centre id after it, e.g. centre acland-burghley.'
              : kw === 'note'
                ? 'note needs text after it, e.g. note "half term".'
                : `${kw} needs a number after it.`,
      });
      continue;
    }
    const v = valueTok.text.trim().replace(/[,;]$/, '');
    if (kw === 'week') {
      if (isIsoDate(v)) week = v;
      else problems.push({ field: 'week', message: `week must be a date YYYY-MM-DD, got "${v.slice(0, 20)}".` });
    } else if (kw === 'centre') {
      const id = v.toLowerCase();
      if (/^[a-z0-9]+(-[a-z0-9]+)*$/.test(id)) centreId = id;
      else problems.push({ field: 'centre', message: `centre must be a centre id like acland-burghley, got "${v.slice(0, 40)}".` });
    } else if (kw === 'note') {
      // `note ""` or `note none` clears the note of the return already in.
      note = /^none$/i.test(valueTok.text.trim()) ? null : cleanNote(valueTok.text);
      problems.push(...noteProblems(note));
    } else {
      const n = parseNumber(v);
      const problem = n === undefined ? `${kw} must be a whole number, got "${v.slice(0, 20)}".` : figureValueProblem(kw, n, 'keywords', v);
      if (problem) problems.push({ field: kw, message: problem });
      else values[kw] = n;
    }
  }

  if (!tokens.length) {
    throw new ValidationError([{ field: 'form', message: `The quick form is empty. ${QUICK_FORM_HELP}` }]);
  }
  if (problems.length) throw new ValidationError(problems);
  const figures: Partial<ReturnFigures> = {};
  for (const f of FIGURE_FIELDS) if (values[f] !== undefined) figures[f] = values[f];
  return { figures, ...(week ? { week } : {}), ...(centreId ? { centreId } : {}), ...(note !== undefined ? { note } : {}) };
}
