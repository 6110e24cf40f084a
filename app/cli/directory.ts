import { withCliStore } from './with-store.js';
import { importDirectoryFile } from '../../src/directory/import.js';
import { exportPersonData, deletePersonData } from '../../src/directory/personal-data.js';
import { createQuestionLog } from '../../src/store/question-log.js';

const USAGE = [
  'usage:',
  '  directory import FILE     load centres, people, roles and identities from YAML (idempotent; prints what changed)',
  '  directory list            centres and people in the store',
  '  directory export EMAIL    everything held about one person, as JSON',
  '  directory delete EMAIL    delete one person (their centres\' returns are kept, submitter anonymised)',
].join('\n');

function usage(problem?: string): number {
  process.stderr.write((problem ? `directory: ${problem}\n` : '') + USAGE + '\n');
  return 2;
}

export async function run(args: string[]): Promise<number> {
  const [sub, ...rest] = args;
  if (sub === 'import') {
    if (rest.length !== 1) return usage('import takes one FILE');
    return withCliStore('directory import', async ({ store, config, logger }) => {
      const report = await importDirectoryFile(store, rest[0]!, logger, { timeZone: config.SCHEDULE_TIMEZONE });
      for (const line of report.changes) process.stdout.write(`${line}\n`);
      const s = (k: 'centres' | 'people') => `${report[k].created} created, ${report[k].updated} updated, ${report[k].unchanged} unchanged`;
      process.stdout.write(`centres: ${s('centres')}; people: ${s('people')}${report.changes.length ? '' : ' (nothing changed)'}\n`);
      return 0;
    });
  }
  if (sub === 'list') {
    if (rest.length) return usage('list takes no arguments');
    return withCliStore('directory list', async ({ store }) => {
      for (const c of await store.directory.listCentres()) {
        const paused = c.remindersPausedUntil ? `\treminders paused until ${c.remindersPausedUntil}` : '';
        const from = c.returnsFrom ? `\treturns due from ${c.returnsFrom}` : '';
        process.stdout.write(`centre\t${c.id}\t${c.name}${c.active ? '' : '\t(inactive)'}${from}${paused}\n`);
      }
      for (const p of await store.directory.listPeople()) {
        const ids = [p.slack ? 'slack' : '', p.teams ? 'teams' : ''].filter(Boolean).join('+') || 'no chat identity';
        process.stdout.write(`person\t${p.email}\t${p.name}\t${p.roles.join(',') || '-'}\t${p.centres.join(',') || '-'}\t${ids}\n`);
      }
      return 0;
    });
  }
  if (sub === 'export' || sub === 'delete') {
    if (rest.length !== 1 || !rest[0]!.includes('@')) return usage(`${sub} takes one EMAIL`);
    return withCliStore(`directory ${sub}`, async ({ store, config, logger }) => {
      const questionLog = createQuestionLog(store, config, logger);
      if (sub === 'export') {
        process.stdout.write(JSON.stringify(await exportPersonData(store, questionLog, rest[0]!), null, 2) + '\n');
      } else {
        const r = await deletePersonData(store, questionLog, rest[0]!, logger);
        process.stdout.write(
          `deleted ${r.email}: person and identities removed, ${r.questionsDeleted} logged question(s) deleted, ` +
            `${r.returnsAnonymised} return version(s) kept for their centres with the submitter anonymised\n`,
        );
      }
      return 0;
    });
  }
  return usage(sub && sub !== '--help' ? `unknown subcommand "${sub}"` : undefined);
}
