import { stemmer } from 'stemmer';
import type { GapTopic, KnowledgeGap } from './types.js';

/**
 * Knowledge gaps for the weekly digest: the real questions of a week that the bot declined or that someone marked
 * Not helpful, grouped when they are near-identical, each with a topic. What people typed is personal (a teacher may
 * name a pupil), so the texts are shown only to network leads and admins in their own digest; a channel gets counts
 * by topic (see render-digest.ts).
 */

/** One question from the week: declined by the bot, or answered and then voted Not helpful. */
export interface GapEntry {
  question: string;
  why: 'declined' | 'not_helpful';
}

export interface KnowledgeGaps {
  /** Most asked first. */
  groups: KnowledgeGap[];
  /** Every topic with questions, most first. */
  topics: { topic: GapTopic; count: number }[];
  /** Questions counted (entries that are real questions). */
  total: number;
}

const WORD = /[\p{L}\p{N}]+(?:['’-][\p{L}\p{N}]+)*/gu;

/** Words that do not tell two questions apart. */
const STOP = new Set(
  'a an the is are was were be been being am do does did done to of in on at for by with from about into as and or but if so than then that this these those there here what which who whom whose when where why how can could should would will shall may might must i me my we our us you your he she it its they them their please tell know any anything some there s t'.split(
    ' ',
  ),
);

/** Topics by word stems (and, where a stem would mislead, a pattern on the text), most specific first. */
const TOPICS: { topic: GapTopic; stems: string[]; pattern?: RegExp }[] = [
  {
    topic: 'SEND',
    // "send" is also a verb: only the capitalised SEND (or SEN) counts.
    pattern: /\b(SEND|SEN|SENCO|SENCo|EHCP)\b/,
    stems: ['senco', 'ehcp', 'disabl', 'autism', 'autist', 'adhd', 'dyslexia', 'inclus', 'neurodivers', 'sensori', 'send-'],
  },
  {
    topic: 'Post-16 pathways',
    pattern: /post[\s-]?16|\b16\s?\+|\b16-19\b/i,
    stems: ['sixth', 'colleg', 'apprenticeship', 't-level', 'a-level', 'univers', 'uni', 'ucas', 'neet', 'pathwai', 'career', 'wex', 'placement', 'leaver'],
  },
  {
    topic: 'CPD',
    pattern: /\bcpd\b|professional development/i,
    stems: ['cours', 'inset', 'coach', 'mentor', 'ect', 'nqt', 'npq', 'leadership', 'qualif', 'train'],
  },
  { topic: 'Opportunity Centres', stems: ['opportun', 'centr', 'attend', 'enrich', 'tutor', 'club', 'campu'] },
];

function words(text: string): string[] {
  return (text.toLowerCase().normalize('NFKC').match(WORD) ?? []).map((w) => w.replace(/’/g, "'"));
}

/** The words that carry a question's meaning, stemmed: what near-identical questions share. */
function meaning(text: string): Set<string> {
  // "T-levels" and "t levels" are one question: hyphens split words here.
  const parts = words(text).flatMap((w) => w.split('-'));
  return new Set(parts.filter((w) => w && !STOP.has(w)).map((w) => stemmer(w)));
}

/**
 * A real question, not a command, a greeting or a stray word: at least three words, or a question mark after two.
 * ("thanks!", "status", "attendance status", "ok" are not; "SEND transport?" is.)
 */
export function isRealQuestion(text: string): boolean {
  const w = words(text).filter((x) => /\p{L}/u.test(x));
  return w.length >= 3 || (w.length === 2 && /\?\s*$/.test(text));
}

export function topicOf(text: string): GapTopic {
  const stems = new Set([...words(text).map((w) => stemmer(w)), ...words(text)]);
  for (const t of TOPICS) if (t.pattern?.test(text) || t.stems.some((w) => stems.has(w))) return t.topic;
  return 'Other';
}

function jaccard(a: Set<string>, b: Set<string>): number {
  if (!a.size && !b.size) return 1;
  let both = 0;
  for (const x of a) if (b.has(x)) both++;
  return both / (a.size + b.size - both);
}

/** Near-identical: the same meaning words, or all but one of five or more. */
const SAME_QUESTION = 0.75;
/** One line: the wording shown is cut at a word to this many characters. */
export const GAP_LINE_MAX = 100;

export function oneLine(text: string, max = GAP_LINE_MAX): string {
  const t = text.replace(/\s+/g, ' ').trim();
  if (t.length <= max) return t;
  const room = t.slice(0, max - 1);
  const space = room.lastIndexOf(' ');
  return `${(space > max / 2 ? room.slice(0, space) : room).replace(/[\s,;:.-]+$/, '')}…`;
}

/**
 * Group a week's gap entries (newest first): real questions only, near-identical ones together (the newest wording
 * shown), counted, each with its topic. Bounded: at most `maxEntries` are read.
 */
export function groupKnowledgeGaps(entries: GapEntry[], maxEntries = 5_000): KnowledgeGaps {
  const groups: { question: string; meaning: Set<string>; count: number; topic: GapTopic }[] = [];
  let total = 0;
  for (const e of entries.slice(0, maxEntries)) {
    if (!isRealQuestion(e.question)) continue;
    total++;
    const m = meaning(e.question);
    let best: (typeof groups)[number] | undefined;
    let bestScore = 0;
    for (const g of groups) {
      const score = jaccard(m, g.meaning);
      if (score >= SAME_QUESTION && score > bestScore) {
        best = g;
        bestScore = score;
      }
    }
    if (best) best.count++;
    else groups.push({ question: oneLine(e.question), meaning: m, count: 1, topic: topicOf(e.question) });
  }
  const topicCounts = new Map<GapTopic, number>();
  for (const g of groups) topicCounts.set(g.topic, (topicCounts.get(g.topic) ?? 0) + g.count);
  return {
    // Stable sort: equal counts keep the newest first.
    groups: [...groups].sort((a, b) => b.count - a.count).map((g) => ({ question: g.question, count: g.count, topic: g.topic })),
    topics: [...topicCounts].map(([topic, count]) => ({ topic, count })).sort((a, b) => b.count - a.count || (a.topic === 'Other' ? 1 : b.topic === 'Other' ? -1 : 0)),
    total,
  };
}
