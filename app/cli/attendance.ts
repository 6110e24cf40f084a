import { withCliStore, parseFlags } from './with-store.js';
import { createServices } from '../compose.js';
import { FIGURE_FIELDS } from '../../src/attendance/types.js';

const USAGE = [
  'usage:',
  '  attendance export --from DATE --to DATE [--centre ID]   CSV to stdout (latest version per centre-week)',
  '  attendance missing [--week DATE]                          active centres without a return (default: the week just ended), paused ones marked',
  '  attendance history --centre ID --week DATE                every version of one return, with what changed',
].join('\n');

function usage(problems: string[] = []): number {
  process.stderr.write((problems.length ? problems.map((p) => `attendance: ${p}`).join('\n') + '\n' : '') + USAGE + '\n');
  return 2;
}

export async function run(args: string[]): Promise<number> {
  const [sub, ...rest] = args;
  if (sub === 'export') {
    const { flags, positional, problems } = parseFlags(rest, ['from', 'to', 'centre']);
    if (!flags.from) problems.push('--from DATE is required');
    if (!flags.to) problems.push('--to DATE is required');
    if (positional.length) problems.push(`unexpected argument "${positional[0]}"`);
    if (problems.length) return usage(problems);
    return withCliStore('attendance export', async ({ config, store, logger }) => {
      const { attendance } = createServices(store, config, logger);
      process.stdout.write(await attendance.exportCsv({ from: flags.from!, to: flags.to!, centreId: flags.centre }));
      return 0;
    });
  }
  if (sub === 'missing') {
    const { flags, positional, problems } = parseFlags(rest, ['week']);
    if (positional.length) problems.push(`unexpected argument "${positional[0]}"`);
    if (problems.length) return usage(problems);
    return withCliStore('attendance missing', async ({ config, store, logger }) => {
      const { attendance } = createServices(store, config, logger);
      const week = flags.week ?? attendance.defaultWeek();
      const missing = await attendance.missingReturns(week);
      for (const m of missing) process.stdout.write(`${m.centreId}\t${m.centreName}${m.paused ? '\treminders paused' : ''}\n`);
      process.stderr.write(`${missing.length} missing for the week of ${week}\n`);
      return 0;
    });
  }
  if (sub === 'history') {
    const { flags, positional, problems } = parseFlags(rest, ['centre', 'week']);
    if (!flags.centre) problems.push('--centre ID is required');
    if (!flags.week) problems.push('--week DATE is required');
    if (positional.length) problems.push(`unexpected argument "${positional[0]}"`);
    if (problems.length) return usage(problems);
    return withCliStore('attendance history', async ({ config, store, logger }) => {
      const { attendance } = createServices(store, config, logger);
      const versions = await attendance.history(flags.centre!.toLowerCase(), flags.week!);
      if (!versions.length) {
        process.stderr.write(`No return for ${flags.centre} in the week of ${flags.week}.\n`);
        return 1;
      }
      for (const v of versions) {
        const who = v.submittedByName ?? (v.submittedBy === null ? '(deleted person)' : `person ${v.submittedBy}`);
        process.stdout.write(`v${v.version}  ${v.submittedAt.toISOString()}  ${who}\n`);
        if (v.version === 1) process.stdout.write(`    ${FIGURE_FIELDS.map((f) => `${f} ${v.figures[f]}`).join(', ')}\n`);
        if (v.version === 1 && v.note !== null) process.stdout.write(`    note: ${JSON.stringify(v.note)}\n`);
        for (const c of v.changes) process.stdout.write(`    ${c.field}: ${c.from ?? '(none)'} -> ${c.to ?? '(none)'}\n`);
      }
      return 0;
    });
  }
  return usage(sub && sub !== '--help' ? [`unknown subcommand "${sub}"`] : []);
}
