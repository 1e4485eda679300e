/** What every command shares: opening the database, printing text or JSON, progress on stderr. */
import type { Command } from 'commander';
import { loadConfig } from '../config.js';
import { openDatabase } from '../db/open.js';
import type { Db } from '../db/types.js';
import { ensureReferenceData } from '../features/bootstrap.js';

export class CliError extends Error {
  constructor(message: string, readonly exitCode = 1) {
    super(message);
  }
}

export function print(json: boolean, data: unknown, text: () => string): void {
  process.stdout.write(json ? `${JSON.stringify(data, null, 2)}\n` : `${text()}\n`);
}

export const note = (msg: string) => process.stderr.write(`${msg}\n`);

export async function withDb<T>(fn: (db: Db) => Promise<T>): Promise<T> {
  const db = await openDatabase(loadConfig());
  try {
    await ensureReferenceData(db, note);
    return await fn(db);
  } finally {
    await db.close();
  }
}

export function progressBar(label: string) {
  let last = 0;
  return (done: number, total: number) => {
    const now = Date.now();
    if (now - last < 500 && done < total) return;
    last = now;
    const pct = total ? Math.floor((done / total) * 100) : 100;
    const bar = '#'.repeat(Math.floor(pct / 4)).padEnd(25, '.');
    if (process.stderr.isTTY) process.stderr.write(`\r${label} [${bar}] ${pct}% ${done.toLocaleString('id-ID')}/${total.toLocaleString('id-ID')}`);
    else note(`${label} ${pct}% ${done}/${total}`);
    if (done >= total && process.stderr.isTTY) process.stderr.write('\n');
  };
}


/** The `claims` command group, made by whichever claims module registers first. */
export function claimsGroup(program: Command): Command {
  return program.commands.find((c) => c.name() === 'claims') ?? program.command('claims').description('Claims: deaths and work accidents, benefits, heirs, payouts');
}
