import { slackManifest } from '../../adapters/slack/manifest.js';
import { loadConfigOrExit } from '../../src/config.js';
import { parseFlags } from './with-store.js';

const USAGE = [
  'usage: slack-manifest [--host https://bot.example.org] [--socket-mode]',
  '  prints the Slack app manifest (JSON) to paste at api.slack.com/apps -> Create New App -> From an app manifest,',
  '  with the slash commands named by SLACK_COMMAND_PREFIX and the request URLs on --host (HTTP mode).',
].join('\n');

export async function run(args: string[]): Promise<number> {
  const socketMode = args.includes('--socket-mode');
  const { flags, positional, problems } = parseFlags(
    args.filter((a) => a !== '--socket-mode'),
    ['host'],
  );
  if (positional.includes('--help') || problems.length || positional.length) {
    process.stderr.write(`${problems.concat(positional.length ? [`unexpected "${positional.join(' ')}"`] : []).map((p) => `slack-manifest: ${p}\n`).join('')}${USAGE}\n`);
    return problems.length || positional.length ? 2 : 0;
  }
  const host = flags.host;
  if (host !== undefined && !/^https:\/\/[^\s/]+(\/[^\s]*)?$/.test(host)) {
    process.stderr.write(`slack-manifest: --host must be the server's public https:// address, got "${host}"\n`);
    return 2;
  }
  if (host && socketMode) {
    process.stderr.write('slack-manifest: --host is for HTTP mode; Socket Mode needs no public address\n');
    return 2;
  }
  const config = loadConfigOrExit();
  process.stdout.write(`${JSON.stringify(slackManifest({ host, socketMode, commandPrefix: config.SLACK_COMMAND_PREFIX }), null, 2)}\n`);
  return 0;
}
