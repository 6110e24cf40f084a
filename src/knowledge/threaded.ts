import type { Config } from '../config.js';
import type { Logger } from '../logger.js';
import type { LlmOptions } from './llm-answerer.js';
import { ThreadedKnowledgeBase } from './threaded-knowledge-base.js';

/**
 * The knowledge base hosted on a worker thread (what the server uses), so answering never holds up the event loop
 * that acknowledges Slack and Teams. Resolves once the first index is loaded; close() ends the thread. Apart from
 * index.ts, so the server's main thread loads only the thread's front, not the index code, the lexicon and the
 * sentence reader's model (those load in the thread).
 */
export function createThreadedKnowledgeBase(config: Config, logger: Logger): Promise<ThreadedKnowledgeBase> {
  return ThreadedKnowledgeBase.start({ dir: config.KNOWLEDGE_DIR, logger, llm: llmOptions(config) });
}

/** With OPENAI_API_KEY set, answers are written by the model (OPENAI_BASE_URL, OPENAI_MODEL); otherwise extractive. */
export function llmOptions(config: Config): LlmOptions | undefined {
  return config.OPENAI_API_KEY ? { apiKey: config.OPENAI_API_KEY, baseURL: config.OPENAI_BASE_URL, model: config.OPENAI_MODEL } : undefined;
}
