import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { isAppError } from '../../src/errors.js';
import { formatAnswerText, openKnowledgeBaseForCli } from '../../src/knowledge/cli-support.js';

const USAGE = [
  'usage:',
  '  ask "question"                      answer with sources',
  '  ask --json "question"               one JSON object {"answered","answer","citations"}',
  '  ask --json --batch FILE             one JSON line per {"id","question"} line of FILE',
  '  ask --context "earlier question" "follow-up question"',
].join('\n');

const batchLine = z.object({ id: z.union([z.string().min(1), z.number()]), question: z.string() });

interface AskArgs {
  json: boolean;
  batch?: string;
  context?: string;
  question: string;
}

function parseArgs(args: string[]): AskArgs | string {
  const out: AskArgs = { json: false, question: '' };
  const words: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--json') out.json = true;
    else if (a === '--batch' || a === '--context') {
      const v = args[++i];
      if (v === undefined) return `${a} needs a value`;
      if (a === '--batch') out.batch = v;
      else out.context = v;
    } else if (a === '--') words.push(...args.slice(i + 1)), (i = args.length);
    else if (a.startsWith('--')) return `unknown option ${a}`;
    else words.push(a);
  }
  out.question = words.join(' ').trim();
  if (out.batch && !out.json) return '--batch needs --json';
  if (out.batch && out.question) return 'give either --batch FILE or a question, not both';
  if (!out.batch && !out.question) return 'give a question';
  return out;
}

export async function run(args: string[]): Promise<number> {
  const parsed = parseArgs(args);
  if (typeof parsed === 'string') {
    process.stderr.write(`ask: ${parsed}\n${USAGE}\n`);
    return 2;
  }
  let batchText: string | undefined;
  if (parsed.batch) {
    try {
      batchText = await readFile(parsed.batch, 'utf8');
    } catch (err) {
      process.stderr.write(`ask: cannot read ${parsed.batch}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'file not found' : (err as Error).message}\n`);
      return 2;
    }
  }
  const kb = await openKnowledgeBaseForCli();

  if (batchText !== undefined) {
    let failed = 0;
    const lines = batchText.split(/\r?\n/);
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i]!.trim();
      if (!line) continue;
      let id: string | number | undefined;
      try {
        const item = batchLine.safeParse(JSON.parse(line));
        if (!item.success) throw new Error(`line ${i + 1}: needs {"id", "question"}`);
        id = item.data.id;
        const answer = await kb.answer(item.data.question);
        process.stdout.write(JSON.stringify({ id, ...answer }) + '\n');
      } catch (err) {
        failed++;
        const message = err instanceof SyntaxError ? `line ${i + 1}: not valid JSON` : isAppError(err) || err instanceof Error ? err.message : String(err);
        process.stdout.write(JSON.stringify({ id: id ?? null, error: message }) + '\n');
      }
    }
    return failed ? 1 : 0;
  }

  try {
    const answer = await kb.answer(parsed.question, { context: parsed.context });
    process.stdout.write((parsed.json ? JSON.stringify(answer) : formatAnswerText(answer)) + '\n');
    return 0;
  } catch (err) {
    if (isAppError(err)) {
      process.stderr.write(`ask: ${err.message}\n`);
      return 2;
    }
    throw err;
  }
}
