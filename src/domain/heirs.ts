/**
 * Heirs (ahli waris) in the legal order of priority (domain.md §4) and who receives a death benefit.
 *
 * Pure: heirs and the member come in, payees and problems go out. The first rank with a living heir
 * receives everything; lower ranks receive nothing. Within the rank, equal shares in whole rupiah,
 * the remainder (at most n−1 rupiah) to the first in order — spouse, then children oldest first,
 * then the relation order of the rank (ayah, ibu, cucu, kakek, nenek; ayah_mertua, ibu_mertua).
 *
 * Problems are `blocking` when paying as recorded would pay the wrong person or nobody (no heir, a
 * receiving heir without an account, a spouse relation that cannot fit the member's sex, two
 * husbands, the same NIK twice); the others only inform (a deceased heir skipped, a will set aside
 * by a legal heir, lower ranks that receive nothing).
 */
import type { Message } from './messages.js';
import { formatRupiah } from './money.js';

export const HEIR_RELATIONS = ['suami', 'istri', 'anak', 'ayah', 'ibu', 'cucu', 'kakek', 'nenek', 'saudara', 'ayah_mertua', 'ibu_mertua', 'wasiat'] as const;
export type HeirRelation = (typeof HEIR_RELATIONS)[number];
export type HeirRank = 1 | 2 | 3 | 4 | 5;

export function isHeirRelation(value: unknown): value is HeirRelation {
  return typeof value === 'string' && (HEIR_RELATIONS as readonly string[]).includes(value);
}

/** (1) spouse or children; (2) parents, grandchildren, grandparents; (3) siblings; (4) parents-in-law; (5) a will. */
export const HEIR_RANK: Record<HeirRelation, HeirRank> = {
  suami: 1, istri: 1, anak: 1,
  ayah: 2, ibu: 2, cucu: 2, kakek: 2, nenek: 2,
  saudara: 3,
  ayah_mertua: 4, ibu_mertua: 4,
  wasiat: 5,
};

export const RELATION_LABEL: Record<HeirRelation, Message> = {
  suami: { id: 'suami', en: 'husband' },
  istri: { id: 'istri', en: 'wife' },
  anak: { id: 'anak', en: 'child' },
  ayah: { id: 'ayah', en: 'father' },
  ibu: { id: 'ibu', en: 'mother' },
  cucu: { id: 'cucu', en: 'grandchild' },
  kakek: { id: 'kakek', en: 'grandfather' },
  nenek: { id: 'nenek', en: 'grandmother' },
  saudara: { id: 'saudara kandung', en: 'sibling' },
  ayah_mertua: { id: 'ayah mertua', en: 'father-in-law' },
  ibu_mertua: { id: 'ibu mertua', en: 'mother-in-law' },
  wasiat: { id: 'penerima wasiat', en: 'beneficiary of a will' },
};

export const RANK_LABEL: Record<HeirRank, Message> = {
  1: { id: 'golongan 1 (suami/istri, anak)', en: 'rank 1 (spouse, children)' },
  2: { id: 'golongan 2 (orang tua, cucu, kakek/nenek)', en: 'rank 2 (parents, grandchildren, grandparents)' },
  3: { id: 'golongan 3 (saudara kandung)', en: 'rank 3 (siblings)' },
  4: { id: 'golongan 4 (mertua)', en: 'rank 4 (parents-in-law)' },
  5: { id: 'golongan 5 (penerima wasiat)', en: 'rank 5 (beneficiary of a will)' },
};

const ORDER_IN_RANK: Record<HeirRelation, number> = {
  istri: 0, suami: 0, anak: 1,
  ayah: 0, ibu: 1, cucu: 2, kakek: 3, nenek: 4,
  saudara: 0,
  ayah_mertua: 0, ibu_mertua: 1,
  wasiat: 0,
};

export interface Heir {
  id: number;
  fullName: string;
  relation: HeirRelation;
  nik?: string | null;
  birthDate?: string | null;
  bankName?: string | null;
  bankAccount?: string | null;
  accountHolder?: string | null;
  deceased?: boolean;
}

export interface HeirMember {
  sex: 'L' | 'P';
  fullName?: string;
  nik?: string;
}

export interface Payee {
  heirId: number;
  fullName: string;
  relation: HeirRelation;
  rank: HeirRank;
  amount: number;
  bankName: string;
  bankAccount: string;
  accountHolder: string;
}

export interface HeirProblem {
  code: 'no_heir' | 'no_amount' | 'heir_no_account' | 'spouse_sex' | 'two_husbands' | 'duplicate_nik' | 'heir_is_member' | 'deceased_skipped' | 'will_set_aside' | 'lower_rank';
  heirId: number | null;
  blocking: boolean;
  message: Message;
}

export interface PayeePlan {
  /** The rank that receives; null when nobody can. */
  rank: HeirRank | null;
  payees: Payee[];
  problems: HeirProblem[];
  /** No blocking problem: the payees can be fixed on the claim. */
  ok: boolean;
  /** The reasoning in order, for the claim screen and the decision letter. */
  reasons: Message[];
}

function birthKey(h: Heir): string {
  return h.birthDate ?? '9999-12-31';
}

/** Heirs in the legal order: rank, then the order inside the rank, older first, then id. */
export function orderHeirs<H extends Heir>(heirs: readonly H[]): H[] {
  return [...heirs].sort((a, b) =>
    HEIR_RANK[a.relation] - HEIR_RANK[b.relation]
    || ORDER_IN_RANK[a.relation] - ORDER_IN_RANK[b.relation]
    || (birthKey(a) < birthKey(b) ? -1 : birthKey(a) > birthKey(b) ? 1 : 0)
    || a.id - b.id,
  );
}

function who(h: Heir): Message {
  return { id: `${h.fullName} (${RELATION_LABEL[h.relation].id})`, en: `${h.fullName} (${RELATION_LABEL[h.relation].en})` };
}

/** Whole rupiah, equal; the remainder to the first. */
export function equalShares(amount: number, n: number): number[] {
  if (!Number.isSafeInteger(amount) || amount < 0) throw new RangeError(`not whole rupiah: ${amount}`);
  if (!Number.isSafeInteger(n) || n <= 0) throw new RangeError(`not a count: ${n}`);
  const base = Math.floor(amount / n);
  const shares = Array.from({ length: n }, () => base);
  shares[0] = amount - base * (n - 1);
  return shares;
}

/** Who receives `amount` of a death benefit, in which shares and accounts, and what stands in the way. */
export function payeesFor(heirs: readonly Heir[], amount: number, member: HeirMember): PayeePlan {
  const problems: HeirProblem[] = [];
  const reasons: Message[] = [];
  const add = (p: HeirProblem): void => {
    problems.push(p);
  };

  const wrongSpouse: HeirRelation = member.sex === 'L' ? 'suami' : 'istri';
  const spouseWord = member.sex === 'L' ? { id: 'laki-laki', en: 'a man' } : { id: 'perempuan', en: 'a woman' };
  const seenNik = new Map<string, Heir>();
  const living: Heir[] = [];
  for (const h of orderHeirs(heirs)) {
    if (h.deceased) {
      add({ code: 'deceased_skipped', heirId: h.id, blocking: false, message: { id: `${who(h).id} telah meninggal dunia dan dilewati.`, en: `${who(h).en} has died and is skipped.` } });
      continue;
    }
    if (h.relation === wrongSpouse) {
      add({
        code: 'spouse_sex', heirId: h.id, blocking: true,
        message: {
          id: `${who(h).id}: peserta adalah ${spouseWord.id}, jadi pasangannya tercatat sebagai ${member.sex === 'L' ? 'istri' : 'suami'}. Perbaiki hubungan ahli waris ini (atau jenis kelamin peserta).`,
          en: `${who(h).en}: the member is ${spouseWord.en}, so the spouse is recorded as ${member.sex === 'L' ? 'wife (istri)' : 'husband (suami)'}. Correct this heir's relation (or the member's sex).`,
        },
      });
      continue;
    }
    if (h.nik && member.nik && h.nik === member.nik) {
      add({ code: 'heir_is_member', heirId: h.id, blocking: true, message: { id: `${who(h).id} memakai NIK peserta sendiri (${h.nik}). Perbaiki NIK ahli waris.`, en: `${who(h).en} has the member's own NIK (${h.nik}). Correct the heir's NIK.` } });
      continue;
    }
    if (h.nik) {
      const first = seenNik.get(h.nik);
      if (first) {
        add({ code: 'duplicate_nik', heirId: h.id, blocking: true, message: { id: `${who(h).id} dan ${who(first).id} memakai NIK yang sama (${h.nik}). Satu orang hanya boleh dicatat sekali.`, en: `${who(h).en} and ${who(first).en} have the same NIK (${h.nik}). A person may be recorded only once.` } });
        continue;
      }
      seenNik.set(h.nik, h);
    }
    living.push(h);
  }

  const husbands = living.filter((h) => h.relation === 'suami');
  if (husbands.length > 1) {
    add({ code: 'two_husbands', heirId: husbands[1]?.id ?? null, blocking: true, message: { id: `Tercatat ${husbands.length} suami: ${husbands.map((h) => h.fullName).join(', ')}. Hapus yang bukan suami sah menurut buku nikah.`, en: `${husbands.length} husbands are recorded: ${husbands.map((h) => h.fullName).join(', ')}. Remove those who are not the lawful husband per the marriage book.` } });
  }

  const firstLiving = living[0];
  if (!firstLiving) {
    add({ code: 'no_heir', heirId: null, blocking: true, message: { id: 'Belum ada ahli waris yang dapat menerima. Catat ahli waris sesuai surat keterangan ahli waris (suami/istri, anak; orang tua, cucu, kakek/nenek; saudara kandung; mertua; atau penerima wasiat).', en: 'No heir who can receive is recorded. Record the heirs from the heir certificate (spouse, children; parents, grandchildren, grandparents; siblings; parents-in-law; or a will).' } });
    return { rank: null, payees: [], problems, ok: false, reasons: problems.map((p) => p.message) };
  }
  const rank = HEIR_RANK[firstLiving.relation];
  const receiving = living.filter((h) => HEIR_RANK[h.relation] === rank);
  reasons.push({
    id: `Urutan ahli waris: ${RANK_LABEL[rank].id} adalah golongan pertama yang ada, dan menerima seluruhnya; ${receiving.length} orang dengan bagian sama.`,
    en: `Order of heirs: ${RANK_LABEL[rank].en} is the first rank present and receives everything; ${receiving.length} person(s) in equal shares.`,
  });

  for (const h of living) {
    if (HEIR_RANK[h.relation] === rank) continue;
    if (h.relation === 'wasiat') {
      add({ code: 'will_set_aside', heirId: h.id, blocking: false, message: { id: `${who(h).id}: wasiat hanya berlaku bila tidak ada ahli waris golongan 1–4; di sini ada ${RANK_LABEL[rank].id}, jadi penerima wasiat tidak menerima santunan.`, en: `${who(h).en}: a will applies only when no heir of ranks 1–4 exists; here there is ${RANK_LABEL[rank].en}, so the will's beneficiary receives nothing.` } });
    } else {
      add({ code: 'lower_rank', heirId: h.id, blocking: false, message: { id: `${who(h).id} termasuk ${RANK_LABEL[HEIR_RANK[h.relation]].id} dan tidak menerima karena ada ${RANK_LABEL[rank].id}.`, en: `${who(h).en} is in ${RANK_LABEL[HEIR_RANK[h.relation]].en} and receives nothing because there is ${RANK_LABEL[rank].en}.` } });
    }
  }

  if (!Number.isSafeInteger(amount) || amount <= 0) {
    add({ code: 'no_amount', heirId: null, blocking: true, message: { id: `Tidak ada jumlah yang dibayarkan (${formatRupiah(Math.max(0, Math.trunc(amount) || 0), 'id')}).`, en: `There is no amount to pay (${formatRupiah(Math.max(0, Math.trunc(amount) || 0), 'en')}).` } });
    return { rank, payees: [], problems, ok: false, reasons: [...reasons, ...problems.map((p) => p.message)] };
  }

  const shares = equalShares(amount, receiving.length);
  const payees: Payee[] = [];
  receiving.forEach((h, i) => {
    const share = shares[i] ?? 0;
    if (!h.bankAccount || !h.bankName) {
      add({ code: 'heir_no_account', heirId: h.id, blocking: true, message: { id: `${who(h).id} menerima ${formatRupiah(share, 'id')} tetapi belum punya rekening bank tercatat. Catat nama bank dan nomor rekening dari buku tabungan.`, en: `${who(h).en} receives ${formatRupiah(share, 'en')} but has no bank account recorded. Record the bank name and account number from the bank book.` } });
      return;
    }
    payees.push({ heirId: h.id, fullName: h.fullName, relation: h.relation, rank, amount: share, bankName: h.bankName, bankAccount: h.bankAccount, accountHolder: h.accountHolder ?? h.fullName });
    reasons.push({ id: `${who(h).id}: ${formatRupiah(share, 'id')} ke rekening ${h.bankName} ${h.bankAccount}.`, en: `${who(h).en}: ${formatRupiah(share, 'en')} to account ${h.bankName} ${h.bankAccount}.` });
  });
  if (receiving.length > 1 && (shares[0] ?? 0) !== (shares[1] ?? 0)) {
    reasons.push({ id: `Sisa pembagian ${formatRupiah((shares[0] ?? 0) - (shares[1] ?? 0), 'id')} diberikan kepada ${receiving[0]?.fullName}, yang pertama dalam urutan.`, en: `The remainder of ${formatRupiah((shares[0] ?? 0) - (shares[1] ?? 0), 'en')} goes to ${receiving[0]?.fullName}, the first in order.` });
  }
  const ok = !problems.some((p) => p.blocking);
  return { rank, payees: ok ? payees : [], problems, ok, reasons: [...reasons, ...problems.map((p) => p.message)] };
}
