import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import type { AddressInfo } from 'node:net';

/** A free TCP port on 127.0.0.1 (bound and released at once). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}


/** True when something accepts TCP connections on 127.0.0.1:port. */
export function portAccepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect(port, '127.0.0.1');
    const done = (ok: boolean) => {
      s.destroy();
      resolve(ok);
    };
    s.setTimeout(1_000, () => done(false));
    s.once('connect', () => done(true));
    s.once('error', () => done(false));
  });
}

/** The first of these paths that exists (binaries that may be missing on a machine). */
export function firstExisting(paths: string[]): string | undefined {
  return paths.find((p) => existsSync(p));
}

/** A child process with its output collected, killed (SIGKILL) by `kill()` and waited for. */
export interface Child {
  proc: ChildProcess;
  output(): string;
  exited(): boolean;
  /** Resolves with the exit code (or signal name) once the process is gone. */
  exit: Promise<number | string>;
  kill(signal?: NodeJS.Signals): Promise<number | string>;
}

export function startChild(command: string, args: string[], options: SpawnOptions = {}): Child {
  const proc = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], ...options });
  let out = '';
  let gone = false;
  proc.stdout?.on('data', (b: Buffer) => (out += b.toString()));
  proc.stderr?.on('data', (b: Buffer) => (out += b.toString()));
  const exit = new Promise<number | string>((resolve) => {
    proc.once('exit', (code, signal) => {
      gone = true;
      resolve(code ?? signal ?? 'unknown');
    });
    proc.once('error', (err) => {
      gone = true;
      out += `\nspawn error: ${err.message}`;
      resolve('spawn-error');
    });
  });
  return {
    proc,
    output: () => out,
    exited: () => gone,
    exit,
    async kill(signal = 'SIGKILL') {
      if (!gone) proc.kill(signal);
      const timeout = new Promise<string>((r) => setTimeout(() => r('still running'), 15_000).unref());
      return Promise.race([exit, timeout]);
    },
  };
}
