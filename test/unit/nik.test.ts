import { describe, it, expect } from 'vitest';
import {
  checkKk,
  checkNik,
  decodeKk,
  decodeNik,
  issueText,
  KK_ISSUE_CODES,
  maskAccount,
  maskNik,
  NIK_ISSUE_CODES,
  type AreaCodes,
  type KkCheck,
  type NikCheck,
  type NikCheckContext,
  type NikIssueCode,
  type NikPerson,
} from '../../src/domain/nik.js';

const NTT_REGENCIES = Array.from({ length: 21 }, (_, i) => `53.${String(i + 1).padStart(2, '0')}`);
const AREAS: AreaCodes = {
  provinces: new Set(['52', '53']),
  regencies: new Set([...NTT_REGENCIES, '53.71', '52.01']),
};
const TODAY = '2025-06-15';

/** Builds a 16-digit NIK/KK from its parts; defaults give a valid man born 15 March 1985 in 53.01.02. */
function build(parts: { pp?: string; rr?: string; cc?: string; dd?: string; mm?: string; yy?: string; ss?: string } = {}): string {
  const { pp = '53', rr = '01', cc = '02', dd = '15', mm = '03', yy = '85', ss = '0001' } = parts;
  return `${pp}${rr}${cc}${dd}${mm}${yy}${ss}`;
}

function nik(input: unknown, person?: NikPerson, today = TODAY): NikCheck {
  const ctx: NikCheckContext = { areas: AREAS, today, ...(person ? { person } : {}) };
  return checkNik(input, ctx);
}

function kk(input: unknown, villageCode?: string, today = TODAY): KkCheck {
  return checkKk(input, { areas: AREAS, today, ...(villageCode ? { person: { villageCode } } : {}) });
}

function codes(result: { issues: { code: string }[] }): string[] {
  return result.issues.map((i) => i.code);
}

const VALID_MAN = build(); // 5301021503850001
const VALID_WOMAN = build({ dd: '55', ss: '0002' }); // 15 March 1985, +40

describe('decodeNik', () => {
  it('splits a man’s NIK into region codes with dots, birth date, sex and serial', () => {
    expect(decodeNik(VALID_MAN, TODAY)).toEqual({
      provinceCode: '53',
      regencyCode: '53.01',
      districtCode: '53.01.02',
      kota: false,
      birthDate: '1985-03-15',
      sex: 'L',
      serial: '0001',
    });
  });

  it('reads day + 40 as a woman born on day - 40', () => {
    const d = decodeNik(VALID_WOMAN, TODAY);
    expect(d?.sex).toBe('P');
    expect(d?.birthDate).toBe('1985-03-15');
  });

  it.each([
    ['41 is the 1st for a woman', '41', '1985-03-01', 'P'],
    ['71 is the 31st for a woman', '71', '1985-03-31', 'P'],
    ['01 is the 1st for a man', '01', '1985-03-01', 'L'],
    ['31 is the 31st for a man', '31', '1985-03-31', 'L'],
  ])('day boundaries: %s', (_name, dd, birthDate, sex) => {
    const d = decodeNik(build({ dd }), TODAY);
    expect(d?.birthDate).toBe(birthDate);
    expect(d?.sex).toBe(sex);
  });

  it('marks regency codes >= 71 as kota (53.71 Kota Kupang)', () => {
    expect(decodeNik(build({ rr: '71' }), TODAY)?.kota).toBe(true);
    expect(decodeNik(build({ rr: '70' }), TODAY)?.kota).toBe(false);
  });

  it.each([
    ['25', '2025-03-15', 'the current two-digit year stays in this century'],
    ['26', '1926-03-15', 'a year after the current one goes back a century'],
    ['00', '2000-03-15', '00 is 2000'],
    ['99', '1999-03-15', '99 is 1999'],
  ])('resolves year %s to %s (%s) with today 2025-06-15', (yy, birthDate) => {
    expect(decodeNik(build({ yy }), TODAY)?.birthDate).toBe(birthDate);
  });

  it('resolves the century relative to the today passed in, not the real clock', () => {
    expect(decodeNik(build({ yy: '05' }), '2004-12-31')?.birthDate).toBe('1905-03-15');
    expect(decodeNik(build({ yy: '05' }), '2005-01-01')?.birthDate).toBe('2005-03-15');
  });

  it('handles leap years: 29 Feb 2000 and 2024 exist, 2023 and 1900 do not', () => {
    expect(decodeNik(build({ dd: '29', mm: '02', yy: '00' }), TODAY)?.birthDate).toBe('2000-02-29');
    expect(decodeNik(build({ dd: '69', mm: '02', yy: '00' }), TODAY)?.birthDate).toBe('2000-02-29');
    expect(decodeNik(build({ dd: '29', mm: '02', yy: '24' }), TODAY)?.birthDate).toBe('2024-02-29');
    expect(decodeNik(build({ dd: '29', mm: '02', yy: '23' }), TODAY)?.birthDate).toBeNull();
    // With today in 1999, '00' can only be 1900, which was not a leap year.
    expect(decodeNik(build({ dd: '29', mm: '02', yy: '00' }), '1999-12-31')?.birthDate).toBeNull();
  });

  it('returns null for anything that is not exactly 16 ASCII digits', () => {
    expect(decodeNik('', TODAY)).toBeNull();
    expect(decodeNik('530102150385000', TODAY)).toBeNull();
    expect(decodeNik('5301 0215 0385 0001', TODAY)).toBeNull();
    expect(decodeNik('53010215038500O1', TODAY)).toBeNull();
  });

  it('rejects a malformed today loudly (programming error)', () => {
    expect(() => decodeNik(VALID_MAN, '15-06-2025')).toThrow(RangeError);
    expect(() => decodeNik(VALID_MAN, '2025-02-30')).toThrow(RangeError);
    expect(() => checkNik(VALID_MAN, { areas: AREAS, today: '' })).toThrow(RangeError);
  });
});

describe('checkNik: valid NIKs', () => {
  it.each([
    ['a man in Kabupaten Kupang', VALID_MAN],
    ['a woman (day + 40)', VALID_WOMAN],
    ['Kota Kupang (53.71)', build({ rr: '71' })],
    ['Malaka (53.21), the newest NTT regency', build({ rr: '21' })],
    ['NTB (52.01)', build({ pp: '52', rr: '01' })],
    ['born 29 Feb 2000', build({ dd: '29', mm: '02', yy: '00' })],
    ['born today', build({ dd: '15', mm: '06', yy: '25' })],
    ['serial 9999', build({ ss: '9999' })],
  ])('accepts %s without any issue', (_name, value) => {
    const r = nik(value);
    expect(r.ok).toBe(true);
    expect(r.issues).toEqual([]);
    expect(r.nik).toBe(value);
    expect(r.decoded).not.toBeNull();
  });
});

describe('checkNik: normalising what people type', () => {
  it.each([
    ['groups of four with spaces', '5301 0215 0385 0001'],
    ['surrounding whitespace and a newline', '  5301021503850001\n'],
    ['a non-breaking space and tabs', '5301\u00a00215\t0385 0001'],
    ['dots', '5301.0215.0385.0001'],
    ['dashes', '5301-0215-0385-0001'],
    ['the Excel text apostrophe', "'5301021503850001"],
    ['a typographic apostrophe', '\u20195301021503850001'],
    ['a bigint', 5301021503850001n],
  ])('accepts %s and returns the plain 16 digits', (_name, input) => {
    const r = nik(input);
    expect(r.ok).toBe(true);
    expect(r.nik).toBe(VALID_MAN);
  });

  it('counts digits after removing separators when the length is wrong', () => {
    const r = nik('5301 0215 0385 000');
    expect(codes(r)).toEqual(['nik_length']);
    expect(r.issues[0]?.message.id).toContain('yang tertulis 15 angka');
    expect(r.nik).toBeNull();
  });

  it('never repairs a letter that looks like a digit', () => {
    const r = nik('53010215038500O1');
    expect(r.ok).toBe(false);
    expect(r.nik).toBeNull();
    expect(codes(r)).toEqual(['nik_not_digits']);
    expect(r.issues[0]?.message.id).toContain('"O"');
    expect(r.issues[0]?.message.id).toContain('huruf O');
  });

  it('lists other characters without the look-alike hint', () => {
    const r = nik('5301/0215/0385/0001');
    expect(codes(r)).toEqual(['nik_not_digits']);
    expect(r.issues[0]?.message.en).toContain('"/"');
    expect(r.issues[0]?.message.en).not.toContain('letter O');
  });
});

describe('checkNik: structural errors', () => {
  it.each<[string, unknown, NikIssueCode]>([
    ['empty string', '', 'nik_empty'],
    ['only spaces', '   ', 'nik_empty'],
    ['only the Excel apostrophe', "'", 'nik_empty'],
    ['null', null, 'nik_empty'],
    ['undefined', undefined, 'nik_empty'],
    ['an object', { nik: VALID_MAN }, 'nik_not_digits'],
    ['a boolean', true, 'nik_not_digits'],
    ['a fractional number', 5.5, 'nik_not_digits'],
    ['a negative number', -5301021503850001, 'nik_not_digits'],
    ['NaN', Number.NaN, 'nik_not_digits'],
    ['letters', 'ABCDEFGHIJKLMNOP', 'nik_not_digits'],
    ['15 digits', '530102150385001', 'nik_length'],
    ['17 digits', '53010215038500011', 'nik_length'],
    ['a 15-digit number', 530102150385001, 'nik_length'],
    ['Excel scientific with a dot', '5.30101E+15', 'nik_excel_scientific'],
    ['Excel scientific with an Indonesian decimal comma', '5,30101E+15', 'nik_excel_scientific'],
    ['lower-case e without plus', '5.30101e15', 'nik_excel_scientific'],
    ['scientific with surrounding spaces', ' 5.30101E+15 ', 'nik_excel_scientific'],
    ['a 16-digit number ending in 0 (Excel replaced the 16th digit)', 5301021503850000, 'nik_excel_precision_lost'],
    ['a number above 2^53 (Papua, province 91)', Number('9101021503850001'), 'nik_excel_precision_lost'],
    ['a huge number', 1e20, 'nik_excel_precision_lost'],
  ])('%s -> %s', (_name, input, code) => {
    const r = nik(input);
    expect(codes(r)).toEqual([code]);
    expect(r.ok).toBe(false);
    expect(r.nik).toBeNull();
    expect(r.decoded).toBeNull();
  });

  it('says how many digits were given', () => {
    expect(nik('530102150385001').issues[0]?.message.id).toBe(
      'NIK harus 16 angka; yang tertulis 15 angka. Mungkin ada angka yang terlewat. Periksa kembali NIK pada KTP.',
    );
    expect(nik('53010215038500011').issues[0]?.message.en).toContain('17 digits were entered');
  });

  it('a 16-digit NTT NIK still fits exactly in a JS number, so its digits are kept', () => {
    // Below 2^53 every integer is exact; digits are lost only above 2^53 or by Excel's 15-digit limit.
    expect(Number.isSafeInteger(5301021503850001)).toBe(true);
    const r = nik(5301021503850001);
    expect(r.ok).toBe(true);
    expect(r.nik).toBe(VALID_MAN);
    // 5301012345670001 (month 45) is exact too; it fails on its date, not on precision.
    expect(codes(nik(5301012345670001))).toEqual(['nik_impossible_date']);
  });

  it('explains that Excel keeps only 15 digits', () => {
    const r = nik(5301021503850000);
    expect(r.issues[0]?.message.id).toContain('15 angka');
    expect(r.issues[0]?.message.en).toContain('15 digits');
    expect(r.issues[0]?.message.id).toContain('Teks');
  });

  it.each<[string, string, NikIssueCode]>([
    ['unknown province 99', build({ pp: '99' }), 'nik_unknown_province'],
    ['province 00', build({ pp: '00' }), 'nik_unknown_province'],
    ['unknown regency 53.99', build({ rr: '99' }), 'nik_unknown_regency'],
    ['regency 00', build({ rr: '00' }), 'nik_unknown_regency'],
    ['regency 52.02, not in the list', build({ pp: '52', rr: '02' }), 'nik_unknown_regency'],
    ['kota 53.72, not in the list', build({ rr: '72' }), 'nik_unknown_regency'],
    ['serial 0000', build({ ss: '0000' }), 'nik_serial_zero'],
  ])('%s -> %s', (_name, value, code) => {
    const r = nik(value);
    expect(codes(r)).toEqual([code]);
    expect(r.ok).toBe(false);
    expect(r.nik).toBe(value); // still readable as 16 digits, so it is returned and decoded
    expect(r.decoded).not.toBeNull();
  });

  it('shows the offending region code, not the NIK', () => {
    expect(nik(build({ pp: '99' })).issues[0]?.message.id).toContain('Kode provinsi 99');
    expect(nik(build({ rr: '99' })).issues[0]?.message.en).toContain('53.99');
    expect(nik(build({ rr: '00' })).issues[0]?.message.id).toContain('tidak boleh 00');
  });

  it.each([
    ['day 00', { dd: '00' }, 'tanggal 00'],
    ['day 32', { dd: '32' }, 'angka tanggal 32'],
    ['day 40', { dd: '40' }, 'angka tanggal 40'],
    ['day 72 (woman 32)', { dd: '72' }, 'angka tanggal 72'],
    ['day 99', { dd: '99' }, 'angka tanggal 99'],
    ['month 00', { mm: '00' }, 'bulan 00'],
    ['month 13', { mm: '13' }, 'bulan 13'],
    ['31 February', { dd: '31', mm: '02' }, '31 Februari 1985 tidak ada'],
    ['30 February for a woman', { dd: '70', mm: '02' }, 'angka tanggal 70 dikurangi 40'],
    ['31 April', { dd: '31', mm: '04' }, '31 April 1985'],
    ['29 Feb 2023', { dd: '29', mm: '02', yy: '23' }, '2023 bukan tahun kabisat'],
  ])('impossible birth date: %s', (_name, parts, fragment) => {
    const r = nik(build(parts));
    expect(codes(r)).toEqual(['nik_impossible_date']);
    expect(r.ok).toBe(false);
    expect(r.decoded?.birthDate).toBeNull();
    expect(r.issues[0]?.message.id).toContain(fragment);
  });

  it('reports a bad day and a bad month together', () => {
    const r = nik(build({ dd: '00', mm: '13' }));
    expect(codes(r)).toEqual(['nik_impossible_date']);
    expect(r.issues[0]?.message.en).toContain('day 00');
    expect(r.issues[0]?.message.en).toContain('month 13');
  });

  it('29 Feb 1900 is impossible when the century resolves to 1900', () => {
    const r = nik(build({ dd: '29', mm: '02', yy: '00' }), undefined, '1999-12-31');
    expect(codes(r)).toEqual(['nik_impossible_date']);
    expect(r.issues[0]?.message.en).toContain('1900 is not a leap year');
  });

  it('a birth date later this year is in the future', () => {
    const r = nik(build({ dd: '16', mm: '06', yy: '25' }));
    expect(codes(r)).toEqual(['nik_future_birth']);
    expect(r.ok).toBe(false);
    expect(r.issues[0]?.message.id).toContain('16 Juni 2025');
  });

  it('reports every independent error at once', () => {
    const r = nik(build({ rr: '99', mm: '13', ss: '0000' }));
    expect(codes(r)).toEqual(['nik_unknown_regency', 'nik_impossible_date', 'nik_serial_zero']);
  });
});

describe('checkNik: warnings against the person’s data', () => {
  it('warns when the NIK comes from another regency, naming the split', () => {
    const belu = build({ rr: '04' });
    const r = nik(belu, { villageCode: '53.21.01.2001' }); // village in Malaka
    expect(codes(r)).toEqual(['nik_other_regency']);
    expect(r.ok).toBe(true);
    expect(r.issues[0]?.severity).toBe('warning');
    expect(r.issues[0]?.message.id).toContain('pemekaran');
    expect(r.issues[0]?.message.id).toContain('Malaka dimekarkan dari Belu');
    expect(r.issues[0]?.message.en).toContain('Malaka was split from Belu');
  });

  it.each([
    ['Sabu Raijua from Kupang', '01', '53.20.01.2001', 'Sabu Raijua'],
    ['Nagekeo from Ngada', '09', '53.16.01.2001', 'Nagekeo'],
    ['Manggarai Timur from Manggarai', '10', '53.19.01.2001', 'Manggarai Timur'],
    ['Sumba Tengah from Sumba Barat', '12', '53.17.01.2001', 'Sumba Tengah'],
    ['Sumba Barat Daya from Sumba Barat', '12', '53.18.01.2001', 'Sumba Barat Daya'],
  ])('names the split %s', (_name, rr, villageCode, child) => {
    const r = nik(build({ rr }), { villageCode });
    expect(codes(r)).toEqual(['nik_other_regency']);
    expect(r.issues[0]?.message.id).toContain(`${child} dimekarkan dari`);
  });

  it('warns without a split note for unrelated regencies (moved from Kota Kupang to Ende)', () => {
    const r = nik(build({ rr: '71' }), { villageCode: '53.08.01.2001' });
    expect(codes(r)).toEqual(['nik_other_regency']);
    expect(r.issues[0]?.message.id).not.toContain('dimekarkan');
  });

  it('does not warn when the village is in the NIK’s regency, or no village is given', () => {
    expect(nik(VALID_MAN, { villageCode: '53.01.02.2001' }).issues).toEqual([]);
    expect(nik(VALID_MAN, { villageCode: '53.01.05.2003' }).issues).toEqual([]);
    expect(nik(VALID_MAN, { villageCode: null }).issues).toEqual([]);
    expect(nik(VALID_MAN, {}).issues).toEqual([]);
    expect(nik(VALID_MAN).issues).toEqual([]);
  });

  it('ignores a village code it cannot read', () => {
    expect(nik(VALID_MAN, { villageCode: 'Desa Oelnasi' }).issues).toEqual([]);
  });

  it('warns about another province instead of another regency', () => {
    const r = nik(build({ pp: '52', rr: '01' }), { villageCode: '53.01.02.2001' });
    expect(codes(r)).toEqual(['nik_other_province']);
    expect(r.ok).toBe(true);
    expect(r.issues[0]?.severity).toBe('warning');
    expect(r.issues[0]?.message.id).toContain('provinsi 52');
  });

  it('does not compare the domicile when the NIK’s own region is already wrong', () => {
    expect(codes(nik(build({ rr: '99' }), { villageCode: '53.21.01.2001' }))).toEqual(['nik_unknown_regency']);
  });

  it('warns when the stated birth date differs, softly', () => {
    const r = nik(VALID_MAN, { birthDate: '1985-03-16' });
    expect(codes(r)).toEqual(['nik_birthdate_mismatch']);
    expect(r.ok).toBe(true);
    expect(r.issues[0]?.message.id).toContain('NIK tidak pernah diterbitkan ulang');
    expect(r.issues[0]?.message.id).toContain('15 Maret 1985');
    expect(r.issues[0]?.message.id).toContain('16 Maret 1985');
  });

  it('compares a woman’s birth date after removing the +40', () => {
    expect(nik(VALID_WOMAN, { birthDate: '1985-03-15', sex: 'P' }).issues).toEqual([]);
    expect(codes(nik(VALID_WOMAN, { birthDate: '1985-03-55' }))).toEqual([]); // unreadable stated date is ignored
  });

  it('does not warn when only the century differs, and takes the century from the stated date', () => {
    // '25' alone would be 2025; the person says 1925, which agrees on day, month and yy.
    const r = nik(build({ yy: '25' }), { birthDate: '1925-03-15' });
    expect(r.issues).toEqual([]);
    expect(r.decoded?.birthDate).toBe('1925-03-15');
    // Without the stated date the same NIK decodes to 2025.
    expect(nik(build({ yy: '25' })).decoded?.birthDate).toBe('2025-03-15');
  });

  it('a centenarian born later in the year is not a future birth once the stated date is known', () => {
    const value = build({ dd: '16', mm: '06', yy: '25' });
    expect(codes(nik(value))).toEqual(['nik_future_birth']);
    expect(nik(value, { birthDate: '1925-06-16' }).issues).toEqual([]);
  });

  it('no birth date warning when the person has no birth date or the NIK date is impossible', () => {
    expect(nik(VALID_MAN, { birthDate: null }).issues).toEqual([]);
    expect(codes(nik(build({ mm: '13' }), { birthDate: '1985-03-15' }))).toEqual(['nik_impossible_date']);
  });

  it.each([
    ['woman’s NIK recorded as a man', VALID_WOMAN, 'L' as const, 'perempuan'],
    ['man’s NIK recorded as a woman', VALID_MAN, 'P' as const, 'laki-laki'],
  ])('warns on sex mismatch: %s', (_name, value, sex, nikSex) => {
    const r = nik(value, { sex });
    expect(codes(r)).toEqual(['nik_sex_mismatch']);
    expect(r.ok).toBe(true);
    expect(r.issues[0]?.message.id).toContain(`pemegangnya ${nikSex}`);
  });

  it('no sex warning when it agrees, is unknown, or the day part is impossible', () => {
    expect(nik(VALID_MAN, { sex: 'L' }).issues).toEqual([]);
    expect(nik(VALID_WOMAN, { sex: 'P' }).issues).toEqual([]);
    expect(nik(VALID_WOMAN, { sex: null }).issues).toEqual([]);
    expect(codes(nik(build({ dd: '35' }), { sex: 'P' }))).toEqual(['nik_impossible_date']);
  });

  it('collects several warnings while staying ok', () => {
    const r = nik(VALID_WOMAN, { sex: 'L', birthDate: '1986-03-15', villageCode: '53.71.01.1001' });
    expect(codes(r)).toEqual(['nik_other_regency', 'nik_birthdate_mismatch', 'nik_sex_mismatch']);
    expect(r.ok).toBe(true);
  });

  it('keeps errors and warnings apart: ok is false only because of the error', () => {
    const r = nik(build({ ss: '0000' }), { villageCode: '53.21.01.2001' });
    expect(codes(r)).toEqual(['nik_serial_zero', 'nik_other_regency']);
    expect(r.ok).toBe(false);
  });
});

describe('checkKk', () => {
  const VALID_KK = build({ dd: '15', mm: '03', yy: '10' }); // registered 15 March 2010

  it('accepts a valid KK and decodes the registration date', () => {
    const r = kk(VALID_KK);
    expect(r.ok).toBe(true);
    expect(r.issues).toEqual([]);
    expect(r.kk).toBe(VALID_KK);
    expect(r.decoded).toEqual({
      provinceCode: '53',
      regencyCode: '53.01',
      districtCode: '53.01.02',
      kota: false,
      registrationDate: '2010-03-15',
      serial: '0001',
    });
    expect(decodeKk(VALID_KK, TODAY)).toEqual(r.decoded);
  });

  it('normalises like the NIK', () => {
    expect(kk("'5301 0215 0310 0001").kk).toBe(VALID_KK);
  });

  it.each<[string, unknown, NikIssueCode]>([
    ['empty', '', 'kk_empty'],
    ['letters', '53010215031O0001', 'kk_not_digits'],
    ['15 digits', '530102150310001', 'kk_length'],
    ['scientific', '5.30102E+15', 'kk_excel_scientific'],
    ['number ending in 0', 5301021503100000, 'kk_excel_precision_lost'],
    ['unknown province', build({ pp: '99', yy: '10' }), 'kk_unknown_province'],
    ['unknown regency', build({ rr: '99', yy: '10' }), 'kk_unknown_regency'],
    ['regency 00', build({ rr: '00', yy: '10' }), 'kk_unknown_regency'],
    ['31 April', build({ dd: '31', mm: '04', yy: '10' }), 'kk_impossible_date'],
    ['day + 40 (only NIKs add 40)', build({ dd: '55', yy: '10' }), 'kk_impossible_date'],
    ['month 13', build({ mm: '13', yy: '10' }), 'kk_impossible_date'],
    ['later this year', build({ dd: '01', mm: '12', yy: '25' }), 'kk_future_date'],
    ['serial 0000', build({ yy: '10', ss: '0000' }), 'kk_serial_zero'],
  ])('%s -> %s', (_name, input, code) => {
    const r = kk(input);
    expect(codes(r)).toEqual([code]);
    expect(r.ok).toBe(false);
    expect(r.issues.every((i) => i.field === 'kk')).toBe(true);
  });

  it('explains that the KK date has no +40', () => {
    expect(kk(build({ dd: '55', yy: '10' })).issues[0]?.message.id).toContain('tidak ditambah 40');
  });

  it('warns about another regency or province than the village, and not otherwise', () => {
    const other = kk(build({ rr: '04', yy: '10' }), '53.21.01.2001');
    expect(codes(other)).toEqual(['kk_other_regency']);
    expect(other.ok).toBe(true);
    expect(other.issues[0]?.message.id).toContain('KK yang lebih baru');
    expect(other.issues[0]?.message.id).toContain('Malaka dimekarkan dari Belu');
    expect(codes(kk(VALID_KK, '52.01.01.2001'))).toEqual(['kk_other_province']);
    expect(kk(VALID_KK, '53.01.02.2001').issues).toEqual([]);
    expect(kk(VALID_KK).issues).toEqual([]);
  });
});

describe('messages', () => {
  // One real example per code: proves every code can be produced, and gives a corpus for message checks.
  const EXAMPLES: Record<NikIssueCode, () => NikCheck | KkCheck> = {
    nik_empty: () => nik(''),
    nik_not_digits: () => nik('53010215038500O1'),
    nik_length: () => nik('530102150385001'),
    nik_excel_scientific: () => nik('5.30101E+15'),
    nik_excel_precision_lost: () => nik(5301021503850000),
    nik_unknown_province: () => nik(build({ pp: '99' })),
    nik_unknown_regency: () => nik(build({ rr: '99' })),
    nik_impossible_date: () => nik(build({ dd: '31', mm: '02' })),
    nik_future_birth: () => nik(build({ dd: '16', mm: '06', yy: '25' })),
    nik_serial_zero: () => nik(build({ ss: '0000' })),
    nik_other_regency: () => nik(build({ rr: '04' }), { villageCode: '53.21.01.2001' }),
    nik_other_province: () => nik(build({ pp: '52' }), { villageCode: '53.01.02.2001' }),
    nik_birthdate_mismatch: () => nik(VALID_MAN, { birthDate: '1985-03-16' }),
    nik_sex_mismatch: () => nik(VALID_WOMAN, { sex: 'L' }),
    kk_empty: () => kk(null),
    kk_not_digits: () => kk('53010215031O0001'),
    kk_length: () => kk('53010215031000011'),
    kk_excel_scientific: () => kk('5,30102E+15'),
    kk_excel_precision_lost: () => kk(Number('9101021503100001')),
    kk_unknown_province: () => kk(build({ pp: '99', yy: '10' })),
    kk_unknown_regency: () => kk(build({ rr: '00', yy: '10' })),
    kk_impossible_date: () => kk(build({ dd: '32', yy: '10' })),
    kk_future_date: () => kk(build({ dd: '01', mm: '12', yy: '25' })),
    kk_serial_zero: () => kk(build({ yy: '10', ss: '0000' })),
    kk_other_regency: () => kk(build({ rr: '04', yy: '10' }), '53.21.01.2001'),
    kk_other_province: () => kk(build({ yy: '10' }), '52.01.01.2001'),
  };
  const WARNINGS = new Set<NikIssueCode>([
    'nik_other_regency',
    'nik_other_province',
    'nik_birthdate_mismatch',
    'nik_sex_mismatch',
    'kk_other_regency',
    'kk_other_province',
  ]);

  it('the example table covers every exported code', () => {
    expect(Object.keys(EXAMPLES).sort()).toEqual([...NIK_ISSUE_CODES, ...KK_ISSUE_CODES].sort());
  });

  it.each(Object.entries(EXAMPLES) as [NikIssueCode, () => NikCheck | KkCheck][])(
    '%s: produced by its example, right severity, readable in both languages, no full number',
    (code, run) => {
      const r = run();
      const found = r.issues.find((i) => i.code === code);
      expect(found).toBeDefined();
      if (!found) return;
      expect(found.severity).toBe(WARNINGS.has(code) ? 'warning' : 'error');
      expect(found.field).toBe(code.startsWith('nik_') ? 'nik' : 'kk');
      for (const text of [found.message.id, found.message.en]) {
        expect(text.length).toBeGreaterThan(30);
        expect(text).not.toMatch(/\d{7,}/); // never a full (or large part of a) NIK/KK
        expect(text).toMatch(/[.]$/);
      }
      expect(found.message.id).not.toBe(found.message.en);
      expect(issueText(found, 'id')).toBe(found.message.id);
      expect(issueText(found, 'en')).toBe(found.message.en);
    },
  );

  it('tells the user how to fix it (Indonesian uses "Periksa"/"Ketik ulang"/"pastikan")', () => {
    for (const run of Object.values(EXAMPLES)) {
      for (const i of run().issues) expect(i.message.id).toMatch(/Periksa|periksa|Ketik ulang|ketik ulang|pastikan|Tuliskan/);
    }
  });
});

describe('masking', () => {
  it.each([
    ['5301021503850001', '5301xxxxxxxx0001'],
    [' 5301021503850001 ', '5301xxxxxxxx0001'],
    ['530102150385', '5301xxxx0385'],
    ['53010215038', 'xxxxxxxxxxx'],
    ['abc', 'xxx'],
    ['', ''],
  ])('maskNik(%j) = %j', (input, expected) => {
    expect(maskNik(input)).toBe(expected);
  });

  it.each([
    ['1234567890', 'xxxxxx7890'],
    ['12345', 'x2345'],
    ['1234', 'xxxx'],
    ['12', 'xx'],
    ['', ''],
  ])('maskAccount(%j) = %j', (input, expected) => {
    expect(maskAccount(input)).toBe(expected);
  });
});
