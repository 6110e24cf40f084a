import type { Citation } from '../shared/citation.js';

export type { Citation };

export interface Answer {
  /** False when the documents do not support an answer (the bot abstains). */
  answered: boolean;
  answer: string;
  citations: Citation[];
}

export interface AskOptions {
  /** Earlier question(s) in the same thread, used as retrieval context for a follow-up. */
  context?: string;
}

/** The port every adapter and the CLI use to get an answer. */
export interface Answerer {
  answer(question: string, options?: AskOptions): Promise<Answer>;
}
