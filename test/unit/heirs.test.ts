import { describe, it, expect } from 'vitest';
import { equalShares, HEIR_RANK, orderHeirs, payeesFor, type Heir, type HeirRelation } from '../../src/domain/heirs.js';

let nextId = 1;
function heir(relation: HeirRelation, fullName: string, extra: Partial<Heir> = {}): Heir {
  const id = nextId++;
  return { id, relation, fullName, bankName: 'Bank NTT', bankAccount: `00100${String(id).padStart(6, '0')}`, accountHolder: fullName, ...extra };
}

const HUSBAND = { sex: 'L' as const, fullName: 'Yohanes Bria', nik: '5301010101800001' };
const WIFE = { sex: 'P' as const, fullName: 'Maria Seran', nik: '5301014101800002' };

const istri = heir('istri', 'Maria Seran');
const anak1 = heir('anak', 'Petrus Bria', { birthDate: '2005-03-01' });
const anak2 = heir('anak', 'Agnes Bria', { birthDate: '2008-11-20' });
const ayah = heir('ayah', 'Dominikus Bria');
const ibu = heir('ibu', 'Theresia Nahak');
const cucu = heir('cucu', 'Kristo Bria');
const kakek = heir('kakek', 'Lukas Bria');
const nenek = heir('nenek', 'Yuliana Bere');
const saudara = heir('saudara', 'Fransiskus Bria');
const ayahMertua = heir('ayah_mertua', 'Stefanus Seran');
const ibuMertua = heir('ibu_mertua', 'Katarina Luruk');
const wasiat = heir('wasiat', 'Paulus Kolo');
const ALL = [wasiat, ibuMertua, ayahMertua, saudara, nenek, kakek, cucu, ibu, ayah, anak2, anak1, istri];

function split(plan: ReturnType<typeof payeesFor>): [string, number][] {
  return plan.payees.map((p) => [p.fullName, p.amount]);
}

describe('legal order of heirs', () => {
  it('ranks: spouse/children 1; parents, grandchildren, grandparents 2; siblings 3; parents-in-law 4; a will 5', () => {
    expect(HEIR_RANK).toMatchObject({ suami: 1, istri: 1, anak: 1, ayah: 2, ibu: 2, cucu: 2, kakek: 2, nenek: 2, saudara: 3, ayah_mertua: 4, ibu_mertua: 4, wasiat: 5 });
    expect(orderHeirs(ALL).map((h) => h.fullName)).toEqual([
      'Maria Seran', 'Petrus Bria', 'Agnes Bria', 'Dominikus Bria', 'Theresia Nahak', 'Kristo Bria', 'Lukas Bria', 'Yuliana Bere',
      'Fransiskus Bria', 'Stefanus Seran', 'Katarina Luruk', 'Paulus Kolo',
    ]);
  });

  it('rank 1 present: spouse and children share Rp42,000,000 equally, the remainder to the spouse', () => {
    const plan = payeesFor(ALL, 42_000_000, HUSBAND);
    expect(plan.ok).toBe(true);
    expect(plan.rank).toBe(1);
    expect(split(plan)).toEqual([['Maria Seran', 14_000_000], ['Petrus Bria', 14_000_000], ['Agnes Bria', 14_000_000]]);
    const notes = plan.problems.map((p) => p.code);
    expect(notes.filter((c) => c === 'lower_rank')).toHaveLength(8);
    expect(notes).toContain('will_set_aside');
    expect(plan.problems.every((p) => !p.blocking)).toBe(true);
    expect(plan.reasons[0]?.id).toContain('golongan 1 (suami/istri, anak) adalah golongan pertama yang ada');
  });

  it('an uneven split: Rp10,000,000 among three → 3,333,334 + 3,333,333 + 3,333,333', () => {
    expect(split(payeesFor([anak2, istri, anak1], 10_000_000, HUSBAND))).toEqual([['Maria Seran', 3_333_334], ['Petrus Bria', 3_333_333], ['Agnes Bria', 3_333_333]]);
    expect(equalShares(100, 7)).toEqual([16, 14, 14, 14, 14, 14, 14]);
  });

  it('children only (spouse missing)', () => {
    expect(split(payeesFor([anak1, anak2, ayah], 42_000_000, HUSBAND))).toEqual([['Petrus Bria', 21_000_000], ['Agnes Bria', 21_000_000]]);
  });

  it('rank 1 missing: parents, grandchildren and grandparents share', () => {
    const plan = payeesFor([saudara, nenek, kakek, cucu, ibu, ayah], 42_000_000, HUSBAND);
    expect(plan.rank).toBe(2);
    expect(split(plan)).toEqual([['Dominikus Bria', 8_400_000], ['Theresia Nahak', 8_400_000], ['Kristo Bria', 8_400_000], ['Lukas Bria', 8_400_000], ['Yuliana Bere', 8_400_000]]);
  });

  it('ranks 1–2 missing: siblings', () => {
    expect(payeesFor([ayahMertua, saudara], 42_000_000, HUSBAND).rank).toBe(3);
    expect(split(payeesFor([ayahMertua, saudara], 42_000_000, HUSBAND))).toEqual([['Fransiskus Bria', 42_000_000]]);
  });

  it('ranks 1–3 missing: parents-in-law', () => {
    expect(split(payeesFor([wasiat, ibuMertua, ayahMertua], 42_000_000, HUSBAND))).toEqual([['Stefanus Seran', 21_000_000], ['Katarina Luruk', 21_000_000]]);
  });

  it('only a will: its beneficiary receives', () => {
    const plan = payeesFor([wasiat], 10_000_000, HUSBAND);
    expect(plan.rank).toBe(5);
    expect(split(plan)).toEqual([['Paulus Kolo', 10_000_000]]);
  });

  it('a deceased heir is skipped and the next rank present receives', () => {
    const deadWife = heir('istri', 'Maria Seran', { deceased: true });
    const plan = payeesFor([deadWife, ibu], 42_000_000, HUSBAND);
    expect(split(plan)).toEqual([['Theresia Nahak', 42_000_000]]);
    expect(plan.problems.find((p) => p.code === 'deceased_skipped')?.message.id).toBe('Maria Seran (istri) telah meninggal dunia dan dilewati.');
  });
});

describe('heirs that do not fit', () => {
  it('no heir at all: blocking, nobody paid', () => {
    const plan = payeesFor([], 42_000_000, HUSBAND);
    expect(plan.ok).toBe(false);
    expect(plan.rank).toBeNull();
    expect(plan.payees).toEqual([]);
    expect(plan.problems[0]?.code).toBe('no_heir');
  });

  it('a receiving heir without a bank account blocks the whole plan', () => {
    const plan = payeesFor([istri, heir('anak', 'Agnes Bria', { bankAccount: null })], 42_000_000, HUSBAND);
    expect(plan.ok).toBe(false);
    expect(plan.payees).toEqual([]);
    expect(plan.problems.find((p) => p.blocking)?.message.id).toBe('Agnes Bria (anak) menerima Rp21.000.000 tetapi belum punya rekening bank tercatat. Catat nama bank dan nomor rekening dari buku tabungan.');
  });

  it('a lower-rank heir without an account does not block', () => {
    expect(payeesFor([istri, heir('ayah', 'Dominikus Bria', { bankAccount: null })], 42_000_000, HUSBAND).ok).toBe(true);
  });

  it('a spouse relation that does not fit the member\'s sex: "suami" of a man', () => {
    const plan = payeesFor([heir('suami', 'Yakobus Seran'), anak1], 42_000_000, HUSBAND);
    expect(plan.ok).toBe(false);
    expect(plan.problems.find((p) => p.code === 'spouse_sex')?.blocking).toBe(true);
  });

  it('a woman\'s husband fits; two husbands do not', () => {
    expect(payeesFor([heir('suami', 'Yohanes Bria')], 42_000_000, WIFE).ok).toBe(true);
    const plan = payeesFor([heir('suami', 'Yohanes Bria'), heir('suami', 'Markus Tae')], 42_000_000, WIFE);
    expect(plan.problems.map((p) => p.code)).toContain('two_husbands');
    expect(plan.ok).toBe(false);
  });

  it('the same NIK twice, or the member\'s own NIK, blocks', () => {
    expect(payeesFor([heir('anak', 'A', { nik: '5301010101050001' }), heir('anak', 'B', { nik: '5301010101050001' })], 1_000, HUSBAND).problems.map((p) => p.code)).toEqual(['duplicate_nik']);
    expect(payeesFor([heir('anak', 'A', { nik: HUSBAND.nik })], 1_000, HUSBAND).problems.map((p) => p.code)).toContain('heir_is_member');
  });

  it('nothing to pay: blocking', () => {
    expect(payeesFor([istri], 0, HUSBAND).problems.map((p) => p.code)).toContain('no_amount');
  });
});
