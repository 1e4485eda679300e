/**
 * `lindung members end|reopen` and `lindung enrollment lapse|replace`: ending memberships, lapse
 * processing and replacement from the waiting list. Attached to the `members` and `enrollment`
 * groups that enrollment-commands.ts creates (register after it).
 */
import type { Command } from 'commander';
import { asSystem } from '../db/scope.js';
import { formatRupiah } from '../domain/money.js';
import { ENDED_REASONS, ENDED_REASON_LABEL, STATE_LABEL } from '../domain/membership-state.js';
import { getProgramme } from '../features/programmes/programmes.js';
import { checkRunDate, processLapses } from '../features/enrollment/lapse-run.js';
import { endMembership, reopenMembership } from '../features/enrollment/membership-end.js';
import { defaultStart, replaceFreedPlaces } from '../features/enrollment/replacement.js';
import { todayInNtt } from '../clock.js';
import { CliError, print, withDb } from './common.js';

const n = (v: number) => v.toLocaleString('id-ID');

function group(program: Command, name: string, description: string): Command {
  return program.commands.find((c) => c.name() === name) ?? program.command(name).description(description);
}

function date(v: string | undefined, name: string, fallback: string): string {
  if (v === undefined) return fallback;
  if (!/^\d{4}-\d{2}-\d{2}$/.test(v)) throw new CliError(`${name} must be YYYY-MM-DD`);
  return v;
}

export function registerMemberCommands(program: Command): void {
  const members = group(program, 'members', 'Memberships');
  members
    .command('end <nik>')
    .description('End a membership: state ended, cover closed on that date, the place freed for the waiting list')
    .requiredOption('--reason <reason>', `why: ${ENDED_REASONS.join(' | ')}`)
    .requiredOption('--on <date>', 'YYYY-MM-DD, the day of death, moving, … (the last covered day)')
    .option('--note <text>', 'a note kept with the membership (letter, certificate number)')
    .option('--programme <code>', 'the programme, when the person has several memberships')
    .option('--json', 'print JSON')
    .action(async (nik: string, opts: { reason: string; on: string; note?: string; programme?: string; json?: boolean }) => {
      const today = todayInNtt();
      const on = date(opts.on, '--on', today);
      await withDb(async (db) => {
        const r = await asSystem(db, 'cli', (tx) => endMembership(tx, { nik, programme: opts.programme }, { reason: opts.reason, on, note: opts.note ?? null }, today));
        print(Boolean(opts.json), r, () =>
          `${r.fullName} (${r.nik}): ${r.programme} ended on ${r.endedOn} (${ENDED_REASON_LABEL[r.reason].en}); was ${STATE_LABEL[r.previousState].en}; last covered day ${r.lastCoveredDay ?? '—'}`);
      });
    });
  members
    .command('reopen <nik>')
    .description('Reopen an ended membership (an administrator correcting a mistake); its cover and lapses are worked out again')
    .requiredOption('--reason <text>', 'why it is reopened (kept in the history)')
    .option('--programme <code>', 'the programme, when the person has several ended memberships')
    .option('--json', 'print JSON')
    .action(async (nik: string, opts: { reason: string; programme?: string; json?: boolean }) => {
      await withDb(async (db) => {
        const r = await asSystem(db, 'cli', (tx) => reopenMembership(tx, { nik, programme: opts.programme }, opts.reason, todayInNtt()));
        print(Boolean(opts.json), r, () => [
          `${r.fullName} (${r.nik}): ${r.programme} reopened, now ${STATE_LABEL[r.state].id} / ${STATE_LABEL[r.state].en}`,
          ...(r.replacedBy ? [`Note: the freed place went to ${r.replacedBy.fullName} (membership #${r.replacedBy.membershipId}); the regency is now over its quota by one.`] : []),
        ].join('\n'));
      });
    });

  const enrollment = group(program, 'enrollment', 'Submissions to BPJS Ketenagakerjaan and their answers');
  enrollment
    .command('lapse')
    .description('Lapse processing: memberships with the rule\'s consecutive unpaid months become non-active; paid-up ones are reinstated')
    .requiredOption('--programme <code>', 'programme code')
    .option('--on <date>', 'YYYY-MM-DD (default: today in NTT)')
    .option('--json', 'print JSON')
    .action(async (opts: { programme: string; on?: string; json?: boolean }) => {
      const today = todayInNtt();
      const on = date(opts.on, '--on', today);
      checkRunDate(on, today);
      await withDb(async (db) => {
        const r = await asSystem(db, 'cli', async (tx) => processLapses(tx, await getProgramme(tx, opts.programme), on));
        print(Boolean(opts.json), r, () => [
          `${r.programme} on ${r.on}: ${n(r.lapsed)} lapsed (non-aktif), ${n(r.reinstated)} reinstated; ${n(r.lapsedNow)} lapsed now`,
          ...r.unpaidMonths.map((u) => `  unpaid ${u.month} (bill #${u.billId}, due ${u.dueDate}): paid ${formatRupiah(u.paid)} of ${formatRupiah(u.amount)}`),
        ].join('\n'));
      });
    });
  enrollment
    .command('replace')
    .description('Fill freed places from the waiting list, per regency within its quota; the people taken become candidates')
    .requiredOption('--programme <code>', 'programme code')
    .option('--area <code>', 'one regency, e.g. 53.08 (default: every regency)')
    .option('--start <date>', 'YYYY-MM-DD, the replacements\' own coverage start (default: today, not before the programme)')
    .option('--json', 'print JSON')
    .action(async (opts: { programme: string; area?: string; start?: string; json?: boolean }) => {
      if (opts.area !== undefined && !/^\d{2}\.\d{2}$/.test(opts.area)) throw new CliError('--area must be a regency code such as 53.08');
      await withDb(async (db) => {
        const r = await asSystem(db, 'cli', async (tx) => {
          const p = await getProgramme(tx, opts.programme);
          return replaceFreedPlaces(tx, p, opts.area ?? null, date(opts.start, '--start', defaultStart(p, todayInNtt())), 'cli');
        });
        print(Boolean(opts.json), r, () => [
          `${r.programme}: ${n(r.replacements.length)} people taken from the waiting list, cover from ${r.startOn}`,
          ...r.regencies.map((g) => `  ${g.regencyCode} ${g.regencyName}: quota ${n(g.quota)}, holding ${n(g.held)}, free ${n(g.free)}, filled ${n(g.filled)}, still waiting ${n(g.waiting)}`),
          ...r.replacements.map((x) => `  ${x.fullName} (${x.nik}) ${x.replaces ? `replaces ${x.replaces.fullName} (${x.replaces.nik}, ended ${x.replaces.endedOn ?? '—'}${x.replaces.reason ? `, ${x.replaces.reason}` : ''})` : 'takes a place never filled'}`),
        ].join('\n'));
      });
    });
}
