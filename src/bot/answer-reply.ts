import type { Reply, ReplyBlock } from '../shared/reply.js';
import type { StoredAnswer } from './ports.js';

/** Shown only when a declined answer carries no text of its own. */
export const ABSTAIN_TEXT =
  "The documents don't cover this. I can only answer from Camden's strategy documents; try rephrasing, or ask the network lead.";

/** Longest restated question (one line on a phone). */
const QUESTION_LINE_MAX = 120;

/** Links in a restated question: the reply repeats the person's words, never a link they pasted. */
const LINK = /\b(?:[a-z][a-z0-9+.-]*:\/\/|www\.)[^\s<>]+/gi;

function oneLine(text: string, max: number): string {
  const line = text.replace(LINK, '(link)').replace(/\s+/g, ' ').trim();
  return line.length <= max ? line : `${line.slice(0, max - 1).trimEnd()}…`;
}

export interface AnswerReplyOptions {
  /** Offer "Share in channel" (for answers only the asker can see). */
  shareable?: boolean;
  /** Who shared it, shown above a re-posted answer. */
  sharedBy?: string;
  /** False when the answer could not be stored, so buttons referring to it would not work. Default true. */
  actions?: boolean;
}

/** The neutral reply for a stored answer: text, numbered sources, feedback buttons. */
export function answerReply(answer: StoredAnswer, options: AnswerReplyOptions = {}): Reply {
  const blocks: ReplyBlock[] = [];
  if (options.sharedBy) blocks.push({ kind: 'notice', tone: 'info', text: `Shared by ${options.sharedBy}. Question: ${answer.question}` });
  // A private answer restates the question in one line, so several of them can be told apart.
  else if (options.shareable) blocks.push({ kind: 'paragraph', text: `You asked: ${oneLine(answer.question, QUESTION_LINE_MAX)}` });
  if (!answer.answered) {
    // The knowledge base says why it declines and what the documents do cover; the fixed text is only a fallback.
    const text = answer.answer.trim() || ABSTAIN_TEXT;
    blocks.push({ kind: 'notice', tone: 'info', text });
    return { text, blocks };
  }
  blocks.push({ kind: 'paragraph', text: answer.answer });
  if (answer.citations.length) blocks.push({ kind: 'sources', citations: answer.citations });
  if (options.actions === false) return { text: answer.answer, blocks };
  const actions: ReplyBlock & { kind: 'actions' } = {
    kind: 'actions',
    actions: [
      { id: 'feedback_helpful', label: 'Helpful', value: answer.id },
      { id: 'feedback_not_helpful', label: 'Not helpful', value: answer.id },
    ],
  };
  if (options.shareable) actions.actions.push({ id: 'share_answer', label: 'Share in channel', value: answer.id });
  blocks.push(actions);
  return { text: answer.answer, blocks };
}
