/**
 * `npm run dev:teams`: the bot with TEAMS_LOCAL_DEV=true (no app id, unauthenticated: local only) plus Microsoft's
 * Agents Playground pointed at its /api/messages, so the Teams experience can be tried without a tenant.
 * Ctrl+C stops both. `PORT` sets the bot's port; `-- --playground-port N` the playground's (default 56150).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const port = Number(process.env.PORT ?? 3978);
const portArg = process.argv.indexOf('--playground-port');
const playgroundPort = portArg > 0 ? Number(process.argv[portArg + 1]) : 56150;
if (!Number.isInteger(playgroundPort) || playgroundPort < 1 || playgroundPort > 65535) {
  process.stderr.write('[dev:teams] --playground-port needs a port number, e.g. --playground-port 56150\n');
  process.exit(2);
}
const endpoint = `http://127.0.0.1:${port}/api/messages`;
const bin = (name: string) => join(ROOT, 'node_modules', '.bin', name);

const children: ChildProcess[] = [];
function start(label: string, cmd: string, args: string[], env: NodeJS.ProcessEnv): ChildProcess {
  const child = spawn(cmd, args, { cwd: ROOT, env, stdio: 'inherit' });
  child.on('exit', (code, signal) => {
    process.stderr.write(`[dev:teams] ${label} exited (${signal ?? code})\n`);
    shutdown(code ?? 1);
  });
  children.push(child);
  return child;
}

let stopping = false;
function shutdown(code: number): void {
  if (stopping) return;
  stopping = true;
  for (const c of children) if (c.exitCode === null) c.kill('SIGTERM');
  process.exitCode = code;
}
process.on('SIGINT', () => shutdown(0));
process.on('SIGTERM', () => shutdown(0));

const botEnv = { ...process.env, PORT: String(port), TEAMS_LOCAL_DEV: 'true', MICROSOFT_APP_ID: '', MICROSOFT_APP_PASSWORD: '' };
start('bot', bin('tsx'), ['app/main.ts'], botEnv);

async function waitForBot(): Promise<void> {
  for (let i = 0; i < 120; i++) {
    try {
      const res = await fetch(`http://127.0.0.1:${port}/healthz`, { signal: AbortSignal.timeout(1000) });
      if (res.status < 500) return;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`the bot did not answer on port ${port} within 60 s`);
}

waitForBot().then(
  () => {
    process.stderr.write(`[dev:teams] bot is up; starting Agents Playground on http://127.0.0.1:${playgroundPort} -> ${endpoint}\n`);
    start('playground', bin('agentsplayground'), ['-e', endpoint, '-c', 'msteams', '-p', String(playgroundPort), '--disable-telemetry'], process.env);
  },
  (err: Error) => {
    process.stderr.write(`[dev:teams] ${err.message}\n`);
    shutdown(1);
  },
);
