/**
 * Run as `node --import tsx tests/knowledge/threaded-child.ts <dir>` by threaded-knowledge-base.test.ts: starts the
 * threaded knowledge base the way `npm start` runs (tsx via --import), answers one question, closes it, and then
 * must exit on its own: the worker is a ref'd handle, so a worker left running would keep this process alive.
 */
import { createLogger } from '../../src/logger.js';
import { ThreadedKnowledgeBase } from '../../src/knowledge/threaded-knowledge-base.js';

const kb = await ThreadedKnowledgeBase.start({ dir: process.argv[2]!, logger: createLogger('silent') });
const answer = await kb.answer(process.argv[3] ?? 'What is the Camden School Report?');
if (process.argv[4] !== 'no-close') await kb.close();
process.stdout.write(JSON.stringify({ execArgv: process.execArgv, stats: kb.stats(), answer }) + '\n');
