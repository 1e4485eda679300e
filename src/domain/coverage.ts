/**
 * "Was this person covered on date D, and by which programme and funder?" —
 * the question behind every JKM/JKK claim (domain.md §4: a death or accident
 * is paid only if it happened while the membership was active).
 *
 * Pure: no I/O, no clock. A date is covered by a membership when it lies inside
 * one of the membership's covered periods AND inside its programme's coverage
 * window; the periods are the truth (they already leave out lapsed stretches,
 * see lapse.ts `coveredPeriods`), the state only chooses the wording. Periods
 * of a membership still waiting, a candidate or submitted are ignored: nobody is
 * covered before BPJS accepts the registration.
 *
 * One person covered by two memberships on the same date is a data error (two
 * funders paying for the same month): the answer says so instead of picking
 * one, so a claim is never attributed to the wrong funder silently.
 */
import { addDays, daysBetween, formatDate, isDate, type DatePeriod } from './billing.js';
import type { Message } from './messages.js';

export type MembershipState = 'waiting' | 'candidate' | 'submitted' | 'active' | 'lapsed' | 'ended';

export interface MembershipTimeline {
  programmeCode: string;
  funderName: string;
  state: MembershipState;
  /** Covered periods, both ends inclusive. */
  periods: DatePeriod[];
  /** YYYY-MM-DD, the programme's window (inclusive). */
  coverageStart: string;
  coverageEnd: string;
  /** Why it ended: words, or a Message in both languages (membership-state.ts). */
  endedReason?: string | Message | null;
  /** YYYY-MM-DD the membership ended; after the last covered day when it ended while lapsed. */
  endedOn?: string | null;
}

export interface CoverageMatch {
  programmeCode: string;
  funderName: string;
  /** The covered period containing the date, clipped to the programme's window. */
  period: { from: string; to: string };
}

export type CoverageAnswer =
  | ({ covered: true; conflict: false } & CoverageMatch)
  | { covered: true; conflict: true; matches: CoverageMatch[]; reason: Message }
  | { covered: false; conflict: false; reason: Message };

const PENDING: Partial<Record<MembershipState, Message>> = {
  waiting: { id: 'masih dalam daftar tunggu', en: 'still on the waiting list' },
  candidate: { id: 'masih calon peserta', en: 'still a candidate' },
  submitted: { id: 'sudah diajukan ke BPJS tetapi belum diterima', en: 'submitted to BPJS but not accepted yet' },
};

/** The membership's periods clipped to its window, empty ones dropped, in date order. */
function effectivePeriods(t: MembershipTimeline): { from: string; to: string }[] {
  const clipped: { from: string; to: string }[] = [];
  for (const p of t.periods) {
    if (!isDate(p.from) || (p.to !== null && !isDate(p.to))) throw new RangeError(`malformed period in ${t.programmeCode}: ${JSON.stringify(p)}`);
    const from = p.from > t.coverageStart ? p.from : t.coverageStart;
    const to = p.to === null || p.to > t.coverageEnd ? t.coverageEnd : p.to;
    if (from <= to) clipped.push({ from, to });
  }
  return clipped.sort((a, b) => (a.from < b.from ? -1 : a.from > b.from ? 1 : 0));
}

function who(t: MembershipTimeline): Message {
  return { id: `program ${t.programmeCode} (dana ${t.funderName})`, en: `programme ${t.programmeCode} (funded by ${t.funderName})` };
}

interface Explanation {
  /** Days between the date and what the explanation refers to; smaller is more relevant. */
  distance: number;
  /** Tie-break: a past event (lapse, end) explains better than a future one. */
  order: number;
  reason: Message;
}

function explain(t: MembershipTimeline, date: string): Explanation {
  const d = (lang: 'id' | 'en', x: string): string => formatDate(x, lang);
  const w = who(t);
  const pending = PENDING[t.state];
  if (pending) {
    const inWindow = t.coverageStart <= date && date <= t.coverageEnd;
    return {
      distance: inWindow ? 0 : Math.min(Math.abs(daysBetween(date, t.coverageStart)), Math.abs(daysBetween(date, t.coverageEnd))),
      order: 2,
      reason: {
        id: `Tidak dilindungi pada ${d('id', date)}: pendaftaran di ${w.id} ${pending.id}. Perlindungan baru berlaku setelah BPJS menerima pendaftaran dan menerbitkan KPJ; tanyakan status pengajuan ke dinas.`,
        en: `Not covered on ${d('en', date)}: the registration in ${w.en} is ${pending.en}. Cover starts only once BPJS accepts the registration and issues a KPJ number; ask the labour office about the submission.`,
      },
    };
  }

  const periods = effectivePeriods(t);
  const first = periods[0];
  const last = periods.at(-1);
  if (!first || !last) {
    return {
      distance: Number.POSITIVE_INFINITY,
      order: 4,
      reason: {
        id: `Tidak dilindungi pada ${d('id', date)}: keanggotaan di ${w.id} tidak punya satu hari pun masa perlindungan dalam masa program (${d('id', t.coverageStart)} s.d. ${d('id', t.coverageEnd)}). Periksa tanggal kepesertaan pada data BPJS.`,
        en: `Not covered on ${d('en', date)}: the membership in ${w.en} has no covered day within the programme's window (${d('en', t.coverageStart)} to ${d('en', t.coverageEnd)}). Check the membership dates against the BPJS data.`,
      },
    };
  }

  if (date < first.from) {
    const programmeStart = first.from === t.coverageStart;
    return {
      distance: daysBetween(date, first.from),
      order: 3,
      reason: programmeStart
        ? {
            id: `Tidak dilindungi pada ${d('id', date)}: ${w.id} baru mulai melindungi pada ${d('id', first.from)}. Periksa apakah orang ini terdaftar di program lain sebelum tanggal itu.`,
            en: `Not covered on ${d('en', date)}: ${w.en} only covers from ${d('en', first.from)}. Check whether the person was in another programme before that date.`,
          }
        : {
            id: `Tidak dilindungi pada ${d('id', date)}: perlindungan orang ini di ${w.id} baru mulai pada ${d('id', first.from)}. Periksa apakah orang ini terdaftar di program lain sebelum tanggal itu.`,
            en: `Not covered on ${d('en', date)}: this person's cover under ${w.en} only starts on ${d('en', first.from)}. Check whether the person was in another programme before that date.`,
          },
    };
  }

  if (date > last.to) {
    const since = addDays(last.to, 1);
    const distance = daysBetween(last.to, date);
    if (last.to === t.coverageEnd && date > t.coverageEnd) {
      return {
        distance,
        order: 1,
        reason: {
          id: `Tidak dilindungi pada ${d('id', date)}: masa ${w.id} berakhir pada ${d('id', t.coverageEnd)}. Periksa apakah orang ini didaftarkan di program berikutnya.`,
          en: `Not covered on ${d('en', date)}: ${w.en} ended on ${d('en', t.coverageEnd)}. Check whether the person was enrolled in the next programme.`,
        },
      };
    }
    if (t.state === 'ended') {
      const reason = typeof t.endedReason === 'string' ? { id: t.endedReason, en: t.endedReason } : t.endedReason;
      const why = reason ? { id: ` (${reason.id})`, en: ` (${reason.en})` } : { id: '', en: '' };
      // Ended while lapsed: the days between the last covered day and the end were a lapse.
      if (t.endedOn && t.endedOn >= since && date <= t.endedOn) {
        return {
          distance,
          order: 1,
          reason: {
            id: `Tidak dilindungi pada ${d('id', date)}: keanggotaan di ${w.id} non-aktif sejak ${d('id', since)} (menunggak), lalu berhenti pada ${d('id', t.endedOn)}${why.id}. Kejadian dalam masa non-aktif tidak ditanggung.`,
            en: `Not covered on ${d('en', date)}: the membership in ${w.en} was lapsed (contributions unpaid) from ${d('en', since)} and then ended on ${d('en', t.endedOn)}${why.en}. Events during a lapse are not covered.`,
          },
        };
      }
      return {
        distance,
        order: 1,
        reason: {
          id: `Tidak dilindungi pada ${d('id', date)}: keanggotaan di ${w.id} berakhir; hari terakhir perlindungan ${d('id', last.to)}${why.id}. Periksa alasan berakhirnya pada riwayat keanggotaan.`,
          en: `Not covered on ${d('en', date)}: the membership in ${w.en} ended; the last covered day was ${d('en', last.to)}${why.en}. See the membership history for why it ended.`,
        },
      };
    }
    return {
      distance,
      order: 1,
      reason: {
        id: `Tidak dilindungi pada ${d('id', date)}: keanggotaan di ${w.id} non-aktif sejak ${d('id', since)} (menunggak) karena iuran tidak dibayar. Lunasi semua tunggakan untuk mengaktifkannya kembali; masa non-aktif tetap tidak dilindungi.`,
        en: `Not covered on ${d('en', date)}: the membership in ${w.en} has been lapsed (non-active) since ${d('en', since)} because contributions went unpaid. Pay all arrears to reinstate it; the lapsed period stays uncovered.`,
      },
    };
  }

  // Inside the span of the periods but in none of them: a lapse that was later cured.
  const before = [...periods].reverse().find((p) => p.to < date) ?? first;
  const after = periods.find((p) => p.from > date) ?? last;
  return {
    distance: daysBetween(before.to, date),
    order: 0,
    reason: {
      id: `Tidak dilindungi pada ${d('id', date)}: keanggotaan di ${w.id} non-aktif dari ${d('id', addDays(before.to, 1))} sampai ${d('id', addDays(after.from, -1))} (iuran tertunggak) dan aktif kembali mulai ${d('id', after.from)}. Kejadian dalam masa non-aktif tidak ditanggung.`,
      en: `Not covered on ${d('en', date)}: the membership in ${w.en} was lapsed from ${d('en', addDays(before.to, 1))} to ${d('en', addDays(after.from, -1))} (contributions in arrears) and active again from ${d('en', after.from)}. Events during a lapse are not covered.`,
    },
  };
}

/**
 * Whether `date` (YYYY-MM-DD) is covered by one of the person's memberships.
 * Covered: the programme, funder and covered period. Not covered: the most
 * relevant reason (the membership event nearest the date, preferring a past
 * lapse or end over a future start). Covered twice: a conflict listing both.
 */
export function coveredOn(timelines: readonly MembershipTimeline[], date: string): CoverageAnswer {
  if (!isDate(date)) throw new RangeError(`not a date (YYYY-MM-DD): ${date}`);
  const matches: CoverageMatch[] = [];
  for (const t of timelines) {
    if (PENDING[t.state]) continue;
    const period = effectivePeriods(t).find((p) => p.from <= date && date <= p.to);
    if (period) matches.push({ programmeCode: t.programmeCode, funderName: t.funderName, period });
  }

  const [only] = matches;
  if (only && matches.length === 1) return { covered: true, conflict: false, ...only };
  if (matches.length > 1) {
    const list = { id: matches.map((m) => `${m.programmeCode} (dana ${m.funderName})`).join(' dan '), en: matches.map((m) => `${m.programmeCode} (funded by ${m.funderName})`).join(' and ') };
    return {
      covered: true,
      conflict: true,
      matches,
      reason: {
        id: `Data bertentangan: pada ${formatDate(date, 'id')} orang ini tercatat dilindungi oleh lebih dari satu program: ${list.id}. Hanya satu program yang boleh membayar iuran untuk bulan yang sama; akhiri salah satu keanggotaan sehari sebelum yang lain mulai, lalu periksa kembali klaimnya.`,
        en: `Conflicting data: on ${formatDate(date, 'en')} this person is recorded as covered by more than one programme: ${list.en}. Only one programme may pay for the same month; end one membership the day before the other starts, then check the claim again.`,
      },
    };
  }

  const [head, ...rest] = timelines;
  if (!head) {
    return {
      covered: false,
      conflict: false,
      reason: {
        id: `Tidak dilindungi pada ${formatDate(date, 'id')}: orang ini bukan peserta program mana pun. Periksa NIK-nya, atau ajukan orang ini lewat usulan desa bila memenuhi syarat.`,
        en: `Not covered on ${formatDate(date, 'en')}: this person is not a member of any programme. Check the NIK, or propose the person through the village if they are eligible.`,
      },
    };
  }
  let best = explain(head, date);
  for (const t of rest) {
    const e = explain(t, date);
    if (e.distance < best.distance || (e.distance === best.distance && e.order < best.order)) best = e;
  }
  return { covered: false, conflict: false, reason: best.reason };
}
