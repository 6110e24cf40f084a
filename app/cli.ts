#!/usr/bin/env node
/**
 * CLI entry: `npm run -s <script> -- ...` (see README). Each command lives in app/cli/<command>.ts and exports
 * `run(args: string[]): Promise<number>` returning the exit code. Output goes to stdout; logs go to stderr.
 */
const COMMANDS: Record<string, string> = {
  ask: './cli/ask.js',
  eval: './cli/eval.js',
  kb: './cli/kb.js',
  attendance: './cli/attendance.js',
  directory: './cli/directory.js',
  'slack-manifest': './cli/slack-manifest.js',
  doctor: './cli/doctor.js',
};

interface CommandModule {
  run(args: string[]): Promise<number>;
}

function usage(): string {
  return [
    'usage:',
    '  ask [--json] "question"            answer with sources',
    '  ask --json --batch FILE             one JSON line per {"id","question"} line of FILE',
    '  eval FILE                           score a question file; last line "eval: N/M passed"',
    '  kb ingest PATH...                   add or replace documents in the knowledge base',
    '  kb list                             the documents in the store (what every bot answers from)',
    '  kb remove NAME...                   take documents out of the store',
    '  attendance export --from DATE --to DATE [--centre ID]   CSV to stdout',
    '  directory import FILE [--recreate-deleted]   load centres and people from YAML',
    '  directory export|delete [EMAIL] [--slack ID] [--teams ID]   everything held about one person: JSON export, or erasure',
    '  directory import FILE [--prefer-file]   (chat changes kept; conflicts reported)',
    '  slack-manifest [--host URL] [--socket-mode]             the Slack app manifest for SLACK_COMMAND_PREFIX',
    '  doctor [--json]                     first-run check: Slack, Teams, store, Redis, directory; each problem with its fix',
  ].join('\n');
}

async function main(argv: string[]): Promise<number> {
  const [command, ...args] = argv;
  if (!command || command === '--help' || command === '-h' || !(command in COMMANDS)) {
    process.stderr.write((command && !command.startsWith('-') ? `unknown command "${command}"\n` : '') + usage() + '\n');
    return command === '--help' || command === '-h' ? 0 : 2;
  }
  const mod = (await import(COMMANDS[command]!)) as CommandModule;
  return mod.run(args);
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    const e = err as { code?: string; message?: string };
    process.stderr.write(`error${e?.code ? ` (${e.code})` : ''}: ${e?.message ?? String(err)}\n`);
    process.exitCode = 1;
  },
);
