import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfigOrExit } from '../config.js';
import { createLogger } from '../logger.js';
import { createKnowledgeBase, type KnowledgeBase } from './index.js';
import type { Answer } from './types.js';

/**
 * Open the knowledge base for a CLI command. Logs go to stderr at "warn" unless LOG_LEVEL is set, so stdout
 * carries only the command's output; skipped files are reported on stderr by name with the reason.
 */
export async function openKnowledgeBaseForCli(): Promise<KnowledgeBase> {
  const config = loadConfigOrExit();
  const logger = createLogger(process.env.LOG_LEVEL?.trim() || 'warn');
  // The CLI starts often and briefly: keep the built index between runs (rebuilt whenever documents or code change).
  const cacheDir = config.KNOWLEDGE_CACHE_DIR ?? join(tmpdir(), 'camden-bot-knowledge-cache');
  const kb = await createKnowledgeBase(config, logger, { cacheDir: cacheDir === 'off' ? undefined : cacheDir });
  for (const f of kb.failures()) process.stderr.write(`skipped ${f.source}: ${f.reason}\n`);
  return kb;
}

/** Plain-text rendering of an answer and its sources for the terminal. */
export function formatAnswerText(answer: Answer): string {
  const lines = [answer.answer];
  if (answer.citations.length) {
    lines.push('', 'Sources:');
    answer.citations.forEach((c, i) => {
      lines.push(`[${i + 1}] ${c.title} — ${c.section} (${c.source})`);
      lines.push(`    “${c.excerpt.replace(/\n/g, ' ')}”`);
    });
  }
  return lines.join('\n');
}
