import { isAppError, ValidationError } from '../../src/errors.js';
import { openKnowledgeBaseForCli } from '../../src/knowledge/cli-support.js';

const USAGE = ['usage:', '  kb ingest PATH...   add or replace documents (txt, md, pdf, docx, html) and rebuild the index', '  kb list             documents in the index with their chunk counts'].join('\n');

export async function run(args: string[]): Promise<number> {
  const [sub, ...rest] = args;
  if (sub === 'list' && rest.length === 0) {
    const kb = await openKnowledgeBaseForCli();
    const docs = kb.list();
    if (!docs.length) {
      process.stdout.write(`No documents in ${kb.dir}\n`);
      return 0;
    }
    for (const d of docs) process.stdout.write(`${d.source}\t${d.format}\t${d.chunks} chunks\t${d.sections} sections\t${d.title}\n`);
    const s = kb.stats();
    process.stdout.write(`${s.documents} documents, ${s.chunks} chunks\n`);
    return 0;
  }
  if (sub === 'ingest' && rest.length > 0) {
    const kb = await openKnowledgeBaseForCli();
    try {
      const report = await kb.ingest(rest);
      for (const name of report.added) process.stdout.write(`added ${name}\n`);
      for (const name of report.replaced) process.stdout.write(`replaced ${name}\n`);
      process.stdout.write(`${report.documents.length} documents, ${report.chunks} chunks\n`);
      return 0;
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
  }
  process.stderr.write(`${USAGE}\n`);
  return 2;
}
