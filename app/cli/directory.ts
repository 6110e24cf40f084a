import { withCliStore } from './with-store.js';
import { importDirectoryFile } from '../../src/directory/import.js';
import { exportPersonData, deletePersonData, type SubjectQuery } from '../../src/directory/personal-data.js';
import { createQuestionLog } from '../../src/store/question-log.js';
import { notificationJobsPersonalData } from '../../jobs/personal-data.js';
import { createServices } from '../compose.js';

const USAGE = [
  'usage:',
  '  directory import FILE [--recreate-deleted] [--prefer-file]',
  '                            load centres, people, roles and identities from YAML (idempotent; prints what changed).',
  '                            People erased with "directory delete" are not re-created unless --recreate-deleted is given.',
  '                            Changes made in chat are kept while the file entry is unchanged; where both changed, the',
  '                            conflict is reported and the chat change kept, unless --prefer-file.',
  '  directory list            centres and people in the store',
  '  directory export [EMAIL] [--slack USER_ID] [--teams AAD_OBJECT_ID]',
  '                            everything held about one person (database and Redis), as one JSON document',
  '  directory delete [EMAIL] [--slack USER_ID] [--teams AAD_OBJECT_ID]',
  '                            erase one person everywhere; their centres\' returns are kept with the submitter removed.',
  '                            --slack / --teams add chat ids the directory does not list (staff who only asked questions).',
].join('\n');

function usage(problem?: string): number {
  process.stderr.write((problem ? `directory: ${problem}\n` : '') + USAGE + '\n');
  return 2;
}

/** EMAIL plus repeatable --slack / --teams ids (comma-separated lists allowed). */
function parseSubject(args: string[]): { query: SubjectQuery; problem?: string } {
  const query: Required<SubjectQuery> = { email: '', slackUserIds: [], teamsAadObjectIds: [] };
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    const m = /^--(slack|teams)(?:=(.*))?$/.exec(a);
    if (m) {
      const value = m[2] ?? args[++i];
      if (!value || value.startsWith('--')) return { query, problem: `--${m[1]} needs an id` };
      const ids = value.split(',').map((x) => x.trim()).filter(Boolean);
      (m[1] === 'slack' ? query.slackUserIds : query.teamsAadObjectIds).push(...ids);
    } else if (a.startsWith('--')) {
      return { query, problem: `unknown option ${a}` };
    } else if (query.email) {
      return { query, problem: 'give one EMAIL' };
    } else if (!a.includes('@')) {
      return { query, problem: `"${a}" is not an email address` };
    } else {
      query.email = a;
    }
  }
  if (!query.email && !query.slackUserIds.length && !query.teamsAadObjectIds.length) return { query, problem: 'give an EMAIL, --slack USER_ID or --teams AAD_OBJECT_ID' };
  return { query: { ...query, email: query.email || undefined } };
}

export async function run(args: string[]): Promise<number> {
  const [sub, ...rest] = args;
  if (sub === 'import') {
    const flags = ['--recreate-deleted', '--prefer-file'];
    const recreateDeleted = rest.includes('--recreate-deleted');
    const preferFile = rest.includes('--prefer-file');
    const files = rest.filter((a) => !flags.includes(a));
    if (files.length !== 1 || files[0]!.startsWith('--')) return usage('import takes one FILE (and optionally --recreate-deleted, --prefer-file)');
    return withCliStore('directory import', async ({ store, config, logger }) => {
      const report = await importDirectoryFile(store, files[0]!, logger, { timeZone: config.SCHEDULE_TIMEZONE, recreateDeleted, preferFile });
      for (const line of report.changes) process.stdout.write(`${line}\n`);
      for (const line of report.refused) process.stdout.write(`${line}\n`);
      for (const line of report.keptFromChat) process.stdout.write(`${line}\n`);
      for (const line of report.conflicts) process.stdout.write(`${line}\n`);
      const s = (k: 'centres' | 'people') => `${report[k].created} created, ${report[k].updated} updated, ${report[k].unchanged} unchanged`;
      const refused = report.refused.length ? `, ${report.refused.length} deleted and not re-created` : '';
      const conflicts = report.conflicts.length ? `; ${report.conflicts.length} conflict(s) with changes made in chat (kept; see above)` : '';
      process.stdout.write(`centres: ${s('centres')}; people: ${s('people')}${refused}${report.changes.length ? '' : ' (nothing changed)'}${conflicts}\n`);
      return 0;
    });
  }
  if (sub === 'list') {
    if (rest.length) return usage('list takes no arguments');
    return withCliStore('directory list', async ({ store, config, logger }) => {
      const { directory } = createServices(store, config, logger);
      for (const c of await directory.listCentres()) {
        const paused = c.remindersPausedUntil ? `\treminders paused until ${c.remindersPausedUntil}` : '';
        const from = c.returnsFrom ? `\treturns due from ${c.returnsFrom}` : '';
        process.stdout.write(`centre\t${c.id}\t${c.name}${c.active ? '' : '\t(inactive)'}${from}${paused}\n`);
      }
      for (const p of await directory.listPeople()) {
        const ids = [p.slack ? 'slack' : '', p.teams ? 'teams' : ''].filter(Boolean).join('+') || 'no chat identity';
        process.stdout.write(`person\t${p.email}\t${p.name}\t${p.roles.join(',') || '-'}\t${p.centres.join(',') || '-'}\t${ids}\n`);
      }
      return 0;
    });
  }
  if (sub === 'export' || sub === 'delete') {
    const { query, problem } = parseSubject(rest);
    if (problem) return usage(`${sub}: ${problem}`);
    return withCliStore(`directory ${sub}`, async ({ store, config, logger }) => {
      const keys = createQuestionLog(store, config, logger).keys;
      // Reminder and digest jobs for the person live in Redis (REDIS_URL, QUEUE_PREFIX) for up to 90 days.
      const redis = notificationJobsPersonalData(config);
      try {
        if (sub === 'export') {
          process.stdout.write(JSON.stringify(await exportPersonData(store, keys, query, [redis]), null, 2) + '\n');
          return 0;
        }
        const r = await deletePersonData(store, keys, query, [redis], logger);
        const who = r.email ?? [...(query.slackUserIds ?? []), ...(query.teamsAadObjectIds ?? [])].join(', ');
        const lines = [
          `deleted ${who}:`,
          `  ${r.personDeleted ? 'directory entry, roles, centres and chat identities removed' : 'not in the directory; chat identities removed'}`,
          `  ${r.questionsDeleted} logged question(s), ${r.answersDeleted} stored answer(s) and ${r.votesDeleted} vote(s) deleted`,
          `  ${r.changed.notification_claims ?? 0} notification record(s) and ${r.changed[redis.name] ?? 0} queued job(s) in Redis deleted`,
          `  ${r.returnsAnonymised} return version(s) kept for their centres, now shown as submitted by "deleted person"`,
          ...(r.tombstoned ? ['  a directory file that still lists this email will not re-create them (import --recreate-deleted does)'] : []),
        ];
        process.stdout.write(lines.join('\n') + '\n');
        return 0;
      } finally {
        await redis.close();
      }
    });
  }
  return usage(sub && sub !== '--help' ? `unknown subcommand "${sub}"` : undefined);
}
