import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger } from '../../src/logger.js';
import { KnowledgeBase, type KnowledgeBaseOptions } from '../../src/knowledge/knowledge-base.js';

export const CORPUS_DIR = join(import.meta.dirname, '../../knowledge');
export const QUESTIONS_FILE = join(import.meta.dirname, '../fixtures/knowledge/questions.jsonl');

export const silentLogger = createLogger('silent');

export async function corpusKb(options: Partial<KnowledgeBaseOptions> = {}): Promise<KnowledgeBase> {
  const kb = new KnowledgeBase({ dir: CORPUS_DIR, logger: silentLogger, ...options });
  await kb.reload();
  return kb;
}

export async function tempDir(prefix = 'kb-test-'): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}
