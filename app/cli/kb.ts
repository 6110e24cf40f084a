import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { loadConfigOrExit, type Config } from '../../src/config.js';
import { AppError, isAppError, ValidationError } from '../../src/errors.js';
import { createLogger, type Logger } from '../../src/logger.js';
import { openKnowledgeBaseForCli } from '../../src/knowledge/cli-support.js';
import { importFolder, type FolderImportReport } from '../../src/knowledge/document-import.js';
import { KnowledgeBase } from '../../src/knowledge/knowledge-base.js';
import { openStore } from '../../src/store/open-store.js';
import type { Store } from '../../src/store/store.js';

const USAGE = [
  'usage:',
  '  kb ingest PATH...   add or replace documents (txt, md, pdf, docx, html): copied into KNOWLEDGE_DIR and put in the store',
  '  kb list             the documents the store holds (every bot answers from these) with their chunk counts',
  '  kb remove NAME...   take documents out of the store (by file name, as kb list shows it)',
].join('\n');

export async function run(args: string[]): Promise<number> {
  const [sub, ...rest] = args;
  if (sub === 'list' && rest.length === 0) return list();
  if (sub === 'ingest' && rest.length > 0) return ingest(rest);
  if (sub === 'remove' && rest.length > 0) return remove(rest);
  process.stderr.write(`${USAGE}\n`);
  return 2;
}

function cliLogger(): Logger {
  return createLogger(process.env.LOG_LEVEL?.trim() || 'warn');
}

/**
 * The store, with KNOWLEDGE_DIR imported into it as a bot's start does (so `kb list` on a new installation shows the
 * folder's documents). A store that cannot be opened is reported with what to do instead; null then.
 */
async function openDocuments(command: string, config: Config, logger: Logger, whenLocked: string, restore: string[] = []): Promise<{ store: Store; imported: FolderImportReport } | null> {
  let store: Store;
  try {
    store = await openStore(config, logger);
  } catch (err) {
    if (isAppError(err)) {
      process.stderr.write(`kb ${command}: ${err.message}${err.code === 'store_locked' ? `\n${whenLocked}` : ''}\n`);
      return null;
    }
    throw err;
  }
  try {
    const imported = await importFolder(store.documents, config.KNOWLEDGE_DIR, logger, restore.length ? { restore, via: 'kb ingest' } : {});
    return { store, imported };
  } catch (err) {
    await store.close();
    throw err;
  }
}

async function ingest(paths: string[]): Promise<number> {
  const config = loadConfigOrExit();
  const logger = cliLogger();
  const kb = await openKnowledgeBaseForCli();
  let names: string[];
  try {
    // Every file is read first; one that cannot be used means nothing is copied.
    const report = await kb.ingest(paths);
    for (const name of report.added) process.stdout.write(`added ${name}\n`);
    for (const name of report.replaced) process.stdout.write(`replaced ${name}\n`);
    names = [...report.added, ...report.replaced];
  } catch (err) {
    if (err instanceof ValidationError) {
      process.stderr.write(`kb ingest: nothing was ingested.\n${err.problems.map((p) => `  ${p.message}`).join('\n')}\n`);
      return 1;
    }
    if (isAppError(err)) {
      process.stderr.write(`kb ingest: ${err.message}\n`);
      return 1;
    }
    throw err;
  }
  const opened = await openDocuments(
    'ingest',
    config,
    logger,
    `The files are in ${resolve(config.KNOWLEDGE_DIR)}: the bot that holds the database puts them in the store within ${config.KNOWLEDGE_CHECK_SECONDS} s.`,
    names,
  );
  if (!opened) return 0;
  try {
    const { imported } = opened;
    const put = new Set([...imported.added, ...imported.updated, ...imported.restored]);
    const stored = names.filter((n) => put.has(n));
    process.stdout.write(stored.length ? `in the store: ${stored.join(', ')} (every bot answers from ${stored.length === 1 ? 'it' : 'them'} within ${config.KNOWLEDGE_CHECK_SECONDS} s)\n` : 'the store already held these documents unchanged\n');
    const all = await opened.store.documents.list();
    process.stdout.write(`the store holds ${all.length} documents\n`);
    return 0;
  } finally {
    await opened.store.close();
  }
}

async function list(): Promise<number> {
  const config = loadConfigOrExit();
  const logger = cliLogger();
  const opened = await openDocuments('list', config, logger, 'kb list reads the store; stop the bot that holds it, or run it against Postgres (DATABASE_URL).');
  if (!opened) return 1;
  try {
    const stored = await opened.store.documents.list();
    if (!stored.length) {
      process.stdout.write(`The store holds no documents (kb ingest adds them; the files in ${resolve(config.KNOWLEDGE_DIR)} are imported too).\n`);
      return 0;
    }
    // Chunks, sections and titles as the bots' index has them (the CLI's index cache makes this quick after once).
    const cacheDir = config.KNOWLEDGE_CACHE_DIR ?? join(tmpdir(), 'camden-bot-knowledge-cache');
    const kb = new KnowledgeBase({ dir: config.KNOWLEDGE_DIR, logger, cacheDir: cacheDir === 'off' ? undefined : cacheDir });
    await kb.reloadFrom(await opened.store.documents.contents());
    const indexed = new Map(kb.list().map((d) => [d.source, d]));
    const failed = new Map(kb.failures().map((f) => [f.source, f.reason]));
    for (const d of stored) {
      const i = indexed.get(d.source);
      const from = d.folder ? `from ${d.folder}` : 'ingested';
      const when = `v${d.version} ${d.updatedAt.toISOString().slice(0, 16).replace('T', ' ')}`;
      const what = i ? `${i.chunks} chunks\t${i.sections} sections\t${i.title}` : `not indexed: ${failed.get(d.source) ?? 'unknown reason'}`;
      process.stdout.write(`${d.source}\t${d.format}\t${what}\t${when}\t${from}\n`);
    }
    const s = kb.stats();
    process.stdout.write(`${stored.length} documents, ${s.chunks} chunks\n`);
    return 0;
  } finally {
    await opened.store.close();
  }
}

async function remove(names: string[]): Promise<number> {
  const config = loadConfigOrExit();
  const logger = cliLogger();
  const opened = await openDocuments(
    'remove',
    config,
    logger,
    `Stop that process and run kb remove again, or delete the file from ${resolve(config.KNOWLEDGE_DIR)}: the running bot then takes it out within ${config.KNOWLEDGE_CHECK_SECONDS} s.`,
  );
  if (!opened) return 1;
  try {
    const held = new Set((await opened.store.documents.list()).map((d) => d.source));
    const unknown = names.filter((n) => !held.has(basename(n)));
    if (unknown.length) {
      throw new AppError('not_found', `not in the store: ${unknown.join(', ')}; nothing was removed (kb list shows what it holds).`);
    }
    for (const name of names) {
      await opened.store.documents.remove(basename(name), { by: 'kb remove', via: 'kb remove' });
      process.stdout.write(`removed ${basename(name)}\n`);
    }
    const folder = resolve(config.KNOWLEDGE_DIR);
    const { added, updated, restored, unchanged } = opened.imported;
    const inFolder = names.map((n) => basename(n)).filter((n) => [...added, ...updated, ...restored, ...unchanged].includes(n));
    if (inFolder.length) {
      process.stdout.write(`${inFolder.join(', ')} stay${inFolder.length === 1 ? 's' : ''} in ${folder} but will not be imported again unless changed or ingested with kb ingest\n`);
    }
    process.stdout.write(`every bot stops answering from ${names.length === 1 ? 'it' : 'them'} within ${config.KNOWLEDGE_CHECK_SECONDS} s\n`);
    return 0;
  } catch (err) {
    if (isAppError(err)) {
      process.stderr.write(`kb remove: ${err.message}\n`);
      return 1;
    }
    throw err;
  } finally {
    await opened.store.close();
  }
}
