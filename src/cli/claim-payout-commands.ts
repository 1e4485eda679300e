/**
 * `lindung claims payout create|file|confirm|retry|list|show|layout`: payouts of approved claims to
 * Bank NTT. Attached to the `claims` group (made here or by the other claims commands, whichever
 * registers first).
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { asSystem } from '../db/scope.js';
import type { Db } from '../db/types.js';
import { formatRupiah } from '../domain/money.js';
import { LINE_STATUS_LABEL, PAYOUT_LINE_STATUSES } from '../domain/payout.js';
import { importConfirmation } from '../features/claims/bank-confirmation.js';
import { payoutFile, type PayoutFileFormat } from '../features/claims/payout-file.js';
import {
  createPayoutBatch,
  getPayoutBatch,
  getPayoutLayout,
  listPayoutBatches,
  readyClaims,
  retryPayouts,
  retryQueue,
  setPayoutLayout,
  type BatchResult,
  type PayoutBatch,
  type PayoutBatchSummary,
} from '../features/claims/payouts.js';
import { CliError, note, print, withDb, claimsGroup } from './common.js';

const n = (v: number) => v.toLocaleString('id-ID');

function wholeNumber(v: string, what: string): number {
  const x = Number(v);
  if (!Number.isSafeInteger(x) || x < 1) throw new CliError(`${what} is a whole number (got "${v}")`);
  return x;
}

function counts(b: PayoutBatchSummary): string {
  return PAYOUT_LINE_STATUSES.filter((s) => b.counts[s].lines > 0).map((s) => `${LINE_STATUS_LABEL[s].en.toLowerCase()} ${n(b.counts[s].lines)}`).join(', ');
}

function summaryLine(b: PayoutBatchSummary): string {
  return `#${String(b.id).padEnd(5)} ${b.createdAt.slice(0, 16).replace('T', ' ')}  ${b.areaCode.padEnd(6)} ${n(b.lines).padStart(5)} transfers ${formatRupiah(b.amount).padStart(16)}  ${b.status.padEnd(9)} ${counts(b)}${b.retries ? ` (${b.retries} retries)` : ''}`;
}

function batchText(b: PayoutBatch): string {
  const head = `Payout batch #${b.id} (${b.areaCode}${b.areaName ? ` ${b.areaName}` : ''}) made ${b.createdAt} by ${b.createdBy}: ${n(b.lines)} transfers, ${formatRupiah(b.amount)}; ${b.status}${b.confirmedAt ? ` ${b.confirmedAt}` : ''} — ${counts(b)}`;
  const lines = b.items.map((l) =>
    `  ${l.reference}  ${l.claimNo.padEnd(16)} ${l.payeeName.slice(0, 24).padEnd(24)} ${l.bankAccount.padEnd(20)} ${formatRupiah(l.amount).padStart(14)}  ${l.status.padEnd(8)}${l.bankReference ? ` bank ${l.bankReference}` : ''}${l.failureReason ? ` — ${l.failureReason}` : ''}${l.retryOf ? ` (retry of #${l.retryOf})` : ''}${l.retriedBy ? ` (retried as #${l.retriedBy})` : ''}`,
  );
  return [head, ...lines].join('\n');
}

function resultText(r: BatchResult): string {
  const out = [batchText(r)];
  for (const c of r.claims) out.push(`Claim ${c.claimNo}: ${c.from} → ${c.to}`);
  for (const s of r.skipped) out.push(`Left out ${s.claimNo}: ${s.problems.map((p) => p.en).join('; ')}`);
  return out.join('\n');
}

function formatOf(file: string, given: string | undefined): PayoutFileFormat {
  const f = (given ?? (file.toLowerCase().endsWith('.csv') ? 'csv' : 'xlsx')).toLowerCase();
  if (f !== 'csv' && f !== 'xlsx') throw new CliError('--format is xlsx or csv');
  return f;
}

async function writeFile(db: Db, batchId: number, file: string, format: PayoutFileFormat): Promise<void> {
  const f = await asSystem(db, 'cli', (tx) => payoutFile(tx, batchId, format));
  await fs.promises.mkdir(path.dirname(path.resolve(file)), { recursive: true });
  await fs.promises.writeFile(file, f.body);
  note(`Bank file written to ${file} (${f.lines} transfers, ${formatRupiah(f.amount)})`);
}

export function registerClaimPayoutCommands(program: Command): void {
  const payout = claimsGroup(program).command('payout').description('Payouts of approved claims to Bank NTT: batches, bank files, confirmations, retries');

  payout
    .command('ready')
    .description('Approved claims waiting to be paid (and why a claim cannot be, if so), and failed or reversed transfers waiting for a retry')
    .option('--area <code>', 'only this area')
    .option('--json', 'print JSON')
    .action(async (opts: { area?: string; json?: boolean }) => {
      await withDb(async (db) => {
        const r = await asSystem(db, 'cli', async (tx) => ({ ready: await readyClaims(tx, opts.area ?? null), retries: await retryQueue(tx, opts.area ?? null) }));
        print(Boolean(opts.json), r, () => [
          `Ready to be paid: ${r.ready.filter((c) => !c.problems.length).length}`,
          ...r.ready.map((c) => `  #${c.claimId} ${c.claimNo} ${c.memberName} ${c.unsent}/${c.payees} payees ${formatRupiah(c.unsentAmount)}${c.problems.length ? ` — NOT READY: ${c.problems.map((p) => p.en).join('; ')}` : ''}`),
          `To send again: ${r.retries.length}`,
          ...r.retries.map((l) => `  line #${l.id} ${l.reference} ${l.claimNo} ${l.payeeName} ${formatRupiah(l.amount)} ${l.status}${l.failureReason ? ` — ${l.failureReason}` : ''}`),
        ].join('\n'));
      });
    });

  payout
    .command('create')
    .description('Make a payout batch: the given approved claims (all must be ready), or every ready claim; the claims become paid')
    .option('--claim <ids...>', 'claim ids (default: every approved claim with payees not yet sent)')
    .option('--area <code>', 'the batch\'s area (default: the smallest regency or province holding the claims)')
    .option('--file <path>', 'also write the bank file (…xlsx or …csv)')
    .option('--format <xlsx|csv>', 'format of --file (default: from its extension)')
    .option('--json', 'print JSON')
    .action(async (opts: { claim?: string[]; area?: string; file?: string; format?: string; json?: boolean }) => {
      const claimIds = (opts.claim ?? []).flatMap((c) => c.split(',')).filter(Boolean).map((c) => wholeNumber(c, 'a claim id'));
      await withDb(async (db) => {
        const r = await asSystem(db, 'cli', (tx) => createPayoutBatch(tx, { claimIds, area: opts.area ?? null }, 'cli'));
        if (opts.file) await writeFile(db, r.id, opts.file, formatOf(opts.file, opts.format));
        print(Boolean(opts.json), r, () => resultText(r));
      });
    });

  payout
    .command('file <batch> <path>')
    .description('Write the bank file of a batch in the configured layout (XLSX with a control sheet, or CSV)')
    .option('--format <xlsx|csv>', 'default: from the file\'s extension')
    .action(async (batch: string, file: string, opts: { format?: string }) => {
      const id = wholeNumber(batch, 'the batch id');
      await withDb((db) => writeFile(db, id, file, formatOf(file, opts.format)));
    });

  payout
    .command('confirm <batch> <file>')
    .description('Load Bank NTT\'s confirmation of a batch (XLSX or CSV: Referensi, Status BERHASIL/GAGAL/DIBATALKAN, Referensi Bank, Alasan) — all or nothing')
    .option('--json', 'print JSON')
    .action(async (batch: string, file: string, opts: { json?: boolean }) => {
      const id = wholeNumber(batch, 'the batch id');
      await withDb(async (db) => {
        const r = await asSystem(db, 'cli', (tx) => importConfirmation(tx, id, file, { fileName: path.basename(file) }, 'cli'));
        for (const w of r.warnings) note(`Warning: ${w.en}`);
        print(Boolean(opts.json), r, () => [
          `Batch #${r.batch.id}: ${r.applied.success} succeeded, ${r.applied.failed} failed, ${r.applied.reversed} reversed, ${r.unchanged} unchanged, ${r.pending + r.notInFile} still awaiting the bank; batch ${r.batch.status}`,
          ...r.claims.map((c) => `Claim ${c.claimNo}: ${c.from} → ${c.to}${c.to === 'approved' ? ' (send again: lindung claims payout retry)' : ''}`),
        ].join('\n'));
      });
    });

  payout
    .command('retry [lines...]')
    .description('Send failed or reversed transfers again in a new batch (line ids; --all for every one waiting), with a corrected account if given')
    .option('--all', 'every failed or reversed transfer not yet retried')
    .option('--account <number>', 'corrected account number (one line only)')
    .option('--bank-name <name>', 'corrected bank (one line only)')
    .option('--holder <name>', 'corrected account holder (one line only)')
    .option('--file <path>', 'also write the new batch\'s bank file (…xlsx or …csv)')
    .option('--format <xlsx|csv>', 'format of --file (default: from its extension)')
    .option('--json', 'print JSON')
    .action(async (lines: string[], opts: { all?: boolean; account?: string; bankName?: string; holder?: string; file?: string; format?: string; json?: boolean }) => {
      const ids = lines.flatMap((l) => l.split(',')).filter(Boolean).map((l) => wholeNumber(l, 'a line id'));
      const correcting = opts.account !== undefined || opts.bankName !== undefined || opts.holder !== undefined;
      if (opts.all && ids.length) throw new CliError('give line ids or --all, not both');
      if (!opts.all && !ids.length) throw new CliError('give the line ids to send again (see `lindung claims payout ready`), or --all');
      if (correcting && (opts.all || ids.length !== 1)) throw new CliError('--account, --bank-name and --holder correct one line: give exactly one line id');
      await withDb(async (db) => {
        const r = await asSystem(db, 'cli', async (tx) => {
          const chosen = opts.all ? (await retryQueue(tx)).map((l) => l.id) : ids;
          return retryPayouts(tx, chosen.map((lineId) => ({ lineId, bankAccount: opts.account ?? null, bankName: opts.bankName ?? null, accountHolder: opts.holder ?? null })), 'cli');
        });
        if (opts.file) await writeFile(db, r.id, opts.file, formatOf(opts.file, opts.format));
        print(Boolean(opts.json), r, () => resultText(r));
      });
    });

  payout
    .command('list')
    .description('Payout batches, newest first')
    .option('--status <open|confirmed>', 'only these')
    .option('--json', 'print JSON')
    .action(async (opts: { status?: string; json?: boolean }) => {
      if (opts.status && opts.status !== 'open' && opts.status !== 'confirmed') throw new CliError('--status is open or confirmed');
      await withDb(async (db) => {
        const items = await asSystem(db, 'cli', (tx) => listPayoutBatches(tx, { status: opts.status as 'open' | 'confirmed' | undefined, limit: 1000 }));
        print(Boolean(opts.json), items, () => items.map(summaryLine).join('\n') || '(no payout batches)');
      });
    });

  payout
    .command('show <batch>')
    .description('One batch and its transfers')
    .option('--json', 'print JSON')
    .action(async (batch: string, opts: { json?: boolean }) => {
      const id = wholeNumber(batch, 'the batch id');
      await withDb(async (db) => {
        const b = await asSystem(db, 'cli', (tx) => getPayoutBatch(tx, id));
        print(Boolean(opts.json), b, () => batchText(b));
      });
    });

  payout
    .command('layout')
    .description('Show the bank file layout, or set it from a JSON file: [{"header": "Referensi", "field": "reference"}, {"header": "Kode Bank", "value": "NTT"}, …]')
    .option('--set <file>', 'JSON file with the columns')
    .option('--json', 'print JSON')
    .action(async (opts: { set?: string; json?: boolean }) => {
      let columns: unknown = null;
      if (opts.set) {
        try {
          columns = JSON.parse(await fs.promises.readFile(opts.set, 'utf8'));
        } catch (e) {
          throw new CliError(`${opts.set} is not readable JSON: ${(e as Error).message}`);
        }
      }
      await withDb(async (db) => {
        const l = await asSystem(db, 'cli', (tx) => (opts.set ? setPayoutLayout(tx, columns, 'cli') : getPayoutLayout(tx)));
        print(Boolean(opts.json), l, () => [
          l.configured ? `Layout set ${l.updatedAt} by ${l.updatedBy}:` : 'Default layout (not set):',
          ...l.columns.map((c, i) => `  ${i + 1}. ${c.header} ← ${'field' in c ? c.field : `"${c.value}"`}`),
        ].join('\n'));
      });
    });
}
