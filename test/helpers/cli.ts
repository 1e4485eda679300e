import { execFile, spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';

const ROOT = path.resolve(import.meta.dirname, '..', '..');
export const LINDUNG = path.join(ROOT, 'bin', 'lindung');

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export function cliEnv(config: { dataDir: string; databaseUrl: string | null }, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, LINDUNG_DATA_DIR: config.dataDir, LINDUNG_QUIET: '1', ...extra };
  if (config.databaseUrl) env.DATABASE_URL = config.databaseUrl;
  else delete env.DATABASE_URL;
  return env;
}

/** Runs the real `lindung` command and collects its output and exit code. */
export function runCli(args: string[], env: NodeJS.ProcessEnv): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(LINDUNG, args, { env, cwd: ROOT, maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

/** Starts `lindung ARGS` and resolves once a line of its stderr matches. */
export function startCli(args: string[], env: NodeJS.ProcessEnv, ready: RegExp, timeoutMs = 120_000): Promise<{ child: ChildProcess; output: () => string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(LINDUNG, args, { env, cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    const timer = setTimeout(() => reject(new Error(`no ${ready} within ${timeoutMs} ms:\n${out}`)), timeoutMs);
    const onData = (b: Buffer) => {
      out += b.toString();
      if (ready.test(out)) {
        clearTimeout(timer);
        resolve({ child, output: () => out });
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      if (!ready.test(out)) reject(new Error(`exited with ${code} before ${ready}:\n${out}`));
    });
  });
}

export function exited(child: ChildProcess): Promise<number | null> {
  return child.exitCode !== null ? Promise.resolve(child.exitCode) : new Promise((r) => child.once('exit', (code) => r(code)));
}
