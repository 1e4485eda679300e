/** `lindung import FILE --programme CODE`, and the batch's maker-checker steps. */
import fs from 'node:fs';
import type { Command } from 'commander';
import { loadConfig } from '../config.js';
import { asActor, asSystem, type Actor } from '../db/scope.js';
import type { Db } from '../db/types.js';
import { can, isRole } from '../domain/roles.js';
import { getProgramme } from '../features/programmes/programmes.js';
import { createBatch, getBatch, listBatches, storeUpload, uploadPath } from '../features/intake/batches.js';
import { BatchFileProblem, checkBatch, type CheckPhase } from '../features/intake/check.js';
import { approveBatch, decideReview, returnBatch, submitBatch, type Decider } from '../features/intake/decide.js';
import { IntakeFileError } from '../features/intake/read-file.js';
import { batchHeaders, listReviews, reportRows } from '../features/intake/rows.js';
import { writeBatchReport } from '../features/intake/report-xlsx.js';
import { writeIntakeTemplate } from '../features/intake/template.js';
import type { RowProblem } from '../features/intake/normalise-row.js';
import { CliError, note, print, withDb } from './common.js';

const PHASES: Record<CheckPhase, string> = { reading: 'Reading rows', matching: 'Matching NIKs', fuzzy: 'Looking for likely duplicates', ranking: 'Eligibility and quota', done: 'Done' };

function progress(): (phase: CheckPhase, done: number, total: number | null) => void {
  let last = 0;
  let lastPhase = '';
  return (phase, done, total) => {
    const now = Date.now();
    if (phase === lastPhase && now - last < 500) return;
    last = now;
    if (phase !== lastPhase && lastPhase && process.stderr.isTTY) process.stderr.write('\n');
    lastPhase = phase;
    const text = `${PHASES[phase]}: ${done.toLocaleString('id-ID')}${total ? `/${total.toLocaleString('id-ID')}` : ''} rows`;
    if (process.stderr.isTTY) process.stderr.write(`\r${text}`);
    else note(text);
    if (phase === 'done' && process.stderr.isTTY) process.stderr.write('\n');
  };
}

/** A named account acting from the command line: its role and area apply as in the web app. */
async function actorFor(db: Db, username: string): Promise<Actor> {
  const [u] = await db.query<{ id: number; username: string; role: string; area_code: string | null; disabled: boolean }>(
    'SELECT id, username, role, area_code, disabled FROM app_user WHERE lower(username) = lower($1)',
    [username],
  );
  if (!u || u.disabled || !isRole(u.role)) throw new CliError(`There is no active account "${username}" (lindung users list).`);
  return { userId: u.id, username: u.username, role: u.role, areaCode: u.area_code };
}

function requirePermission(actor: Actor, permission: 'intake.submit' | 'intake.approve'): void {
  if (!can(actor.role, permission)) throw new CliError(`Account ${actor.username} (${actor.role}) may not do this: it needs a role with ${permission}.`);
}

const decider = (a: Actor): Decider => ({ userId: a.userId, label: a.username });

function problemsOut(problems: RowProblem[]) {
  return problems.map((p) => ({ code: p.code, severity: p.severity, ...(p.column ? { column: p.column } : {}), ...(p.field ? { field: p.field } : {}), message: { id: p.id, en: p.en }, ...(p.match ? { match: p.match } : {}) }));
}

export function registerIntakeCommands(program: Command): void {
  const imp = program
    .command('import')
    .description('Import a proposal file (CSV or XLSX) into a programme: check every row, find duplicates, rank within quota')
    .argument('[file]', 'CSV (comma or semicolon; UTF-8 or Windows-1252) or XLSX')
    .enablePositionalOptions()
    .option('--programme <code>', 'programme code, e.g. NTT-2026')
    .option('--area <code>', 'area the proposal comes from (default: the programme\'s area)')
    .option('--by <username>', 'the maker\'s account (default: the command line itself)')
    .option('--force', 'import even when the same file was imported before')
    .option('--submit', 'submit the checked batch to the verifier')
    .option('--json', 'print JSON (counts and each row\'s problems)')
    .action(async (file: string | undefined, opts: { programme?: string; area?: string; by?: string; force?: boolean; submit?: boolean; json?: boolean }) => {
      if (!file) throw new CliError('Give the file to import: lindung import FILE --programme CODE (or see lindung import --help)');
      if (!opts.programme) throw new CliError('Give the programme: --programme CODE (lindung programme list)');
      if (!fs.existsSync(file)) throw new CliError(`File not found: ${file}`);
      const config = loadConfig();
      await withDb(async (db) => {
        const actor = opts.by ? await actorFor(db, opts.by) : null;
        if (actor) requirePermission(actor, 'intake.submit');
        const stored = await storeUpload(config.dataDir, file, config.maxUploadBytes);
        const run = <T>(fn: Parameters<typeof asSystem<T>>[2]) => (actor ? asActor(db, actor, fn) : asSystem(db, 'cli', fn));
        const batchId = await run(async (tx) => {
          const p = await getProgramme(tx, opts.programme!);
          return createBatch(tx, {
            programme: p, areaCode: opts.area ?? actor?.areaCode ?? p.funderAreaCode, source: 'file', fileName: file.split(/[\\/]/).pop() ?? file,
            sha256: stored.sha256, bytes: stored.bytes, createdBy: actor?.userId ?? null, createdByLabel: actor?.username ?? 'cli', force: opts.force,
          });
        });
        try {
          await checkBatch(db, batchId, uploadPath(config.dataDir, stored.sha256), { onProgress: progress() });
        } catch (e) {
          if (e instanceof BatchFileProblem || e instanceof IntakeFileError) {
            const b = await getBatch(db, batchId);
            print(Boolean(opts.json), { batch: batchId, status: b.status, errors: b.error }, () =>
              `Batch ${batchId} failed:\n${(b.error ?? []).map((p) => `  ${p.en}\n  ${p.id}`).join('\n')}`);
            process.exitCode = 1;
            return;
          }
          throw e;
        }
        if (opts.submit) await run((tx) => submitBatch(tx, batchId, actor ? decider(actor) : { userId: null, label: 'cli' }));
        const b = await getBatch(db, batchId);
        const rows: { row: number; status: string; withinQuota: boolean | null; problems: ReturnType<typeof problemsOut> }[] = [];
        for (let after = 0; ;) {
          const page = await db.query<{ row_no: number; status: string; within_quota: boolean | null; problems: RowProblem[] }>(
            `SELECT r.row_no, r.status, k.within_quota, r.problems
               FROM intake_row r LEFT JOIN intake_rank k ON k.batch_id = r.batch_id AND k.row_no = r.row_no
              WHERE r.batch_id = $1 AND r.row_no > $2 AND jsonb_array_length(r.problems) > 0 ORDER BY r.row_no LIMIT 10000`,
            [batchId, after],
          );
          if (page.length === 0) break;
          for (const r of page) rows.push({ row: r.row_no, status: r.status, withinQuota: r.within_quota, problems: problemsOut(r.problems) });
          after = page[page.length - 1]!.row_no;
        }
        const c = b.counts!;
        print(Boolean(opts.json), { batch: batchId, programme: b.programmeCode, area: b.areaCode, status: b.status, format: b.format, sheet: b.sheet, ...c, fileWarnings: b.fileProblems, problems: rows }, () =>
          [
            `Batch ${batchId} (${b.programmeCode}, ${b.areaName}): ${b.status}`,
            `${c.rows} rows: ${c.valid} valid, ${c.invalid} with errors, ${c.warnings} with warnings; ${c.exactDuplicates} exact duplicates, ${c.fuzzyDuplicates} likely duplicates to review; ${c.inRegistry} already in the registry`,
            `${c.eligible} eligible (${c.withinQuota} within quota, ${c.waiting} waiting list), ${c.ineligible} not eligible`,
            ...b.fileProblems.map((p) => `File: ${p.en}`),
            ...rows.slice(0, 20).map((r) => `Row ${r.row} [${r.status}]: ${r.problems.map((p) => `${p.column ? `${p.column}: ` : ''}${p.message.en}`).join(' | ')}`),
            rows.length > 20 ? `… ${rows.length - 20} more rows with problems (--json for all; lindung import report ${batchId} --out FILE.xlsx)` : '',
          ].filter(Boolean).join('\n'),
        );
      });
    });

  imp
    .command('template')
    .description('Write the XLSX template (Indonesian headers, validation, instructions)')
    .option('--out <file>', 'where to write it', 'templat-usulan-lindung.xlsx')
    .option('--area <code>', 'add a sheet with the village codes of this area (e.g. 53.08)')
    .action(async (opts: { out: string; area?: string }) => {
      let villages: { code: string; village: string; district: string; regency: string }[] | undefined;
      const area = opts.area;
      if (area) {
        villages = await withDb((db) =>
          db.query(
            `SELECT v.code, v.name AS village, d.name AS district, r.name AS regency FROM area v JOIN area d ON d.code = v.parent_code JOIN area r ON r.code = d.parent_code
              WHERE v.level = 4 AND (v.code = $1 OR starts_with(v.code, $1 || '.')) ORDER BY v.code`,
            [area],
          ),
        );
      }
      fs.writeFileSync(opts.out, await writeIntakeTemplate({ villages }));
      note(`Template written to ${opts.out}`);
    });

  imp
    .command('list')
    .description('Recent batches')
    .option('--programme <code>', 'only this programme')
    .option('--json', 'print JSON')
    .action(async (opts: { programme?: string; json?: boolean }) => {
      await withDb(async (db) => {
        const p = opts.programme ? await getProgramme(db, opts.programme) : null;
        const rows = await listBatches(db, { programmeId: p?.id });
        print(Boolean(opts.json), rows, () => rows.map((b) => `#${b.id} ${b.programmeCode} ${b.status.padEnd(9)} ${b.areaName} ${b.fileName ?? ''} ${b.counts ? `${b.counts.rows} rows, ${b.counts.eligible} eligible` : ''}`).join('\n') || '(no batches)');
      });
    });

  imp
    .command('submit <batch>')
    .description('Submit a checked batch to the verifier (the maker\'s step)')
    .option('--by <username>', 'the maker\'s account (default: the command line)')
    .action(async (batch: string, opts: { by?: string }) => {
      await withDb(async (db) => {
        const actor = opts.by ? await actorFor(db, opts.by) : null;
        if (actor) requirePermission(actor, 'intake.submit');
        if (actor) await asActor(db, actor, (tx) => submitBatch(tx, Number(batch), decider(actor)));
        else await asSystem(db, 'cli', (tx) => submitBatch(tx, Number(batch), { userId: null, label: 'cli' }));
        note(`Batch ${batch} submitted`);
      });
    });

  imp
    .command('reviews <batch>')
    .description('Likely duplicates of a batch, with the evidence')
    .requiredOption('--by <username>', 'the account looking (its area and role apply)')
    .option('--open', 'only undecided ones')
    .option('--json', 'print JSON')
    .action(async (batch: string, opts: { by: string; open?: boolean; json?: boolean }) => {
      await withDb(async (db) => {
        const actor = await actorFor(db, opts.by);
        const items = await asActor(db, actor, (tx) => listReviews(tx, Number(batch), actor.role, { open: opts.open ? true : undefined, limit: 10_000 }));
        print(Boolean(opts.json), items, () =>
          items.map((r) => `#${r.id} row ${r.rowNo} score ${r.score} ${r.decision ?? 'OPEN'}: ${r.row.fullName} ${r.row.birthDate} ≈ ${r.other.fullName} ${r.other.birthDate} (${r.other.source})`).join('\n') || '(none)');
      });
    });

  imp
    .command('decide <batch> <review> <decision>')
    .description('Decide a likely duplicate: same | different (the checker\'s step)')
    .requiredOption('--by <username>', 'the verifier\'s account')
    .action(async (batch: string, review: string, decision: string, opts: { by: string }) => {
      if (decision !== 'same' && decision !== 'different') throw new CliError('The decision is "same" or "different".');
      await withDb(async (db) => {
        const actor = await actorFor(db, opts.by);
        requirePermission(actor, 'intake.approve');
        await asActor(db, actor, (tx) => decideReview(tx, Number(batch), { reviewId: Number(review), decision }, decider(actor)));
        note(`Review ${review}: ${decision}`);
      });
    });

  imp
    .command('approve <batch>')
    .description('Approve a submitted batch: eligible rows become candidates (or waiting list) of the programme (the checker\'s step)')
    .requiredOption('--by <username>', 'the verifier\'s account (not the maker)')
    .option('--note <text>', 'a note kept with the decision')
    .option('--json', 'print JSON')
    .action(async (batch: string, opts: { by: string; note?: string; json?: boolean }) => {
      await withDb(async (db) => {
        const actor = await actorFor(db, opts.by);
        requirePermission(actor, 'intake.approve');
        const r = await asActor(db, actor, (tx) => approveBatch(tx, Number(batch), decider(actor), opts.note ?? null));
        print(Boolean(opts.json), { batch: Number(batch), status: 'approved', ...r }, () =>
          `Batch ${batch} approved: ${r.candidates} candidates, ${r.waitingList} on the waiting list, ${r.newPeople} new people in the registry${r.skipped ? `, ${r.skipped} rows could not be added (see the report)` : ''}`);
      });
    });

  imp
    .command('return <batch>')
    .description('Send a submitted batch back to its maker with a note')
    .requiredOption('--by <username>', 'the verifier\'s account')
    .requiredOption('--note <text>', 'what to fix')
    .action(async (batch: string, opts: { by: string; note: string }) => {
      await withDb(async (db) => {
        const actor = await actorFor(db, opts.by);
        requirePermission(actor, 'intake.approve');
        await asActor(db, actor, (tx) => returnBatch(tx, Number(batch), decider(actor), opts.note));
        note(`Batch ${batch} returned`);
      });
    });

  imp
    .command('report <batch>')
    .description('Write the batch report (XLSX): the original rows with a status and a reason column, to fix and resend')
    .requiredOption('--out <file>', 'where to write it')
    .option('--lang <lang>', 'id or en', 'id')
    .action(async (batch: string, opts: { out: string; lang: string }) => {
      const lang = opts.lang === 'en' ? 'en' : 'id';
      await withDb(async (db) => {
        const b = await getBatch(db, Number(batch));
        const headers = await batchHeaders(db, b.id);
        await writeBatchReport(opts.out, { headers, rows: reportRows(db, b.id, lang), lang, title: `Batch #${b.id} — ${b.programmeCode} — ${b.areaName}` });
        note(`Report written to ${opts.out}`);
      });
    });
}
