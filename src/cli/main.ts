#!/usr/bin/env node
/**
 * `lindung` — the command line. Every command opens the configured database (PGlite in
 * LINDUNG_DATA_DIR, or PostgreSQL via DATABASE_URL), does one thing, and closes it.
 */
import { Command, Option } from 'commander';
import { randomBytes } from 'node:crypto';
import { loadConfig } from '../config.js';
import { openDatabase } from '../db/open.js';
import { DataDirLockedError } from '../db/lock.js';
import type { Db } from '../db/types.js';
import { migrate } from '../db/migrate.js';
import { ensureReferenceData } from '../features/bootstrap.js';
import { loadProvince } from '../features/areas/load.js';
import { verifyAudit } from '../features/audit/verify.js';
import { addUser, listUsers, resetPassword, UserInputError } from '../features/users/users.js';
import { ensureDemoUsers, DEMO_PASSWORD } from '../features/users/demo-users.js';
import { loadDemo } from '../features/demo/load.js';
import { asSystem } from '../db/scope.js';
import { createBackup } from '../features/backup/backup.js';
import { restoreBackup } from '../features/backup/restore.js';
import { startServer } from '../http/start.js';
import { ROLES } from '../domain/roles.js';
import { resetSyntheticCache } from '../web/layout.js';
import { clearPublicSummaryCache } from '../features/registry/public-summary.js';
import { clearSummaryCache } from '../features/registry/summary.js';
import { CliError, note, print, progressBar, withDb } from './common.js';
import { registerProgrammeCommands } from './programme-commands.js';
import { registerIntakeCommands } from './intake-commands.js';
import { registerEnrollmentCommands } from './enrollment-commands.js';
import { registerBudgetCommands } from './budget-commands.js';
import { registerCardCommands } from './card-commands.js';
import { registerInvoiceCommands } from './invoice-commands.js';
import { registerMemberCommands } from './member-commands.js';
import { registerClaimPayoutCommands } from './claim-payout-commands.js';
import { registerClaimRuleCommands } from './claim-rule-commands.js';
import { registerClaimCommands } from './claim-commands.js';
import { registerClaimReportCommands } from './claim-report-commands.js';
import { ensureDemoProgrammes } from '../features/programmes/demo-programmes.js';
import { ensureDemoClaims } from '../features/claims/demo-claims.js';
import { UserError } from '../domain/user-error.js';

async function runDemo(db: Db, opts: { size: number; seed: number; replace: boolean }) {
  const users = await ensureDemoUsers(db);
  const result = await loadDemo(db, { size: opts.size, seed: opts.seed, replace: opts.replace, onProgress: progressBar('Demo') });
  const programmes = await ensureDemoProgrammes(db);
  const claims = await ensureDemoClaims(db);
  resetSyntheticCache();
  clearPublicSummaryCache();
  clearSummaryCache();
  return { ...result, usersCreated: users.created, programmes: programmes.created, candidates: programmes.candidates, claims };
}

const program = new Command()
  .name('lindung')
  .description('Lindung: BPJS Ketenagakerjaan protection for poor and vulnerable informal workers.\nDatabase: PGlite in LINDUNG_DATA_DIR (default ./data) or PostgreSQL via DATABASE_URL.')
  .showHelpAfterError()
  // Options after a subcommand's name belong to it (lindung import template --area …).
  .enablePositionalOptions();

program
  .command('serve')
  .description('Start the web app and API (PORT, default 3000)')
  .option('--demo-if-empty', 'load the synthetic demo (users and workers) when the database has no accounts')
  .option('--demo-size <n>', 'workers in that demo', (v) => Number(v), 100_000)
  .action(async (opts: { demoIfEmpty?: boolean; demoSize: number }) => {
    const config = loadConfig();
    const t0 = Date.now();
    const db = await openDatabase(config);
    await ensureReferenceData(db, note);
    const [anyUser] = await db.query('SELECT 1 FROM app_user LIMIT 1');
    const app = await startServer(db, config);
    // A terminal's Ctrl-C or a service manager signals the whole process group, so the signal can
    // arrive twice (npm or tsx pass it on too): the first starts a clean stop, which checkpoints the
    // database; later ones must not cut that short.
    let stopping = false;
    const stop = async () => {
      if (stopping) return;
      stopping = true;
      await app.close();
      await db.close();
      process.exit(0);
    };
    process.on('SIGINT', () => void stop());
    process.on('SIGTERM', () => void stop());
    // Announced only once a stop signal would be handled cleanly.
    note(`Lindung is running on http://localhost:${config.port} (${db.kind}, ${config.databaseUrl ? 'DATABASE_URL' : config.dataDir}) after ${Date.now() - t0} ms`);
    if (opts.demoIfEmpty && !anyUser) {
      // Serve while the demo loads: the app is usable at once and fills up batch by batch.
      note(`Empty database: loading the synthetic demo (${opts.demoSize.toLocaleString('en')} workers). Sign in as admin / ${DEMO_PASSWORD} (see README for every role).`);
      const r = await runDemo(db, { size: opts.demoSize, seed: 2025, replace: false });
      note(`Demo data ready: ${r.persons} workers in ${r.households} households, ${r.heirs} heirs, after ${Date.now() - t0} ms`);
    }
  });

program
  .command('migrate')
  .description('Apply pending database migrations (start-up does this too)')
  .option('--json', 'print JSON')
  .action(async (opts: { json?: boolean }) => {
    const db = await openDatabase(loadConfig());
    try {
      const r = await migrate(db);
      print(Boolean(opts.json), r, () => `Schema at version ${r.current}${r.applied.length ? `; applied ${r.applied.join(', ')}` : ''}`);
    } finally {
      await db.close();
    }
  });

program
  .command('demo')
  .description('Load the synthetic NTT demo: one account per role and a registry of workers')
  .option('--size <n>', 'number of workers (up to 1,000,000)', (v) => Number(v), 100_000)
  .option('--seed <n>', 'random seed: the same seed gives the same people', (v) => Number(v), 2025)
  .option('--replace', 'replace synthetic workers already loaded')
  .option('--json', 'print JSON')
  .action(async (opts: { size: number; seed: number; replace?: boolean; json?: boolean }) => {
    if (!Number.isInteger(opts.size) || opts.size < 1 || opts.size > 1_000_000) throw new CliError('--size must be a whole number from 1 to 1000000');
    if (!Number.isInteger(opts.seed)) throw new CliError('--seed must be a whole number');
    await withDb(async (db) => {
      const r = await runDemo(db, { size: opts.size, seed: opts.seed, replace: Boolean(opts.replace) });
      print(Boolean(opts.json), r, () => `Loaded ${r.persons} workers, ${r.households} households, ${r.heirs} heirs in ${(r.ms / 1000).toFixed(1)} s; demo accounts use password ${DEMO_PASSWORD}`);
    });
  });

const users = program.command('users').description('Accounts: add, list, reset a password');
users
  .command('add')
  .description('Create an account bound to a role and an area')
  .requiredOption('--username <name>', 'sign-in name (lower case)')
  .addOption(new Option('--role <role>', 'role').choices([...ROLES]).makeOptionMandatory())
  .option('--area <code>', 'Kemendagri area code (53, 53.01, 53.01.02.2001); omit for national admin/viewer')
  .option('--name <full name>', 'full name', '')
  .option('--password <password>', 'initial password (default: a random one, printed once; must be changed at first sign-in)')
  .option('--json', 'print JSON')
  .action(async (opts: { username: string; role: string; area?: string; name: string; password?: string; json?: boolean }) => {
    const password = opts.password ?? randomBytes(9).toString('base64url');
    await withDb(async (db) => {
      const id = await asSystem(db, 'cli', (tx) =>
        addUser(tx, { username: opts.username, fullName: opts.name, role: opts.role, areaCode: opts.area ?? null, password, mustChangePassword: true }),
      );
      print(Boolean(opts.json), { id, username: opts.username.toLowerCase(), role: opts.role, area: opts.area ?? null, ...(opts.password ? {} : { password }) }, () =>
        `Created ${opts.username} (${opts.role}${opts.area ? ` in ${opts.area}` : ''})${opts.password ? '' : `; initial password: ${password}`}`,
      );
    });
  });
users
  .command('list')
  .description('List accounts')
  .option('--json', 'print JSON')
  .action(async (opts: { json?: boolean }) => {
    await withDb(async (db) => {
      const rows = await listUsers(db);
      print(Boolean(opts.json), rows, () =>
        rows.map((u) => `${u.username.padEnd(16)} ${u.role.padEnd(18)} ${(u.area_code ?? '(national)').padEnd(14)} ${u.area_name ?? ''}${u.disabled ? ' [disabled]' : ''}${u.locked_until && u.locked_until > new Date() ? ' [locked]' : ''}`).join('\n'),
      );
    });
  });
users
  .command('reset-password <username>')
  .description('Set a new password (random unless given); the user must change it at next sign-in; unlocks the account')
  .option('--password <password>', 'the new password')
  .option('--json', 'print JSON')
  .action(async (username: string, opts: { password?: string; json?: boolean }) => {
    const password = opts.password ?? randomBytes(9).toString('base64url');
    await withDb(async (db) => {
      await resetPassword(db, username, password, 'cli');
      print(Boolean(opts.json), { username, ...(opts.password ? {} : { password }) }, () => `Password of ${username} reset${opts.password ? '' : `; new password: ${password}`}`);
    });
  });

program
  .command('areas')
  .description('Reference areas (Kemendagri)')
  .command('load')
  .description('Load the areas of a province from idn-area-data (NTT = 53 is loaded on first start)')
  .requiredOption('--province <code>', 'two-digit Kemendagri province code, e.g. 52')
  .option('--json', 'print JSON')
  .action(async (opts: { province: string; json?: boolean }) => {
    await withDb(async (db) => {
      const r = await loadProvince(db, opts.province);
      print(Boolean(opts.json), r, () => `Province ${r.province}: ${r.regencies} regencies, ${r.districts} districts, ${r.villages} villages (${r.inserted} new rows)`);
    });
  });

program
  .command('audit')
  .description('History (audit trail)')
  .command('verify')
  .description('Verify the hash chain of the whole history; exits 1 when anything was altered')
  .option('--json', 'print JSON')
  .action(async (opts: { json?: boolean }) => {
    await withDb(async (db) => {
      const r = await verifyAudit(db);
      print(Boolean(opts.json), r, () =>
        r.ok
          ? `History intact: ${r.entries} entries in ${r.blocks} blocks. Head hash ${r.head ?? '(empty)'} — keep it somewhere else to detect removal of the newest entries.`
          : `HISTORY ALTERED: entries ${r.badEntries.join(', ') || '-'}; blocks ${r.badBlocks.join(', ') || '-'}`,
      );
      if (!r.ok) process.exitCode = 1;
    });
  });

program
  .command('backup <file>')
  .description('Write one portable archive (gzip NDJSON) of the whole database, history included')
  .option('--json', 'print JSON')
  .action(async (file: string, opts: { json?: boolean }) => {
    await withDb(async (db) => {
      const r = await createBackup(db, file);
      print(Boolean(opts.json), r, () => `Backup written to ${r.file}: ${r.tables.reduce((s, t) => s + t.rows, 0)} rows in ${r.tables.length} tables, ${r.bytes} bytes`);
    });
  });

program
  .command('restore <file>')
  .description('Restore an archive into an empty database (a new LINDUNG_DATA_DIR or an empty PostgreSQL database)')
  .option('--json', 'print JSON')
  .action(async (file: string, opts: { json?: boolean }) => {
    const db = await openDatabase(loadConfig());
    try {
      const r = await restoreBackup(db, file);
      print(Boolean(opts.json), r, () => `Restored ${r.tables.reduce((s, t) => s + t.rows, 0)} rows into ${r.tables.length} tables`);
    } finally {
      await db.close();
    }
  });

registerProgrammeCommands(program);
registerIntakeCommands(program);
registerEnrollmentCommands(program);
registerBudgetCommands(program);
registerCardCommands(program);
registerInvoiceCommands(program);
registerMemberCommands(program);
registerClaimPayoutCommands(program);
registerClaimRuleCommands(program);
registerClaimCommands(program);
registerClaimReportCommands(program);

program.parseAsync(process.argv).catch((e: unknown) => {
  if (e instanceof DataDirLockedError) {
    note(e.message);
    process.exit(2);
  }
  if (e instanceof UserError) {
    note(`${e.text.en}\n${e.text.id}`);
    process.exit(1);
  }
  if (e instanceof UserInputError) {
    note(`${e.msg.en}\n${e.msg.id}`);
    process.exit(1);
  }
  note(e instanceof Error ? e.message : String(e));
  process.exit(e instanceof CliError ? e.exitCode : 1);
});
