/**
 * `lindung claims entitlement|register|list|show|heir-add|document|complete|submit|withdraw|decide`:
 * the claim lifecycle from the command line. Creates the `claims` group (or joins it, whichever
 * claims module registers first).
 *
 * Without --by, the command line acts as itself ("cli", no area limit). With --by USERNAME it acts
 * as that account: its role must allow the step and its area limits what it sees, as in the web
 * app. Deciding always needs --by (maker-checker: the decider must not be who registered or
 * submitted the claim).
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { asActor, asSystem, type Actor } from '../db/scope.js';
import type { Db, Queryable } from '../db/types.js';
import type { Lang, Message } from '../domain/messages.js';
import { can, isRole, type Permission } from '../domain/roles.js';
import { formatRupiah } from '../domain/money.js';
import { CLAIM_STATUS_LABEL } from '../domain/claim-dashboard.js';
import { DOCUMENT_KINDS, DOCUMENT_LABEL, MAX_DOCUMENT_BYTES } from '../domain/claim-documents.js';
import { ACTION_LABEL, type ClaimAction, type Party } from '../domain/claim-workflow.js';
import { CLAIM_TYPES, CLAIM_TYPE_LABEL } from '../domain/entitlement.js';
import { RELATION_LABEL, HEIR_RELATIONS, isHeirRelation } from '../domain/heirs.js';
import { todayInNtt } from '../clock.js';
import { getClaim, listClaims, previewClaim, registerClaim, resolveClaimId, type ClaimDetail, type RegisterInput } from '../features/claims/claims.js';
import type { ClaimAssessment } from '../features/claims/entitlement.js';
import { uploadDocument } from '../features/claims/documents.js';
import { addHeir } from '../features/claims/heirs-store.js';
import { claimStep } from '../features/claims/workflow.js';
import { CliError, note, print, withDb, claimsGroup } from './common.js';

async function actorFor(db: Db, username: string): Promise<Actor> {
  const [u] = await db.query<{ id: number; username: string; role: string; area_code: string | null; disabled: boolean }>(
    'SELECT id, username, role, area_code, disabled FROM app_user WHERE lower(username) = lower($1)',
    [username],
  );
  if (!u || u.disabled || !isRole(u.role)) throw new CliError(`There is no active account "${username}" (lindung users list).`);
  return { userId: Number(u.id), username: u.username, role: u.role, areaCode: u.area_code };
}

/** Runs `fn` as the named account (its role must have `permission`), or as the command line itself. */
async function acting<T>(db: Db, by: string | undefined, permission: Permission, fn: (tx: Queryable, party: Party) => Promise<T>): Promise<T> {
  if (!by) return asSystem(db, 'cli', (tx) => fn(tx, { userId: null, label: 'cli' }));
  const actor = await actorFor(db, by);
  if (!can(actor.role, permission)) throw new CliError(`Account ${actor.username} (${actor.role}) may not do this: it needs a role with ${permission}.`);
  return asActor(db, actor, (tx) => fn(tx, { userId: actor.userId, label: actor.username }));
}

function langOf(v: string | undefined): Lang {
  if (v === undefined || v === 'id') return 'id';
  if (v === 'en') return 'en';
  throw new CliError(`--lang is id or en, not "${v}"`);
}

function num(v: string | undefined, what: string, integer: boolean): number | null {
  if (v === undefined) return null;
  const n = Number(v.replace(/\./g, '').replace(',', '.'));
  if (!Number.isFinite(n) || (integer && !Number.isSafeInteger(n))) throw new CliError(`${what} must be a${integer ? ' whole' : ''} number, not "${v}"`);
  return n;
}

function date(v: string, what: string): string {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(v)) throw new CliError(`${what} must be YYYY-MM-DD, not "${v}"`);
  return v;
}

interface FactOpts { nik: string; type: string; eventDate: string; disabilityPercent?: string; incapacityDays?: string; medicalCost?: string }

function facts(o: FactOpts): RegisterInput {
  return {
    nik: o.nik, type: o.type, eventDate: date(o.eventDate, '--event-date'),
    disabilityPercent: num(o.disabilityPercent, '--disability-percent', false),
    incapacityDays: num(o.incapacityDays, '--incapacity-days', true),
    medicalCost: num(o.medicalCost, '--medical-cost', true),
  };
}

function withFactOptions(c: Command): Command {
  return c
    .requiredOption('--nik <nik>', 'the member\'s NIK (16 digits)')
    .requiredOption('--type <type>', `claim type: ${CLAIM_TYPES.join(' | ')}`)
    .requiredOption('--event-date <date>', 'YYYY-MM-DD, the day of the death or accident')
    .option('--disability-percent <pct>', 'partial disability: the percentage from the doctor\'s statement')
    .option('--incapacity-days <days>', 'temporary incapacity (STMB): days unable to work')
    .option('--medical-cost <rupiah>', 'JKK medical care: the bill in rupiah');
}

/** Coverage and entitlement in words, the way the claim screen says them. */
export function assessmentText(a: Pick<ClaimAssessment, 'coverage' | 'entitlement'> & { person: { fullName: string; nik: string } }, lang: Lang): string {
  const t = (m: Message) => m[lang];
  const e = a.entitlement;
  const c = a.coverage;
  const lines = [
    `${a.person.fullName} (NIK ${a.person.nik}) — ${t(CLAIM_TYPE_LABEL[e.type])}, ${e.eventDate}`,
    c.covered
      ? t({ id: `Dilindungi: program ${c.programmeCode}, dana ${c.funderName}; perlindungan sejak ${c.coverageStart}, ${e.membershipMonths ?? '?'} bulan kepesertaan.`, en: `Covered: programme ${c.programmeCode}, funded by ${c.funderName}; covered since ${c.coverageStart}, ${e.membershipMonths ?? '?'} months of membership.` })
      : `${t({ id: 'TIDAK DILINDUNGI', en: 'NOT COVERED' })}: ${c.reason ? t(c.reason) : ''}`,
    `${t({ id: 'Hak santunan', en: 'Entitlement' })}: ${formatRupiah(e.total, lang)}${e.unverified ? t({ id: ' (sebagian besaran belum diverifikasi)', en: ' (some amounts unverified)' }) : ''}`,
    ...e.components.map((x) => `  ${t(x.label).padEnd(48)} ${formatRupiah(x.amount, lang).padStart(16)}  ${x.legalBasis}`),
    t({ id: 'Alasan:', en: 'Reasons:' }),
    ...e.reasons.map((r, i) => `  ${i + 1}. ${t(r)}`),
  ];
  if (e.scholarship) lines.push(`${t({ id: 'Beasiswa', en: 'Scholarship' })}: ${t(e.scholarship.conditions)}`);
  return lines.join('\n');
}

function claimText(c: ClaimDetail, lang: Lang): string {
  const t = (m: Message) => m[lang];
  const lines = [
    `${c.claimNo} — ${t(CLAIM_STATUS_LABEL[c.status])}${c.overdue ? t({ id: ' — TERLAMBAT', en: ' — OVERDUE' }) : ''}`,
    `${t({ id: 'Wilayah', en: 'Area' })}: ${c.villageName}, ${c.regencyName}; ${t({ id: 'didaftarkan oleh', en: 'registered by' })} ${c.registeredBy}`,
    ...(c.slaDue ? [`${t({ id: 'Berkas lengkap', en: 'File complete' })} ${c.documentsCompleteAt?.slice(0, 10)}; ${t({ id: 'batas SLA', en: 'SLA due' })} ${c.slaDue}`] : []),
    ...(c.submittedBy ? [`${t({ id: 'Diajukan ke BPJS oleh', en: 'Submitted to BPJS by' })} ${c.submittedBy}`] : []),
    ...(c.decidedBy ? [`${t({ id: 'Diputuskan oleh', en: 'Decided by' })} ${c.decidedBy}${c.approvedAmount !== null ? `: ${formatRupiah(c.approvedAmount, lang)}` : ''}${c.decisionNote ? ` (${c.decisionNote})` : ''}${c.rejectionReason ? ` — ${c.rejectionReason}` : ''}`] : []),
    ...(c.withdrawnReason ? [`${t({ id: 'Dibatalkan', en: 'Withdrawn' })}: ${c.withdrawnReason}`] : []),
    '',
    assessmentText({ person: { fullName: c.fullName, nik: c.nik }, coverage: c.coverage, entitlement: c.entitlement }, lang),
    '',
    t({ id: 'Penerima:', en: 'Who receives:' }),
    ...(c.payees.length
      ? c.payees.map((p) => `  ${p.fullName} (${isHeirRelation(p.relation) ? t(RELATION_LABEL[p.relation]) : t({ id: 'peserta', en: 'member' })}) ${formatRupiah(p.amount, lang)} → ${p.bankName} ${p.bankAccount}`)
      : c.plan.reasons.map((r) => `  ${t(r)}`)),
    t({ id: 'Dokumen:', en: 'Documents:' }),
    ...c.checklist.items.map((i) => `  [${i.uploaded > 0 ? 'x' : ' '}] ${t(i.label)}${i.required ? '' : t({ id: ' (tambahan)', en: ' (extra)' })}`),
    `${t({ id: 'Langkah berikutnya', en: 'Next steps' })}: ${c.actions.length ? c.actions.map((a) => t(ACTION_LABEL[a])).join(', ') : '—'}`,
  ];
  return lines.join('\n');
}

export function registerClaimCommands(program: Command): void {
  const claims = claimsGroup(program);

  withFactOptions(claims.command('entitlement'))
    .description('Was the member covered on the event date (programme, funder), and what do the rules give — with the reasons; nothing is stored')
    .option('--lang <lang>', 'id (default) or en')
    .option('--by <username>', 'look as this account (its area applies)')
    .option('--json', 'print JSON')
    .action(async (opts: FactOpts & { lang?: string; by?: string; json?: boolean }) => {
      const lang = langOf(opts.lang);
      await withDb(async (db) => {
        const a = await acting(db, opts.by, 'claims.read', (tx) => previewClaim(tx, facts(opts), todayInNtt()));
        print(Boolean(opts.json), a, () => assessmentText(a, lang));
      });
    });

  withFactOptions(claims.command('register'))
    .description('Register a death or accident of a member: a draft claim with coverage and entitlement')
    .option('--place <text>', 'where it happened')
    .option('--description <text>', 'what happened')
    .option('--register-uncovered', 'register although the event date was not covered (the claim can then only be rejected)')
    .option('--by <username>', 'the maker\'s account (default: the command line itself)')
    .option('--lang <lang>', 'id (default) or en')
    .option('--json', 'print JSON')
    .action(async (opts: FactOpts & { place?: string; description?: string; registerUncovered?: boolean; by?: string; lang?: string; json?: boolean }) => {
      const lang = langOf(opts.lang);
      await withDb(async (db) => {
        const c = await acting(db, opts.by, 'claims.register', (tx, party) =>
          registerClaim(tx, { ...facts(opts), eventPlace: opts.place ?? null, description: opts.description ?? null, registerUncovered: Boolean(opts.registerUncovered) }, party, todayInNtt()));
        print(Boolean(opts.json), c, () => claimText(c, lang));
      });
    });

  claims
    .command('list')
    .description('Claims, newest first')
    .option('--status <status>', 'draft | documents_complete | submitted | approved | rejected | paid | confirmed | withdrawn')
    .option('--type <type>', `claim type: ${CLAIM_TYPES.join(' | ')}`)
    .option('--area <code>', 'an area code, e.g. 53.01')
    .option('--search <text>', 'claim number, NIK, or the start of the member\'s name')
    .option('--overdue', 'only claims past their SLA due date')
    .option('--limit <n>', 'at most this many (default 50, up to 500)')
    .option('--by <username>', 'look as this account (its area applies)')
    .option('--json', 'print JSON')
    .action(async (opts: { status?: string; type?: string; area?: string; search?: string; overdue?: boolean; limit?: string; by?: string; json?: boolean }) => {
      await withDb(async (db) => {
        const l = await acting(db, opts.by, 'claims.read', (tx) => listClaims(tx, { status: opts.status, type: opts.type, area: opts.area, q: opts.search, overdue: opts.overdue, limit: num(opts.limit, '--limit', true) ?? 50 }));
        print(Boolean(opts.json), l, () => [
          ...l.items.map((c) => `${c.claimNo.padEnd(15)} ${c.status.padEnd(19)} ${c.type.padEnd(23)} ${c.eventDate}  ${c.fullName.padEnd(28)} ${formatRupiah(c.approvedAmount ?? c.entitledAmount).padStart(15)}  ${c.slaDue ?? ''}${c.overdue ? ' OVERDUE' : ''}`),
          `${l.total} claims`,
        ].join('\n'));
      });
    });

  claims
    .command('show <claim>')
    .description('One claim (id or number, e.g. KLM-2026-00001): coverage, entitlement and reasons, payees, documents, next steps')
    .option('--lang <lang>', 'id (default) or en')
    .option('--by <username>', 'look as this account (its area applies)')
    .option('--json', 'print JSON (history included)')
    .action(async (ref: string, opts: { lang?: string; by?: string; json?: boolean }) => {
      const lang = langOf(opts.lang);
      await withDb(async (db) => {
        const c = await acting(db, opts.by, 'claims.read', async (tx) => getClaim(tx, await resolveClaimId(tx, ref)));
        print(Boolean(opts.json), c, () => claimText(c, lang));
      });
    });

  claims
    .command('heir-add <nik>')
    .description('Record an heir of the member with this NIK')
    .requiredOption('--name <name>', 'the heir\'s full name')
    .requiredOption('--relation <relation>', HEIR_RELATIONS.join(' | '))
    .option('--heir-nik <nik>', 'the heir\'s NIK')
    .option('--birth-date <date>', 'YYYY-MM-DD')
    .option('--proof <text>', 'what proves the relation (heir certificate no., KK, marriage book…)')
    .option('--bank <name>', 'bank name, e.g. "Bank NTT"')
    .option('--account <number>', 'account number from the bank book')
    .option('--holder <name>', 'account holder (default: the heir)')
    .option('--by <username>', 'the maker\'s account (default: the command line itself)')
    .option('--json', 'print JSON')
    .action(async (nik: string, opts: { name: string; relation: string; heirNik?: string; birthDate?: string; proof?: string; bank?: string; account?: string; holder?: string; by?: string; json?: boolean }) => {
      await withDb(async (db) => {
        const h = await acting(db, opts.by, 'claims.register', async (tx) => {
          const [p] = await tx.query<{ id: number }>('SELECT id FROM person WHERE nik = $1', [nik.replace(/\s/g, '')]);
          if (!p) throw new CliError(`NIK ${nik} is not in the registry (or outside the account's area).`);
          return addHeir(tx, Number(p.id), { fullName: opts.name, relation: opts.relation, nik: opts.heirNik ?? null, birthDate: opts.birthDate ?? null, proof: opts.proof ?? null, bankName: opts.bank ?? null, bankAccount: opts.account ?? null, accountHolder: opts.holder ?? null }, todayInNtt());
        });
        print(Boolean(opts.json), h, () => `Heir #${h.id} recorded: ${h.fullName} (${isHeirRelation(h.relation) ? RELATION_LABEL[h.relation].en : h.relation})${h.bankAccount ? `, ${h.bankName} ${h.bankAccount}` : ', no account yet'}`);
      });
    });

  claims
    .command('document <claim> <files...>')
    .description(`Upload documents to a claim, each FILE or KIND=FILE (PDF, JPEG or PNG by content; at most ${MAX_DOCUMENT_BYTES / 1024 / 1024} MB each); all or none`)
    .option('--kind <kind>', `the kind of a FILE given without KIND=: ${DOCUMENT_KINDS.join(' | ')}`)
    .option('--by <username>', 'the maker\'s account (default: the command line itself)')
    .option('--json', 'print JSON')
    .action(async (ref: string, files: string[], opts: { kind?: string; by?: string; json?: boolean }) => {
      const uploads = files.map((arg) => {
        const m = /^([a-z_]+)=(.+)$/.exec(arg);
        const kind = m ? m[1]! : opts.kind;
        const file = m ? m[2]! : arg;
        if (!kind) throw new CliError(`Say what ${file} is: --kind KIND or KIND=${file} (${DOCUMENT_KINDS.join(', ')})`);
        if (!fs.existsSync(file)) throw new CliError(`File not found: ${file}`);
        const size = fs.statSync(file).size;
        // Read no more than the limit (plus a byte): a 100 MB scan is refused by its size, not loaded.
        const fd = fs.openSync(file, 'r');
        const content = Buffer.alloc(Math.min(size, MAX_DOCUMENT_BYTES + 1));
        try {
          fs.readSync(fd, content, 0, content.length, 0);
        } finally {
          fs.closeSync(fd);
        }
        return { kind, fileName: path.basename(file), content, sizeBytes: size };
      });
      await withDb(async (db) => {
        const docs = await acting(db, opts.by, 'claims.register', async (tx, party) => {
          const id = await resolveClaimId(tx, ref);
          const out = [];
          for (const u of uploads) out.push(await uploadDocument(tx, id, u, party.label));
          return out;
        });
        print(Boolean(opts.json), docs, () => docs.map((d) => `Document #${d.id} (${DOCUMENT_LABEL[d.kind].en}) stored: ${d.fileName}, ${d.mediaType}, ${d.sizeBytes} bytes, sha256 ${d.sha256}`).join('\n'));
      });
    });

  const step = (action: Extract<ClaimAction, 'complete' | 'submit'>, description: string) =>
    claims
      .command(`${action} <claim>`)
      .description(description)
      .option('--by <username>', 'the maker\'s account (default: the command line itself)')
      .option('--lang <lang>', 'id (default) or en')
      .option('--json', 'print JSON')
      .action(async (ref: string, opts: { by?: string; lang?: string; json?: boolean }) => {
        const lang = langOf(opts.lang);
        await withDb(async (db) => {
          const c = await acting(db, opts.by, 'claims.register', async (tx, party) => claimStep(tx, await resolveClaimId(tx, ref), { action }, party));
          print(Boolean(opts.json), c, () => claimText(c, lang));
        });
      });
  step('complete', 'Declare the file complete (every document there, payees clear); starts the SLA clock');
  step('submit', 'Submit the complete file to BPJS (the maker\'s step)');

  claims
    .command('withdraw <claim>')
    .description('Withdraw a claim not yet submitted')
    .requiredOption('--reason <text>', 'why')
    .option('--by <username>', 'the maker\'s account (default: the command line itself)')
    .option('--json', 'print JSON')
    .action(async (ref: string, opts: { reason: string; by?: string; json?: boolean }) => {
      await withDb(async (db) => {
        const c = await acting(db, opts.by, 'claims.register', async (tx, party) => claimStep(tx, await resolveClaimId(tx, ref), { action: 'withdraw', reason: opts.reason }, party));
        print(Boolean(opts.json), c, () => `${c.claimNo} withdrawn: ${c.withdrawnReason}`);
      });
    });

  claims
    .command('decide <claim>')
    .description('Record the decision on a submitted claim: --approve [--amount N --note TEXT] or --reject --reason TEXT (not by its maker)')
    .requiredOption('--by <username>', 'the checker\'s account (verifier, province officer or BPJS liaison; not who registered or submitted)')
    .option('--approve', 'approve (the payees are fixed from the heirs in legal order, or the member)')
    .option('--reject', 'reject')
    .option('--amount <rupiah>', 'approved amount (default: the entitlement); less needs --note')
    .option('--note <text>', 'why the approved amount is below the entitlement')
    .option('--reason <text>', 'the reason for a rejection (quoted in the decision letter)')
    .option('--lang <lang>', 'id (default) or en')
    .option('--json', 'print JSON')
    .action(async (ref: string, opts: { by: string; approve?: boolean; reject?: boolean; amount?: string; note?: string; reason?: string; lang?: string; json?: boolean }) => {
      if (Boolean(opts.approve) === Boolean(opts.reject)) throw new CliError('Give exactly one of --approve or --reject.');
      if (opts.reject && !opts.reason) throw new CliError('A rejection needs --reason TEXT (the decision letter quotes it).');
      const lang = langOf(opts.lang);
      const amount = num(opts.amount, '--amount', true);
      await withDb(async (db) => {
        const c = await acting(db, opts.by, 'claims.decide', async (tx, party) => claimStep(tx, await resolveClaimId(tx, ref), opts.approve
          ? { action: 'approve', amount, note: opts.note ?? null }
          : { action: 'reject', reason: opts.reason ?? '' }, party));
        if (c.status === 'approved') note(`${c.claimNo} approved: ${formatRupiah(c.approvedAmount ?? 0)} to ${c.payees.length} payee(s)`);
        print(Boolean(opts.json), c, () => claimText(c, lang));
      });
    });
}
