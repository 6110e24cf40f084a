import type { Config } from '../config.js';
import type { Logger } from '../logger.js';
import { KnowledgeBase } from './knowledge-base.js';
import { llmOptions } from './threaded.js';

export { KnowledgeBase } from './knowledge-base.js';
export { ThreadedKnowledgeBase, type ThreadedKnowledgeBaseOptions } from './threaded-knowledge-base.js';
export { createThreadedKnowledgeBase } from './threaded.js';
export type { DetailedAnswer, IngestReport, KnowledgeBaseOptions, KnowledgeStats, ReloadReport } from './knowledge-base.js';
export type { DocumentSummary, LoadFailure } from './model.js';
export type { Answer, Answerer, AskOptions, Citation } from './types.js';
export { MAX_QUESTION_CHARS } from './retrieval.js';

/**
 * Build the knowledge base from KNOWLEDGE_DIR and load it once. With OPENAI_API_KEY set, answers are written by
 * the model (OPENAI_BASE_URL, OPENAI_MODEL) from the retrieved passages; otherwise they are extractive.
 * Unreadable files are logged by name with the reason and skipped. `cacheDir` keeps the built index on disk
 * (for short-lived processes such as the CLI).
 */
export async function createKnowledgeBase(config: Config, logger: Logger, options: { cacheDir?: string } = {}): Promise<KnowledgeBase> {
  const kb = new KnowledgeBase({
    dir: config.KNOWLEDGE_DIR,
    logger,
    cacheDir: options.cacheDir,
    llm: llmOptions(config),
  });
  await kb.reload();
  return kb;
}
