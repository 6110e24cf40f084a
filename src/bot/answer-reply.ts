import type { Reply, ReplyBlock } from '../shared/reply.js';
import type { StoredAnswer } from './ports.js';

export const ABSTAIN_TEXT =
  "The documents don't cover this. I can only answer from Camden's strategy documents; try rephrasing, or ask the network lead.";

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
  if (!answer.answered) {
    blocks.push({ kind: 'notice', tone: 'info', text: ABSTAIN_TEXT });
    return { text: ABSTAIN_TEXT, blocks };
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
