import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import Papa from 'papaparse';
import { describe, it, expect, beforeAll } from 'vitest';
import {
  LIKELY_SCORE,
  SAME_SCORE,
  blockingKeys,
  canonicalWord,
  comparePeople,
  jaroWinkler,
  normaliseName,
  preparePerson,
  scorePeople,
  type MatchPerson,
  type MatchResult,
  type MatchRule,
} from '../../src/domain/fuzzy-match.js';
import { generateDedupTestset, type DedupPair } from '../../src/features/intake/dedup-testset.js';
import type { DemoVillage } from '../../src/features/demo/generate.js';

// -------------------------------------------------------------------------------------------------
// Hand-made people. NIK = PP RR CC DD(+40 for women) MM YY SSSS.

/** Yohanes Tefa, man, born 15 March 1985, NIK first issued in kecamatan 53.02.01 (Timor Tengah Selatan). */
const YOHANES: MatchPerson = {
  nik: '5302011503850001',
  name: 'Yohanes Tefa',
  birthDate: '1985-03-15',
  sex: 'L',
  villageCode: '53.02.01.2001',
};
/** Maria Goreti Nenobais, woman, born 21 July 1980 (day 21 + 40 = 61 in the NIK). */
const MARIA: MatchPerson = {
  nik: '5302016107800001',
  name: 'Maria Goreti Nenobais',
  birthDate: '1980-07-21',
  sex: 'P',
  villageCode: '53.02.01.2003',
};

const rules = (r: MatchResult): MatchRule[] => r.evidence.map((e) => e.rule);
const has = (r: MatchResult, rule: MatchRule): boolean => rules(r).includes(rule);
const weightOf = (r: MatchResult, rule: MatchRule): number => r.evidence.find((e) => e.rule === rule)?.weight ?? NaN;

describe('name normalisation', () => {
  it('ignores case, spacing, punctuation, degrees and honorifics', () => {
    expect(normaliseName('  YOHANES   TEFA, S.Pd ')).toBe('yohanes tefa');
    expect(normaliseName('Bapak Yohanes Tefa')).toBe('yohanes tefa');
    expect(normaliseName('Yohanes Tefa, S.Pd., M.Pd')).toBe('yohanes tefa');
    expect(normaliseName("Fransiskus Ja'o")).toBe('fransiskus jao');
    expect(normaliseName('Sitti Hawa Laukaling')).toBe('sitti hawa laukaling');
    // 'Surname, Given' is a name, not a degree.
    expect(normaliseName('Tefa, Yohanes')).toBe('tefa yohanes');
  });

  it('keeps Sumba titles (part of the name) and joins Portuguese particles', () => {
    expect(normaliseName('Umbu Ndapa Hina')).toBe('umbu ndapa hina');
    expect(normaliseName('Rambu Kahi Ranggi')).toBe('rambu kahi ranggi');
    expect(normaliseName('Maria da Costa')).toBe('maria dacosta');
    expect(normaliseName('Petrus dos Santos')).toBe('petrus dossantos');
  });

  it('gives old and new spellings and Latin/Dutch variants one canonical form', () => {
    const same = (a: string, b: string) => expect(canonicalWord(a.toLowerCase())).toBe(canonicalWord(b.toLowerCase()));
    same('Christina', 'Kristina');
    same('Fransiscus', 'Fransiskus');
    same('Djami', 'Jami');
    same('Oematan', 'Umatan');
    same('Messakh', 'Mesakh');
    same('Johanes', 'Yohanes');
    same('Fatimah', 'Fatima');
    same('Philipus', 'Filipus');
    expect(canonicalWord('yohanes')).not.toBe(canonicalWord('yohana'));
  });

  it('computes standard Jaro–Winkler', () => {
    expect(jaroWinkler('martha', 'marhta')).toBeCloseTo(0.9611, 4);
    expect(jaroWinkler('dwayne', 'duane')).toBeCloseTo(0.84, 4);
    expect(jaroWinkler('dixon', 'dicksonx')).toBeCloseTo(0.8133, 4);
    expect(jaroWinkler('', 'abc')).toBe(0);
    expect(jaroWinkler('tefa', 'tefa')).toBe(1);
  });
});

describe('NIK signal', () => {
  const withNik = (nik: string | null): MatchPerson => ({ ...YOHANES, nik });

  it('recognises an identical NIK, also written with spaces or a leading apostrophe', () => {
    expect(has(comparePeople(YOHANES, withNik("'5302 0115 0385 0001")), 'nik_exact')).toBe(true);
  });

  it('recognises two neighbouring digits swapped', () => {
    const r = comparePeople(YOHANES, withNik('5302011530850001'));
    expect(has(r, 'nik_transposed')).toBe(true);
    expect(r.evidence.find((e) => e.rule === 'nik_transposed')!.message.id).toContain('angka ke-9 dan ke-10');
  });

  it('recognises one digit changed, lost or added', () => {
    expect(has(comparePeople(YOHANES, withNik('5302011503850007')), 'nik_one_digit')).toBe(true);
    expect(has(comparePeople(YOHANES, withNik('530201150385001')), 'nik_one_digit')).toBe(true);
    expect(has(comparePeople(YOHANES, withNik('53020115038500011')), 'nik_one_digit')).toBe(true);
  });

  it('recognises Excel damage: last digit(s) turned to 0', () => {
    const yohanes = { ...YOHANES, nik: '5302011503850017' };
    const one = comparePeople(yohanes, { ...yohanes, nik: '5302011503850010' });
    expect(has(one, 'nik_excel_zeros')).toBe(true);
    const two = comparePeople(yohanes, { ...yohanes, nik: '5302011503850000' });
    expect(has(two, 'nik_excel_zeros')).toBe(true);
    expect(weightOf(one, 'nik_excel_zeros')).toBeGreaterThan(weightOf(two, 'nik_excel_zeros'));
  });

  it('recognises Excel scientific notation with the same leading digits, cut or rounded', () => {
    // 5302011503850001 → 5.30201E+15 (cut) and, with the 7th digit ≥ 5, rounded up.
    expect(has(comparePeople(YOHANES, withNik('5.30201E+15')), 'nik_scientific')).toBe(true);
    expect(has(comparePeople(YOHANES, withNik('5,30201150385E+15')), 'nik_scientific')).toBe(true);
    expect(has(comparePeople(MARIA, { ...MARIA, nik: '5.30202E+15' }), 'nik_scientific')).toBe(true);
    const longer = comparePeople(YOHANES, withNik('5.30201150385E+15'));
    const shorter = comparePeople(YOHANES, withNik('5.30201E+15'));
    expect(weightOf(longer, 'nik_scientific')).toBeGreaterThan(weightOf(shorter, 'nik_scientific'));
    // Digits that do not agree are no evidence at all.
    expect(weightOf(comparePeople(YOHANES, withNik('5.31101E+15')), 'nik_missing')).toBe(0);
  });

  it('recognises the same area and date with another serial, and two wrong digits', () => {
    expect(has(comparePeople(YOHANES, withNik('5302011503850013')), 'nik_same_region_date')).toBe(true);
    expect(has(comparePeople(YOHANES, withNik('5302071503850004')), 'nik_two_digits')).toBe(true);
  });

  it('counts an unrelated NIK against, and a missing NIK as nothing', () => {
    expect(weightOf(comparePeople(YOHANES, withNik('5371042208920003')), 'nik_different')).toBeLessThan(0);
    expect(weightOf(comparePeople(YOHANES, withNik(null)), 'nik_missing')).toBe(0);
    expect(weightOf(comparePeople(YOHANES, withNik('')), 'nik_missing')).toBe(0);
  });

  it('does not count as a typo a difference each record explains by itself', () => {
    // Two men called Yohanes Tefa, born 15 and 16 March 1985 in the same kecamatan: serial 0001 each,
    // so the NIKs differ in one digit — but each NIK carries its own birth date.
    const other = { ...YOHANES, nik: '5302011603850001', birthDate: '1985-03-16', villageCode: '53.02.01.2005' };
    const r = comparePeople(YOHANES, other);
    expect(has(r, 'nik_explained')).toBe(true);
    expect(has(r, 'nik_one_digit')).toBe(false);
    expect(has(r, 'birth_date_differs')).toBe(true);
    expect(r.decision).toBe('different');
    // Born the same day in neighbouring kecamatan (NIK issued where each lives).
    const elsewhere = { ...YOHANES, nik: '5302021503850001', villageCode: '53.02.02.2001' };
    expect(has(comparePeople(YOHANES, elsewhere), 'nik_explained')).toBe(true);
  });
});

describe('name signal', () => {
  const withName = (name: string): MatchPerson => ({ ...YOHANES, name });

  it('accepts case, spacing, degrees and word order', () => {
    expect(has(comparePeople(YOHANES, withName('YOHANES  TEFA')), 'name_exact')).toBe(true);
    expect(has(comparePeople(YOHANES, withName('Tefa Yohanes')), 'name_exact')).toBe(true);
    expect(has(comparePeople(YOHANES, withName('TEFA, Yohanes')), 'name_exact')).toBe(true);
    expect(has(comparePeople(YOHANES, withName('Yohanes Tefa, S.Pd')), 'name_exact')).toBe(true);
  });

  it('accepts typing slips and spelling variants', () => {
    expect(has(comparePeople(YOHANES, withName('Yohanis Tefa')), 'name_typo')).toBe(true);
    expect(has(comparePeople(YOHANES, withName('Yohnes Tefa')), 'name_typo')).toBe(true);
    expect(has(comparePeople(YOHANES, withName('Yohanes Teffa')), 'name_exact')).toBe(true); // double letters
    expect(has(comparePeople(YOHANES, withName('Yohanes Tfea')), 'name_typo')).toBe(true);
    const kristina = { ...MARIA, name: 'Kristina Nenobais' };
    expect(has(comparePeople(kristina, { ...kristina, name: 'Christina Nenobais' }), 'name_exact')).toBe(true);
  });

  it('accepts a dropped second given name or an initial', () => {
    const r = comparePeople(MARIA, { ...MARIA, name: 'Maria Nenobais' });
    expect(has(r, 'name_subset')).toBe(true);
    expect(r.evidence.find((e) => e.rule === 'name_subset')!.message.id).toContain('goreti');
    expect(has(comparePeople(MARIA, { ...MARIA, name: 'Maria G. Nenobais' }), 'name_typo')).toBe(true);
  });

  it('treats a Sumba title written on one side only as neutral', () => {
    const umbu: MatchPerson = { ...YOHANES, name: 'Umbu Ndapa Hina', villageCode: '53.11.02.2001', nik: '5311021503850001' };
    expect(has(comparePeople(umbu, { ...umbu, name: 'Ndapa Hina' }), 'name_exact')).toBe(true);
    // … but the personal name after the title must agree.
    expect(has(comparePeople(umbu, { ...umbu, name: 'Umbu Lende Hina' }), 'name_conflict')).toBe(true);
  });

  it('separates siblings and twins: other given name, same family name', () => {
    expect(has(comparePeople(YOHANES, withName('Yosef Tefa')), 'name_conflict')).toBe(true);
    expect(has(comparePeople(YOHANES, withName('Petrus Tefa')), 'name_conflict')).toBe(true);
    // Sisters sharing the first baptismal name.
    expect(has(comparePeople(MARIA, { ...MARIA, name: 'Maria Yasinta Nenobais' }), 'name_conflict')).toBe(true);
  });

  it('separates father and son: Jr', () => {
    const r = comparePeople(YOHANES, withName('Yohanes Tefa Jr.'));
    expect(has(r, 'name_generation')).toBe(true);
    expect(weightOf(r, 'name_generation')).toBeLessThan(0);
  });
});

describe('birth date, sex and area signals', () => {
  it('birth date: equal, day and month swapped, one digit, far apart', () => {
    const a = { ...YOHANES, birthDate: '1985-03-05', nik: '5302010503850001' };
    expect(has(comparePeople(a, { ...a }), 'birth_date_equal')).toBe(true);
    expect(has(comparePeople(a, { ...a, birthDate: '1985-05-03' }), 'birth_date_swapped')).toBe(true);
    expect(has(comparePeople(a, { ...a, birthDate: '1986-03-05', nik: null }), 'birth_date_typo')).toBe(true);
    // The other record's NIK still carries the first record's date: the stated date is the slip.
    expect(has(comparePeople(a, { ...a, birthDate: '1986-03-05' }), 'birth_date_nik')).toBe(true);
    const far = comparePeople(a, { ...a, birthDate: '1989-08-21', nik: null });
    expect(has(far, 'birth_date_differs')).toBe(true);
    expect(weightOf(far, 'birth_date_differs')).toBeLessThan(-5);
  });

  it('birth date: the date encoded in the NIK stands in for a missing one', () => {
    const noDate = { ...YOHANES, birthDate: null, nik: '5302011503850007' };
    expect(has(comparePeople(YOHANES, noDate), 'birth_date_nik')).toBe(true);
    // Women: day + 40 in the NIK.
    expect(has(comparePeople(MARIA, { ...MARIA, birthDate: null }), 'birth_date_nik')).toBe(true);
    const wrong = { ...YOHANES, birthDate: null, nik: '5302012209910001' };
    expect(has(comparePeople(YOHANES, wrong), 'birth_date_nik_differs')).toBe(true);
  });

  it('sex: a stated difference weighs heavily; one read from a mistyped NIK only a little', () => {
    const r = comparePeople(YOHANES, { ...YOHANES, sex: 'P', nik: '5302015503850001' });
    expect(weightOf(r, 'sex_differs')).toBeLessThanOrEqual(-8);
    // Sex missing, and a typo turned the day 15 into 55 (women's +40).
    const s = comparePeople(YOHANES, { ...YOHANES, sex: null, nik: '5302015503850001' });
    expect(has(s, 'sex_nik_differs')).toBe(true);
    expect(weightOf(s, 'sex_nik_differs')).toBeGreaterThan(-8);
  });

  it('area: same village, same kecamatan, same regency, another regency', () => {
    expect(has(comparePeople(YOHANES, { ...YOHANES }), 'area_same_village')).toBe(true);
    expect(has(comparePeople(YOHANES, { ...YOHANES, villageCode: '53.02.01.2009' }), 'area_same_district')).toBe(true);
    expect(has(comparePeople(YOHANES, { ...YOHANES, villageCode: '53.02.14.2002' }), 'area_same_regency')).toBe(true);
    expect(has(comparePeople(YOHANES, { ...YOHANES, villageCode: '53.71.04.1003' }), 'area_other_regency')).toBe(true);
    expect(rules(comparePeople(YOHANES, { ...YOHANES, villageCode: null })).some((r) => r.startsWith('area_'))).toBe(false);
  });
});

describe('decisions on hand-made cases', () => {
  it("'same': transposed NIK digits, name in capitals", () => {
    const r = comparePeople(YOHANES, { ...YOHANES, nik: '5302011530850001', name: 'YOHANES TEFA' });
    expect(r.decision).toBe('same');
    expect(r.score).toBeGreaterThanOrEqual(SAME_SCORE);
  });

  it("'same': Excel turned the last digit into 0, spelling variant of the name", () => {
    const yohanes = { ...YOHANES, nik: '5302011503850003' };
    const r = comparePeople(yohanes, { ...yohanes, nik: '5302011503850000', name: 'Yohanis Tefa' });
    expect(r.decision).toBe('same');
  });

  it("'likely': NIK lost to scientific notation, second name left out", () => {
    const r = comparePeople(MARIA, { ...MARIA, nik: '5.30202E+15', name: 'Maria Nenobais' });
    expect(r.decision).toBe('likely');
    expect(r.score).toBeGreaterThanOrEqual(LIKELY_SCORE);
    expect(r.score).toBeLessThan(SAME_SCORE);
  });

  it("'likely': no NIK, old spelling of the name, same birth date and village", () => {
    const r = comparePeople(YOHANES, { ...YOHANES, nik: null, name: 'Johanes Tefa' });
    expect(r.decision).toBe('likely');
  });

  it("'likely', not 'same': NIK one digit off in the serial (as twins' are), name spelt differently", () => {
    const a = { ...YOHANES, birthDate: '1985-03-05', nik: '5302010503850001' };
    const r = comparePeople(a, { ...a, birthDate: '1985-05-03', nik: '5302010503850004', name: 'Yohanis Tefa' });
    expect(r.decision).toBe('likely');
  });

  it("'different': twins (same birth date and village, NIK serials one apart, other given names)", () => {
    const twin = { ...YOHANES, nik: '5302011503850002', name: 'Paulus Tefa' };
    expect(comparePeople({ ...YOHANES, name: 'Petrus Tefa' }, twin).decision).toBe('different');
    // Twin sisters whose names are close: never merged automatically.
    const martha = { ...MARIA, name: 'Martha Nenobais', nik: '5302016107800002' };
    expect(comparePeople({ ...MARIA, name: 'Maria Nenobais' }, martha).decision).not.toBe('same');
  });

  it("'different': siblings on the same KK, three years apart", () => {
    const sibling = { ...YOHANES, name: 'Yosef Tefa', birthDate: '1988-06-02', nik: '5302010206880001' };
    expect(comparePeople(YOHANES, sibling).decision).toBe('different');
  });

  it("'different': father and son with the same name", () => {
    const son = { ...YOHANES, name: 'Yohanes Tefa Jr', birthDate: '2007-01-09', nik: '5302010901070001' };
    expect(comparePeople(YOHANES, son).decision).toBe('different');
    expect(comparePeople(YOHANES, { ...son, name: 'Yohanes Tefa' }).decision).toBe('different');
  });

  it("'different': the same common name and birth year in another village", () => {
    const namesake = { ...YOHANES, birthDate: '1985-11-02', nik: '5302140211850001', villageCode: '53.02.14.2004' };
    expect(comparePeople(YOHANES, namesake).decision).toBe('different');
  });

  it("never 'same' when the recorded sex differs", () => {
    const r = comparePeople(YOHANES, { ...YOHANES, sex: 'P' });
    expect(r.decision).not.toBe('same');
  });

  it('writes every piece of evidence in Indonesian and English, strongest first', () => {
    const r = comparePeople(MARIA, { ...MARIA, nik: '5.30202E+15', name: 'MARIA NENOBAIS', villageCode: null, birthDate: '1980-07-12' });
    for (const e of r.evidence) {
      expect(e.message.id.length).toBeGreaterThan(10);
      expect(e.message.en.length).toBeGreaterThan(10);
      expect(e.message.id).not.toBe(e.message.en);
    }
    const weights = r.evidence.map((e) => Math.abs(e.weight));
    expect(weights).toEqual([...weights].sort((x, y) => y - x));
  });

  it('gives the same answer from prepared records and from scorePeople', () => {
    const b = { ...YOHANES, nik: '5302011530850001', name: 'YOHANES TEFA' };
    const full = comparePeople(YOHANES, b);
    expect(comparePeople(preparePerson(YOHANES), preparePerson(b))).toEqual(full);
    expect(scorePeople(YOHANES, b)).toEqual({ score: full.score, decision: full.decision });
  });
});

describe('precision on namesakes', () => {
  // Born the same day in kecamatan 53.02.01: serials are handed out in turn, so a newcomer's NIK is
  // one digit away from a neighbour's.
  const registered: MatchPerson = { nik: '5302011503850001', name: 'Yohanes Pellokila', birthDate: '1985-03-15', sex: 'L', villageCode: '53.02.01.2001' };

  it('neighbours one serial apart whose names agree only in part are different people, unless the village, KK or phone agrees', () => {
    const newcomer = { ...registered, nik: '5302011503850002', name: 'Yohanes Laka Pellokila', villageCode: '53.02.01.2016' };
    const r = comparePeople(registered, newcomer);
    expect(has(r, 'nik_one_digit')).toBe(true);
    expect(has(r, 'name_subset')).toBe(true);
    expect(r.score).toBeGreaterThanOrEqual(LIKELY_SCORE);
    expect(r.decision).toBe('different');
    expect(r.needsKkOrPhone).toBe(true);
    // The same village, or a shared KK, is the one more agreement that makes it worth a look.
    expect(comparePeople(registered, { ...newcomer, villageCode: registered.villageCode }).decision).toBe('likely');
    const kk = '5302010101100007';
    const sameKk = comparePeople({ ...registered, kk }, { ...newcomer, kk });
    expect(sameKk.decision).toBe('likely');
    expect(sameKk.needsKkOrPhone).toBeUndefined();
    expect(weightOf(sameKk, 'kk_equal')).toBe(0);
  });

  it("neighbours one serial apart with the full name stay flagged; 'same' only when the names agree exactly", () => {
    const typo = comparePeople(registered, { ...registered, nik: '5302011503850002', name: 'Yohanes Pelokila', villageCode: '53.02.01.2016' });
    expect(has(typo, 'name_typo') || has(typo, 'name_exact')).toBe(true);
    expect(typo.decision).not.toBe('different');
    const slip = comparePeople(registered, { ...registered, nik: '5302011503850002', name: 'Yohanis Pellokila' });
    expect(slip.decision).toBe('likely');
    expect(comparePeople(registered, { ...registered, nik: '5302011503850002' }).decision).toBe('same');
  });

  it('namesakes in another kecamatan, each NIK agreeing with its own, need the same KK or phone number', () => {
    const elsewhere = { ...registered, name: 'Yohanes Pellokila', nik: '5302041503850001', villageCode: '53.02.04.2017' };
    const r = comparePeople(registered, elsewhere);
    expect(has(r, 'nik_explained')).toBe(true);
    expect(has(r, 'name_exact')).toBe(true);
    expect(r.score).toBeGreaterThanOrEqual(LIKELY_SCORE);
    expect(r).toMatchObject({ decision: 'different', needsKkOrPhone: true });
    // One phone written two ways: the same number.
    const phone = comparePeople({ ...registered, phone: '081234567890' }, { ...elsewhere, phone: '+62 812-3456-7890' });
    expect(phone.decision).toBe('likely');
    expect(has(phone, 'phone_equal')).toBe(true);
    expect(phone.evidence.find((e) => e.rule === 'phone_equal')!.message.id).toContain('081234567890');
    // Other phone numbers are no agreement.
    expect(comparePeople({ ...registered, phone: '081234567890' }, { ...elsewhere, phone: '081299998888' }).decision).toBe('different');
  });

  it('namesakes whose NIKs differ in two digits of the area code only are held back the same way', () => {
    const r = comparePeople(
      { nik: '5311180506610001', name: 'Umbu Dadi Ngguli', birthDate: '1961-06-05', sex: 'L', villageCode: '53.11.18.2005' },
      { nik: '5312110506610001', name: 'Umbu Dadi Ngguli', birthDate: '1961-06-05', sex: 'L', villageCode: '53.18.02.2004' },
    );
    expect(has(r, 'nik_two_digits')).toBe(true);
    expect(r).toMatchObject({ decision: 'different', needsKkOrPhone: true });
  });

  it('a duplicate who moved, with a mistyped NIK, is still flagged', () => {
    const moved = { ...registered, nik: '5302011530850001', villageCode: '53.71.04.1003' };
    expect(comparePeople(registered, moved).decision).not.toBe('different');
    // Without an NIK: the whole name, the birth date and the sex are enough to ask a verifier.
    expect(comparePeople(registered, { ...moved, nik: null, villageCode: '53.02.14.2002' }).decision).toBe('likely');
  });
});

describe('blocking keys', () => {
  const shares = (a: MatchPerson, b: MatchPerson): boolean => {
    const ka = new Set(blockingKeys(a));
    return blockingKeys(b).some((k) => ka.has(k));
  };

  it('keep duplicates together through typical damage', () => {
    expect(shares(YOHANES, { ...YOHANES, nik: '5.30201E+15', name: 'Tefa Yohanis' })).toBe(true);
    const early = { ...YOHANES, birthDate: '1985-03-05', nik: '5302010503850001' };
    expect(shares(early, { ...early, nik: null, birthDate: '1985-05-03', name: 'Johanes Tefa' })).toBe(true);
    expect(shares(YOHANES, { ...YOHANES, nik: '9302011503850001', name: 'Yohanes Tfea', birthDate: null })).toBe(true);
    expect(shares(MARIA, { ...MARIA, nik: null, birthDate: '1980-07-12', name: 'Maria Nenobais', villageCode: '53.02.01.2008' })).toBe(true);
    expect(shares(MARIA, { ...MARIA, nik: null, birthDate: null })).toBe(true);
  });

  it('keep unrelated people apart', () => {
    const other: MatchPerson = { nik: '5371042208920003', name: 'Siti Aminah', birthDate: '1992-08-22', sex: 'P', villageCode: '53.71.04.1003' };
    expect(shares(YOHANES, other)).toBe(false);
    expect(shares(YOHANES, MARIA)).toBe(false);
  });
});

// -------------------------------------------------------------------------------------------------
// Evaluation on the generated, labelled set. The weights were tuned on seeds 1 and 3; the asserted
// evaluation uses a seed never looked at while tuning, and the tuning seed is reported beside it.

const TODAY = '2025-10-01';
const TUNING_SEED = 1;
const HELD_OUT_SEED = 20251001;
const PAIRS = 6000;

function nttVillages(): DemoVillage[] {
  const require = createRequire(import.meta.url);
  const file = path.join(path.dirname(require.resolve('idn-area-data/package.json')), 'data', 'villages.csv');
  const lines = fs.readFileSync(file, 'utf8').split('\n').filter((l) => l.startsWith('53.'));
  const rows = Papa.parse<string[]>(lines.join('\n'), { skipEmptyLines: true }).data;
  return rows.map(([code, districtCode, name]) => ({
    code: code!,
    districtCode: districtCode!,
    regencyCode: districtCode!.slice(0, 5),
    name: name!,
  }));
}

interface Quality {
  seed: number;
  pairs: number;
  duplicates: number;
  flagged: { precision: number; recall: number; fp: number; fn: number };
  same: { precision: number; recall: number; fp: number };
  blocked: number;
  falsePositivesByKind: Record<string, number>;
  usPerPair: number;
}

function measure(seed: number, pairs: DedupPair[]): Quality {
  let tp = 0;
  let fp = 0;
  let sameTp = 0;
  let sameFp = 0;
  let duplicates = 0;
  let blocked = 0;
  const falsePositivesByKind: Record<string, number> = {};
  for (const p of pairs) {
    const r = comparePeople(p.a, p.b);
    const isDuplicate = p.label === 'same';
    const flagged = r.decision !== 'different';
    if (isDuplicate) {
      duplicates++;
      const keys = new Set(blockingKeys(p.a));
      if (blockingKeys(p.b).some((k) => keys.has(k))) blocked++;
    }
    if (flagged && isDuplicate) tp++;
    if (flagged && !isDuplicate) {
      fp++;
      falsePositivesByKind[p.kind] = (falsePositivesByKind[p.kind] ?? 0) + 1;
    }
    if (r.decision === 'same') {
      if (isDuplicate) sameTp++;
      else sameFp++;
    }
  }
  // Scoring time on prepared records (how intake scores candidate pairs).
  const prepared = pairs.map((p) => [preparePerson(p.a), preparePerson(p.b)] as const);
  const rounds = 5;
  const t0 = performance.now();
  for (let i = 0; i < rounds; i++) for (const [a, b] of prepared) scorePeople(a, b);
  const usPerPair = ((performance.now() - t0) * 1000) / (rounds * prepared.length);
  return {
    seed,
    pairs: pairs.length,
    duplicates,
    flagged: { precision: tp / (tp + fp), recall: tp / duplicates, fp, fn: duplicates - tp },
    same: { precision: sameTp / (sameTp + sameFp), recall: sameTp / duplicates, fp: sameFp },
    blocked: blocked / duplicates,
    falsePositivesByKind,
    usPerPair,
  };
}

function report(label: string, q: Quality): void {
  const f = (x: number) => x.toFixed(4);
  console.log(
    `[fuzzy-match] ${label} seed ${q.seed}: ${q.pairs} pairs (${q.duplicates} duplicates)\n` +
      `  flagged (same|likely): precision ${f(q.flagged.precision)}, recall ${f(q.flagged.recall)} (FP ${q.flagged.fp}, FN ${q.flagged.fn})\n` +
      `  'same' alone:          precision ${f(q.same.precision)}, recall ${f(q.same.recall)} (FP ${q.same.fp})\n` +
      `  duplicates sharing a blocking key: ${f(q.blocked)}\n` +
      `  false positives by kind: ${JSON.stringify(q.falsePositivesByKind)}\n` +
      `  scoring time: ${q.usPerPair.toFixed(2)} µs per pair (prepared records, no messages)`,
  );
}

describe('quality on the generated labelled set', () => {
  let villages: DemoVillage[];
  beforeAll(() => {
    villages = nttVillages();
  });

  it('is deterministic and labelled', () => {
    const input = { seed: 7, pairs: 300, today: TODAY, villages };
    const one = generateDedupTestset(input);
    const two = generateDedupTestset(input);
    expect(two).toEqual(one);
    expect(one.pairs).toHaveLength(300);
    expect(one.counts.duplicate).toBe(150);
    for (const kind of ['twin', 'sibling', 'father_son', 'namesake_year']) expect(one.counts[kind]).toBeGreaterThan(0);
    expect(generateDedupTestset({ ...input, seed: 8 }).pairs).not.toEqual(one.pairs);
  });

  it('scores symmetrically', () => {
    const { pairs } = generateDedupTestset({ seed: 11, pairs: 1000, today: TODAY, villages });
    for (const p of pairs) expect(scorePeople(p.b, p.a)).toEqual(scorePeople(p.a, p.b));
  });

  it(`held-out seed: precision ≥ 0.99 and recall ≥ 0.95 of flagged pairs; ≥ 99% of duplicates share a block`, () => {
    const { pairs, counts } = generateDedupTestset({ seed: HELD_OUT_SEED, pairs: PAIRS, today: TODAY, villages });
    expect(pairs.length).toBeGreaterThanOrEqual(5000);
    expect(counts.duplicate).toBe(PAIRS / 2);
    const q = measure(HELD_OUT_SEED, pairs);
    report('held-out', q);
    expect(q.flagged.precision).toBeGreaterThanOrEqual(0.99);
    expect(q.flagged.recall).toBeGreaterThanOrEqual(0.95);
    expect(q.same.precision).toBeGreaterThanOrEqual(0.99);
    expect(q.blocked).toBeGreaterThanOrEqual(0.99);
  });

  it('tuning seed (reported for comparison)', () => {
    const { pairs } = generateDedupTestset({ seed: TUNING_SEED, pairs: PAIRS, today: TODAY, villages });
    const q = measure(TUNING_SEED, pairs);
    report('tuning', q);
    expect(q.flagged.precision).toBeGreaterThanOrEqual(0.99);
    expect(q.flagged.recall).toBeGreaterThanOrEqual(0.95);
    expect(q.blocked).toBeGreaterThanOrEqual(0.99);
  });
});
