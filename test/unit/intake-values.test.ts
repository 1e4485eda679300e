import { describe, it, expect } from 'vitest';
import {
  MARITAL_STATUSES,
  OCCUPATIONS,
  normaliseBankAccount,
  normaliseBankName,
  normaliseBirthDate,
  normaliseBirthPlaceDate,
  normaliseDate,
  normaliseDecile,
  normaliseDisability,
  normaliseFlag,
  normaliseKk,
  normaliseMaritalStatus,
  normaliseName,
  normaliseNik,
  normaliseOccupation,
  normalisePhone,
  normaliseRupiah,
  normaliseSex,
  normaliseText,
  requireValue,
  titleCaseName,
  type Problem,
  type Result,
} from '../../src/features/intake/values.js';
import type { AreaCodes } from '../../src/domain/nik.js';

const TODAY = '2025-06-15';

function value<T>(r: Result<T>): T {
  if (!r.ok) throw new Error(`expected a value, got error ${r.error.code}: ${r.error.en}`);
  return r.value;
}

function errorCode<T>(r: Result<T>): string {
  if (r.ok) throw new Error(`expected an error, got value ${JSON.stringify(r.value)}`);
  return r.error.code;
}

function warningCodes<T>(r: Result<T>): string[] {
  return r.warnings.map((w) => w.code);
}

/** Every problem we produce, collected to check the messages at the end. */
const seen: Problem[] = [];
function track<T>(r: Result<T>): Result<T> {
  if (!r.ok) seen.push(r.error);
  seen.push(...r.warnings);
  return r;
}

const birth = (input: unknown, today = TODAY) => track(normaliseBirthDate(input, today));

// ---------------------------------------------------------------------------

describe('normaliseDate: written forms', () => {
  it.each([
    ['ISO', '1980-07-21'],
    ['ISO with time', '1980-07-21T00:00:00'],
    ['ISO with time and zone', '1980-07-21T00:00:00Z'],
    ['year first with slashes', '1980/07/21'],
    ['dd/mm/yyyy', '21/07/1980'],
    ['dd-mm-yyyy', '21-07-1980'],
    ['dd.mm.yyyy', '21.07.1980'],
    ['dd mm yyyy', '21 07 1980'],
    ['d/m/yyyy without zeros', '21/7/1980'],
    ['spaces around separators', ' 21 / 07 / 1980 '],
    ['date and time from a date-time cell', '21/07/1980 00:00'],
    ['date and time with seconds and AM', '21/07/1980 0:00:00 AM'],
    ['Indonesian month name', '21 Juli 1980'],
    ['Indonesian month in capitals', '21 JULI 1980'],
    ['abbreviated month', '21 Jul 1980'],
    ['abbreviated month with a dot', '21 Jul. 1980'],
    ['Excel dd-mmm-yyyy', '21-Jul-1980'],
    ['no spaces', '21juli1980'],
    ['English month first', 'July 21, 1980'],
    ['English ordinal', 'July 21st, 1980'],
    ['weekday in front', 'Senin, 21 Juli 1980'],
    ['English weekday in front', 'Monday, 21 July 1980'],
    ['ddmmyyyy digits', '21071980'],
    ['yyyymmdd digits', '19800721'],
    ['ddmmyyyy typed as a number', 21071980],
  ])('%s: %j → 1980-07-21', (_name, input) => {
    const r = birth(input);
    expect(value(r)).toBe('1980-07-21');
    expect(r.warnings).toEqual([]);
  });

  it.each([
    ['Januari', 1], ['Jan', 1], ['Februari', 2], ['Pebruari', 2], ['Feb', 2], ['Peb', 2], ['Maret', 3], ['Mar', 3],
    ['Mrt', 3], ['April', 4], ['Apr', 4], ['Mei', 5], ['May', 5], ['Juni', 6], ['Jun', 6], ['Juli', 7], ['Jul', 7],
    ['Agustus', 8], ['August', 8], ['Agt', 8], ['Agu', 8], ['Ags', 8], ['Aug', 8], ['September', 9], ['Sept', 9], ['Sep', 9],
    ['Oktober', 10], ['October', 10], ['Okt', 10], ['Oct', 10], ['November', 11], ['Nopember', 11], ['Nov', 11], ['Nop', 11],
    ['Desember', 12], ['December', 12], ['Des', 12], ['Dec', 12],
  ])('month %s is %i', (word, month) => {
    expect(value(birth(`5 ${word} 1990`))).toBe(`1990-${String(month).padStart(2, '0')}-05`);
  });

  it('reads a d-m-y number with a one-digit day and month', () => {
    expect(value(birth('1-2-1990'))).toBe('1990-02-01');
    expect(value(birth('1 Mei 2000'))).toBe('2000-05-01');
  });

  it('treats an empty cell, placeholder dashes and null as no value', () => {
    for (const input of ['', '   ', '-', '—', null, undefined]) expect(value(birth(input))).toBeNull();
  });

  it('reads a JS Date (from an XLSX parser) by its calendar day in any time zone within ±12 h', () => {
    // Local midnight of 21 July 1980 in WITA (UTC+8) is 20 July 16:00 UTC.
    expect(value(birth(new Date(Date.UTC(1980, 6, 20, 16))))).toBe('1980-07-21');
    // Local midnight in UTC−5.
    expect(value(birth(new Date(Date.UTC(1980, 6, 21, 5))))).toBe('1980-07-21');
    expect(value(birth(new Date(Date.UTC(1980, 6, 21))))).toBe('1980-07-21');
    expect(errorCode(birth(new Date(Number.NaN)))).toBe('value_unreadable');
  });
});

describe('normaliseDate: Excel serial numbers', () => {
  it.each([
    [29423, '1980-07-21'],
    [29423.75, '1980-07-21'], // a time of day is ignored
    [1, '1900-01-01'],
    [59, '1900-02-28'],
    [61, '1900-03-01'], // the first serial after the fake 29 Feb 1900
    [36526, '2000-01-01'],
    [45658, '2025-01-01'],
    [45823, '2025-06-15'],
  ])('serial %d → %s', (serial, iso) => {
    const r = birth(serial);
    expect(value(r)).toBe(iso);
    expect(r.warnings).toEqual([]);
  });

  it('agrees with day counting across the whole range from serial 61 on (the 1900 leap-year bug)', () => {
    // From serial 61, Excel is exactly "days since 1899-12-30". (Whole numbers 1900–2100 are
    // read as a bare year, never as a serial: see the year-only test.)
    const serials = [61, 62, 365, 366, 367, 1000, 1899, 2101, 2500];
    for (let serial = 3000; serial <= 45_823; serial += 997) serials.push(serial);
    for (const serial of serials) {
      const expected = new Date(Date.UTC(1899, 11, 30) + serial * 86_400_000).toISOString().slice(0, 10);
      expect(value(normaliseDate(serial, { today: TODAY, kind: 'any' }))).toBe(expected);
    }
  });

  it('rejects serial 60, Excel’s 29 February 1900 that never existed', () => {
    expect(errorCode(birth(60))).toBe('date_excel_1900_leap_day');
  });

  it('rejects serials out of range', () => {
    expect(errorCode(birth(0))).toBe('date_unreadable');
    expect(errorCode(birth(-5))).toBe('date_unreadable');
    expect(errorCode(birth(Number.POSITIVE_INFINITY))).toBe('value_unreadable');
  });

  it('a serial that arrived as text is read, with a warning so the operator can check', () => {
    const r = birth('29423');
    expect(value(r)).toBe('1980-07-21');
    expect(warningCodes(r)).toEqual(['date_excel_serial']);
    expect(r.warnings[0]?.id).toContain('21 Juli 1980');
    expect(value(birth('29423.0'))).toBe('1980-07-21');
  });

  it('a serial in the future is still a future birth date', () => {
    expect(errorCode(birth(46000))).toBe('date_future'); // 9 December 2025
  });

  it('a bare year (number or text) is an error, not serial 1980 = 1905', () => {
    expect(errorCode(birth(1980))).toBe('date_year_only');
    expect(errorCode(birth('1980'))).toBe('date_year_only');
  });
});

describe('normaliseDate: two-digit years (decided with today)', () => {
  it.each([
    ['21 juli 80', '1980-07-21'],
    ['21/07/80', '1980-07-21'],
    ['21-Jul-80', '1980-07-21'],
    ['01/01/05', '2005-01-01'],
    ['01/01/25', '2025-01-01'], // this year
    ['01/01/26', '1926-01-01'], // next year cannot be a birth year
    ['210780', '1980-07-21'],
  ])('birth date %s → %s, with a warning', (input, iso) => {
    const r = birth(input);
    expect(value(r)).toBe(iso);
    expect(warningCodes(r)).toEqual(['date_two_digit_year']);
  });

  it('uses the today passed in, not the clock', () => {
    expect(value(birth('01/01/05', '2004-12-31'))).toBe('1905-01-01');
    expect(value(birth('01/01/05', '2005-01-01'))).toBe('2005-01-01');
  });

  it('for other dates takes the year closest to today', () => {
    expect(value(normaliseDate('01/01/30', { today: TODAY, kind: 'any' }))).toBe('2030-01-01');
    expect(value(normaliseDate('01/01/80', { today: TODAY, kind: 'any' }))).toBe('1980-01-01');
  });

  it('the warning says which year was chosen and asks for 4 digits', () => {
    const w = birth('21 juli 80').warnings[0];
    expect(w?.id).toContain('1980');
    expect(w?.id).toContain('4 angka');
    expect(w?.en).toContain('4 digits');
  });
});

describe('normaliseDate: impossible and ambiguous dates', () => {
  it.each([
    ['31/02/1980', 'date_impossible'],
    ['30/02/2000', 'date_impossible'],
    ['29/02/1981', 'date_impossible'],
    ['29/02/1900', 'date_impossible'],
    ['31/04/1980', 'date_impossible'],
    ['00/07/1980', 'date_impossible'],
    ['32/07/1980', 'date_impossible'],
    ['21/13/1980', 'date_impossible'],
    ['21/00/1980', 'date_impossible'],
    ['1980-13-01', 'date_impossible'],
    ['35071980', 'date_impossible'],
    ['31 Februari 1980', 'date_impossible'],
  ])('%s is %s', (input, code) => {
    expect(errorCode(birth(input))).toBe(code);
  });

  it('explains leap years and short months', () => {
    const leap = birth('29/02/1981');
    expect(leap.ok).toBe(false);
    if (!leap.ok) {
      expect(leap.error.id).toContain('bukan tahun kabisat');
      expect(leap.error.en).toContain('not a leap year');
    }
    const short = birth('31/04/1980');
    if (!short.ok) expect(short.error.id).toContain('April hanya 30 hari');
  });

  it('accepts 29 February in leap years', () => {
    expect(value(birth('29/02/1984'))).toBe('1984-02-29');
    expect(value(birth('29/02/2000'))).toBe('2000-02-29');
  });

  it('reads both parts ≤ 12 the Indonesian way (dd/mm)', () => {
    expect(value(birth('05/06/1990'))).toBe('1990-06-05');
    expect(value(birth('12/01/1990'))).toBe('1990-01-12');
  });

  it('reports US-style mm/dd instead of swapping it silently', () => {
    const r = birth('07/21/1980');
    expect(errorCode(r)).toBe('date_us_order');
    if (!r.ok) {
      expect(r.error.id).toContain('21/07/1980');
      expect(r.error.en).toContain('US style');
    }
    expect(errorCode(birth('7/21/80'))).toBe('date_us_order');
    expect(errorCode(birth('12-31-1999'))).toBe('date_us_order');
  });

  it('rejects birth dates after today and before 1900', () => {
    expect(errorCode(birth('16/06/2025'))).toBe('date_future');
    expect(value(birth('15/06/2025'))).toBe('2025-06-15');
    expect(errorCode(birth('31/12/1899'))).toBe('date_too_old');
    expect(value(normaliseDate('16/06/2025', { today: TODAY, kind: 'any' }))).toBe('2025-06-16');
  });

  it.each(['kemarin', 'abc', '21 Juli', 'Juli 1980', '21/07', '1980-07', '12345678901', '21-07-19801'])('cannot read %j', (input) => {
    expect(errorCode(birth(input))).toBe('date_unreadable');
  });

  it('names an unknown month word', () => {
    const r = birth('21 Jly 1980');
    expect(errorCode(r)).toBe('date_unknown_month');
    if (!r.ok) expect(r.error.id).toContain("'jly'");
  });

  it('reports Excel error values in the cell', () => {
    for (const e of ['#N/A', '#VALUE!', '#REF!', '#div/0!']) expect(errorCode(birth(e))).toBe('excel_error_value');
  });

  it('rejects a malformed today loudly (programming error)', () => {
    expect(() => normaliseBirthDate('21/07/1980', '15/06/2025')).toThrow(RangeError);
    expect(() => normaliseBirthDate('21/07/1980', '2025-02-30')).toThrow(RangeError);
  });
});

describe('normaliseBirthPlaceDate (TTL in one cell)', () => {
  it.each([
    ['Kupang, 21-07-1980', 'Kupang', '1980-07-21'],
    ['KUPANG, 21 JULI 1980', 'Kupang', '1980-07-21'],
    ['Kupang 21-07-1980', 'Kupang', '1980-07-21'],
    ['KUPANG 21 JULI 1980', 'Kupang', '1980-07-21'],
    ['Kupang/21/07/1980', 'Kupang', '1980-07-21'],
    ['So’e, 1 Mei 1990', "So'e", '1990-05-01'],
    ['Kota Kefamenanu , 03/10/1975', 'Kota Kefamenanu', '1975-10-03'],
    ['waingapu,  1980-07-21', 'Waingapu', '1980-07-21'],
    ['21-07-1980', null, '1980-07-21'],
  ])('%j → %s, %s', (input, place, date) => {
    expect(value(track(normaliseBirthPlaceDate(input, TODAY)))).toEqual({ place, date });
  });

  it('reads an Excel serial as a date without a place', () => {
    expect(value(normaliseBirthPlaceDate(29423, TODAY))).toEqual({ place: null, date: '1980-07-21' });
  });

  it('is empty for an empty cell', () => {
    expect(value(normaliseBirthPlaceDate('', TODAY))).toEqual({ place: null, date: null });
  });

  it('passes on date errors and warnings', () => {
    expect(errorCode(normaliseBirthPlaceDate('Kupang, 31-02-1980', TODAY))).toBe('date_impossible');
    expect(errorCode(normaliseBirthPlaceDate('Kupang, 07/21/1980', TODAY))).toBe('date_us_order');
    expect(warningCodes(normaliseBirthPlaceDate('Kupang, 21-07-80', TODAY))).toEqual(['date_two_digit_year']);
  });

  it('explains when no date can be found', () => {
    expect(errorCode(track(normaliseBirthPlaceDate('Kupang', TODAY)))).toBe('birth_place_date_unreadable');
    expect(errorCode(normaliseBirthPlaceDate('Kupang, kemarin', TODAY))).toBe('birth_place_date_unreadable');
  });
});

describe('normaliseSex', () => {
  it.each([
    ['L', 'L'], ['l', 'L'], ['Laki-laki', 'L'], ['Laki laki', 'L'], ['LAKI-LAKI', 'L'], ['Laki - Laki', 'L'], ['Lakilaki', 'L'],
    ['Laki', 'L'], ['Lk', 'L'], ['LK', 'L'], ['M', 'L'], ['Male', 'L'], ['Pria', 'L'], ['PRIA', 'L'],
    ['P', 'P'], ['p', 'P'], ['Perempuan', 'P'], ['PEREMPUAN', 'P'], ['Pr', 'P'], ['PR', 'P'], ['F', 'P'], ['Female', 'P'],
    ['Wanita', 'P'], [' wanita ', 'P'],
  ])('%j → %s', (input, sex) => {
    expect(value(track(normaliseSex(input)))).toBe(sex);
  });

  it('is empty for an empty cell', () => {
    expect(value(normaliseSex(''))).toBeNull();
  });

  it.each(['X', '1', 'LP', 'Z'])('rejects %j with the two allowed answers', (input) => {
    const r = track(normaliseSex(input));
    expect(errorCode(r)).toBe('sex_unknown');
    if (!r.ok) expect(r.error.id).toMatch(/L \(laki-laki\) atau P \(perempuan\)/);
  });
});

describe('normaliseName', () => {
  it.each([
    ['  MARIA   DA COSTA ', 'Maria da Costa'],
    ['maria da costa', 'Maria da Costa'],
    ['YOHANES DE ROZARI', 'Yohanes de Rozari'],
    ['PAULUS DOS SANTOS', 'Paulus dos Santos'],
    ['DA COSTA MARIA', 'Da Costa Maria'], // a particle first in the name is capitalised
    ["NDI'I", "Ndi'i"],
    ['ndi’i', "Ndi'i"], // typographic apostrophe made plain
    ['MARTHEN NDI`I', "Marthen Ndi'i"],
    ['NIKI-NIKI BERE', 'Niki-Niki Bere'],
    ['YOHANES M. BERE', 'Yohanes M. Bere'],
    ['Maria da Costa', 'Maria da Costa'], // mixed case kept as typed
    ['Maria Da Costa', 'Maria Da Costa'],
    ['McDonald Lake', 'McDonald Lake'],
    ['\u00a0Siti\u00a0Aminah\t', 'Siti Aminah'],
    ['ANDRÉ', 'André'],
  ])('%j → %j', (input, name) => {
    const r = track(normaliseName(input));
    expect(value(r)).toBe(name);
    expect(r.warnings).toEqual([]);
  });

  it('is empty for an empty cell', () => {
    expect(value(normaliseName('  '))).toBeNull();
  });

  it('rejects digits, and hints at swapped columns when the name looks like an NIK', () => {
    expect(errorCode(track(normaliseName('Maria 2')))).toBe('name_has_digits');
    const r = track(normaliseName('5301021503850001'));
    expect(errorCode(r)).toBe('name_has_digits');
    if (!r.ok) {
      expect(r.error.id).toContain('kolom tertukar');
      expect(r.error.en).toContain('columns were swapped');
    }
    expect(errorCode(normaliseName(12345))).toBe('name_has_digits');
  });

  it('rejects symbols that are never part of a name', () => {
    const r = track(normaliseName('Maria (Ani)'));
    expect(errorCode(r)).toBe('name_bad_characters');
    expect(errorCode(normaliseName('Maria@Costa'))).toBe('name_bad_characters');
  });

  it('rejects punctuation without letters', () => {
    expect(errorCode(track(normaliseName("'.")))).toBe('name_no_letters');
  });

  it('warns about a single letter', () => {
    expect(warningCodes(track(normaliseName('A')))).toEqual(['name_too_short']);
  });

  it('uses the label it is given in messages', () => {
    const r = normaliseName('Ibu 2', { label: { id: 'Nama ibu kandung', en: 'Mother’s maiden name' } });
    if (!r.ok) expect(r.error.id).toMatch(/^Nama ibu kandung/);
    else throw new Error('expected an error');
  });

  it('titleCaseName leaves particles at the end capitalised', () => {
    expect(titleCaseName('MARIA DA')).toBe('Maria Da');
  });
});

describe('normaliseText', () => {
  it('trims and collapses spaces, keeps the rest', () => {
    expect(value(normaliseText('  Jl.  Timor   Raya  RT 01/RW 02 '))).toBe('Jl. Timor Raya RT 01/RW 02');
    expect(value(normaliseText(''))).toBeNull();
    expect(value(normaliseText(12))).toBe('12');
  });
});

describe('normalisePhone', () => {
  it.each([
    ['081234567890', '081234567890'],
    ['0812-3456-7890', '081234567890'],
    ['0812 3456 7890', '081234567890'],
    ['0812.3456.7890', '081234567890'],
    ['+62 812 3456 7890', '081234567890'],
    ['+62-812-3456-7890', '081234567890'],
    ['+62 (0)812 3456 7890', '081234567890'],
    ['6281234567890', '081234567890'],
    ['62 812 3456 789', '08123456789'],
    ['0062 812 3456 7890', '081234567890'],
    ["'081234567890", '081234567890'],
    ['0852-3900-1234', '085239001234'],
    ['0812345678', '0812345678'], // 10 digits, the shortest
    ['0812345678901', '0812345678901'], // 13 digits, the longest
  ])('%j → %s', (input, phone) => {
    const r = track(normalisePhone(input));
    expect(value(r)).toBe(phone);
    expect(r.warnings).toEqual([]);
  });

  it('restores the leading 0 that Excel dropped, with a warning', () => {
    for (const input of [81234567890, '81234567890']) {
      const r = track(normalisePhone(input));
      expect(value(r)).toBe('081234567890');
      expect(warningCodes(r)).toEqual(['phone_leading_zero_lost']);
    }
  });

  it('accepts a landline with a warning asking for a mobile number', () => {
    const r = track(normalisePhone('(0380) 821234'));
    expect(value(r)).toBe('0380821234');
    expect(warningCodes(r)).toEqual(['phone_landline']);
  });

  it('keeps the first of several numbers, with a warning', () => {
    const r = track(normalisePhone('0812-3456-7890 / 0813 1111 2222'));
    expect(value(r)).toBe('081234567890');
    expect(warningCodes(r)).toEqual(['phone_several']);
  });

  it.each([
    ['0812345', 'phone_invalid'],
    ['08123456789012', 'phone_invalid'],
    ['+1 555 123 4567', 'phone_not_digits'],
    ['12345678901', 'phone_invalid'],
    ['tidak punya', 'phone_not_digits'],
    ['0812-3456-78AB', 'phone_not_digits'],
  ])('rejects %j (%s) with an example of a valid number', (input, code) => {
    const r = track(normalisePhone(input));
    expect(errorCode(r)).toBe(code);
    if (!r.ok) {
      expect(r.error.id).toContain('081234567890');
      expect(r.error.en).toContain('081234567890');
    }
  });

  it('says whether a number is too short or too long', () => {
    const short = normalisePhone('0812345');
    if (!short.ok) expect(short.error.en).toContain('too short');
    const long = normalisePhone('08123456789012');
    if (!long.ok) expect(long.error.en).toContain('too long');
  });

  it('is empty for an empty cell', () => {
    expect(value(normalisePhone(''))).toBeNull();
    expect(value(normalisePhone('-'))).toBeNull();
  });
});

describe('normaliseRupiah', () => {
  it.each([
    ['1000000', 1_000_000],
    [1_000_000, 1_000_000],
    ['1.000.000', 1_000_000],
    ['Rp 1.000.000', 1_000_000],
    ['Rp1.000.000', 1_000_000],
    ['Rp. 1.000.000', 1_000_000],
    ['RP 1.000.000,-', 1_000_000],
    ['Rp 1.000.000,00', 1_000_000],
    ['IDR 1,000,000', 1_000_000],
    ['1,000,000', 1_000_000],
    ['1,000,000.00', 1_000_000],
    ['1 000 000', 1_000_000],
    ['1.500', 1_500], // one group of three after a dot: thousands, the Indonesian way
    ['1,500', 1_500],
    ['1.500.000,00', 1_500_000],
    ['1 juta', 1_000_000],
    ['1jt', 1_000_000],
    ['1 JT', 1_000_000],
    ['1,5 juta', 1_500_000],
    ['1.5 jt', 1_500_000],
    ['2,25 juta', 2_250_000],
    ['500rb', 500_000],
    ['500 ribu', 500_000],
    ['750k', 750_000],
    ['1 miliar', 1_000_000_000],
    ['Rp 1.000.000/bulan', 1_000_000],
    ['0', 0],
  ])('%j → %d', (input, amount) => {
    expect(value(track(normaliseRupiah(input)))).toBe(amount);
  });

  it('rejects cents: rupiah are whole', () => {
    for (const input of ['1.500,50', '1,500.50', '1500,5', '1,5', 1_000_000.5]) {
      const r = track(normaliseRupiah(input));
      expect(errorCode(r)).toBe('money_decimals');
    }
  });

  it.each([
    ['1.00.000', 'money_invalid'],
    ['1.000.00', 'money_invalid'],
    ['1,000.000,00', 'money_invalid'],
    ['-500000', 'money_invalid'],
    ['seribu', 'money_invalid'],
    ['2 m', 'money_invalid'], // "M": miliar or million? refuse
    ['1.500 juta', 'money_invalid'],
    ['Rp', 'money_invalid'],
  ])('rejects %j', (input, code) => {
    expect(errorCode(track(normaliseRupiah(input)))).toBe(code);
  });

  it('rejects negative numbers and numbers too large to be exact', () => {
    expect(errorCode(normaliseRupiah(-5))).toBe('money_invalid');
    expect(errorCode(normaliseRupiah(2 ** 60))).toBe('money_invalid');
  });

  it('the error shows how to write the amount', () => {
    const r = normaliseRupiah('seribu');
    if (!r.ok) expect(r.error.id).toContain('Rp 1.000.000');
  });

  it('is empty for an empty cell', () => {
    expect(value(normaliseRupiah(''))).toBeNull();
  });
});

describe('normaliseFlag', () => {
  it.each([
    ['Ya', true], ['YA', true], ['ya', true], ['Y', true], ['Iya', true], ['Yes', true], ['Ada', true], ['1', true], [1, true],
    [true, true], ['TRUE', true], ['✓', true], ['✔', true], ['V', true], ['v', true], ['√', true],
    ['Tidak', false], ['TIDAK', false], ['T', false], ['Tdk', false], ['No', false], ['N', false], ['0', false], [0, false],
    [false, false], ['Tidak ada', false], ['Bukan', false],
    ['', false], [null, false], [undefined, false], ['-', false],
  ])('%j → %s', (input, flag) => {
    const r = track(normaliseFlag(input));
    expect(value(r)).toBe(flag);
    expect(r.warnings).toEqual([]);
  });

  it('reads an x as a marked box (yes), with a warning', () => {
    for (const input of ['x', 'X', '✗']) {
      const r = track(normaliseFlag(input, { id: 'Miskin Ekstrem', en: 'Extreme poor' }));
      expect(value(r)).toBe(true);
      expect(warningCodes(r)).toEqual(['flag_x_read_as_yes']);
      expect(r.warnings[0]?.id).toMatch(/^Miskin Ekstrem/);
    }
  });

  it('rejects anything else', () => {
    expect(errorCode(track(normaliseFlag('mungkin')))).toBe('flag_unknown');
    expect(errorCode(normaliseFlag(2))).toBe('flag_unknown');
  });
});

describe('normaliseDisability', () => {
  it.each([
    ['Ya', true], ['Tidak', false], ['', false], ['Tidak ada', false], ['Tuna Netra', true], ['Tunadaksa', true],
    ['Disabilitas fisik', true], ['Cacat kaki', true], ['Penyandang disabilitas', true], ['Tuli', true], ['Non disabilitas', false],
  ])('%j → %s', (input, flag) => {
    expect(value(track(normaliseDisability(input)))).toBe(flag);
  });

  it('rejects words that are not a disability', () => {
    expect(errorCode(track(normaliseDisability('sehat')))).toBe('flag_unknown');
  });
});

describe('normaliseDecile', () => {
  it.each([['1', 1], [1, 1], ['4', 4], [10, 10], ['3.0', 3], ['3,0', 3], [3.0, 3], ['Desil 3', 3], ['desil 10', 10], ['D2', 2], [' 5 ', 5]])(
    '%j → %d',
    (input, decile) => {
      expect(value(track(normaliseDecile(input)))).toBe(decile);
    },
  );

  it.each(['0', '11', '3,5', 3.5, '-1', 'tiga', '1-4'])('rejects %j', (input) => {
    const r = track(normaliseDecile(input));
    expect(errorCode(r)).toBe('decile_invalid');
    if (!r.ok) expect(r.error.id).toContain('1 (termiskin) sampai 10');
  });

  it('is empty for an empty cell', () => {
    expect(value(normaliseDecile(''))).toBeNull();
  });
});

describe('normaliseMaritalStatus', () => {
  it.each([
    ['Kawin', 'kawin'], ['KAWIN', 'kawin'], ['K', 'kawin'], ['Menikah', 'kawin'], ['Sudah Kawin', 'kawin'], ['Kawin Tercatat', 'kawin'],
    ['Kawin Belum Tercatat', 'kawin'],
    ['Belum Kawin', 'belum_kawin'], ['BELUM KAWIN', 'belum_kawin'], ['BK', 'belum_kawin'], ['B.K.', 'belum_kawin'], ['Belum Menikah', 'belum_kawin'],
    ['Lajang', 'belum_kawin'],
    ['Cerai Hidup', 'cerai_hidup'], ['CH', 'cerai_hidup'], ['Cerai-Hidup', 'cerai_hidup'], ['Janda Cerai', 'cerai_hidup'],
    ['Cerai Mati', 'cerai_mati'], ['CM', 'cerai_mati'], ['Janda Mati', 'cerai_mati'], ['Duda Ditinggal Mati', 'cerai_mati'],
  ])('%j → %s', (input, status) => {
    const r = track(normaliseMaritalStatus(input));
    expect(value(r)).toBe(status);
    expect(r.warnings).toEqual([]);
  });

  it('reads Janda and Duda as cerai mati, with a warning saying how to write a divorce', () => {
    for (const input of ['Janda', 'DUDA']) {
      const r = track(normaliseMaritalStatus(input));
      expect(value(r)).toBe('cerai_mati');
      expect(warningCodes(r)).toEqual(['marital_janda_duda']);
      expect(r.warnings[0]?.id).toContain('Cerai Hidup');
    }
  });

  it('reads a bare "Cerai" as cerai hidup, with a warning', () => {
    const r = track(normaliseMaritalStatus('Cerai'));
    expect(value(r)).toBe('cerai_hidup');
    expect(warningCodes(r)).toEqual(['marital_cerai']);
  });

  it('reads Dukcapil codes 1–4 with a warning', () => {
    expect(['1', '2', '3', 4].map((c) => value(track(normaliseMaritalStatus(c))))).toEqual([...MARITAL_STATUSES]);
    expect(warningCodes(normaliseMaritalStatus('2'))).toEqual(['marital_code']);
  });

  it('rejects anything else with the list of allowed values', () => {
    const r = track(normaliseMaritalStatus('Pacaran'));
    expect(errorCode(r)).toBe('marital_unknown');
    if (!r.ok) expect(r.error.id).toContain('Belum Kawin, Kawin, Cerai Hidup, Cerai Mati');
    expect(errorCode(normaliseMaritalStatus('5'))).toBe('marital_unknown');
  });
});

describe('normaliseOccupation', () => {
  it.each([
    ['Petani', 'petani'], ['PETANI', 'petani'], ['Tani', 'petani'], ['Petani/Pekebun', 'petani'], ['Pekebun', 'petani'], ['Petani Jagung', 'petani'],
    ['Nelayan', 'nelayan'], ['Nelayan/Perikanan', 'nelayan'],
    ['Ojek', 'ojek'], ['Tukang Ojek', 'ojek'], ['OJEK', 'ojek'], ['Ojol', 'ojek'], ['Pengemudi Ojek', 'ojek'],
    ['Sopir', 'sopir'], ['Supir', 'sopir'], ['Sopir Angkot', 'sopir'], ['Pengemudi', 'sopir'], ['Supir Truk Pasir', 'sopir'],
    ['Buruh', 'buruh_harian'], ['Buruh Harian Lepas', 'buruh_harian'], ['BHL', 'buruh_harian'], ['Buruh Tani/Perkebunan', 'buruh_harian'],
    ['Buruh Bangunan', 'buruh_harian'], ['Kuli Bangunan', 'buruh_harian'],
    ['Pedagang', 'pedagang'], ['Pedagang Kecil', 'pedagang'], ['Pedagang Kaki Lima', 'pedagang'], ['Jual Sayur', 'pedagang'], ['Penjual Ikan', 'pedagang'],
    ['Peternak', 'peternak'], ['Peternak Babi', 'peternak'],
    ['Penenun', 'penenun'], ['Tenun Ikat', 'penenun'], ['Pengrajin Tenun', 'penenun'],
    ['Guru Honor', 'guru_honorer'], ['Guru Honorer', 'guru_honorer'], ['Guru Komite', 'guru_honorer'], ['Guru PAUD', 'guru_honorer'],
    ['Tukang', 'tukang'], ['Tukang Kayu', 'tukang'], ['Tukang Batu', 'tukang'], ['Penjahit', 'tukang'],
    ['Pekerja Rumah Tangga', 'pekerja_rumah_tangga'], ['PRT', 'pekerja_rumah_tangga'], ['Asisten Rumah Tangga', 'pekerja_rumah_tangga'],
    ['Lainnya', 'lainnya'], ['Lain-lain', 'lainnya'],
  ])('%j → %s', (input, occupation) => {
    const r = track(normaliseOccupation(input));
    expect(value(r)).toBe(occupation);
    expect(r.warnings).toEqual([]);
  });

  it('only returns values the registry allows', () => {
    expect(OCCUPATIONS).toEqual([
      'petani', 'nelayan', 'peternak', 'pedagang', 'ojek', 'sopir', 'buruh_harian', 'tukang', 'penenun', 'guru_honorer',
      'pekerja_rumah_tangga', 'lainnya',
    ]);
  });

  it.each(['IRT', 'irt', 'Ibu Rumah Tangga', 'IBU RUMAH TANGGA', 'Mengurus Rumah Tangga', 'Rumah Tangga'])(
    '%j (homemaker) is an error that explains why and what to write instead',
    (input) => {
      const r = track(normaliseOccupation(input));
      expect(errorCode(r)).toBe('occupation_housewife');
      if (!r.ok) {
        expect(r.error.id).toContain('bukan pekerjaan informal');
        expect(r.error.id).toContain('Pekerja Rumah Tangga');
        expect(r.error.en).toContain('not an informal job');
      }
    },
  );

  it.each([
    ['Belum/Tidak Bekerja', 'occupation_not_working'],
    ['Pelajar/Mahasiswa', 'occupation_not_working'],
    ['Pensiunan', 'occupation_not_working'],
    ['PNS', 'occupation_wage_worker'],
    ['TNI', 'occupation_wage_worker'],
    ['Karyawan Swasta', 'occupation_wage_worker'],
  ])('%j is an error (%s)', (input, code) => {
    expect(errorCode(track(normaliseOccupation(input)))).toBe(code);
  });

  it('reads a bare "Guru" as an honorary teacher, with a warning about civil-servant teachers', () => {
    const r = track(normaliseOccupation('Guru'));
    expect(value(r)).toBe('guru_honorer');
    expect(warningCodes(r)).toEqual(['occupation_guru']);
  });

  it('records anything else as lainnya, with a warning listing the choices', () => {
    const r = track(normaliseOccupation('Wiraswasta'));
    expect(value(r)).toBe('lainnya');
    expect(warningCodes(r)).toEqual(['occupation_other']);
    expect(r.warnings[0]?.id).toContain('Petani, Nelayan');
  });

  it('is empty for an empty cell', () => {
    expect(value(normaliseOccupation(''))).toBeNull();
  });
});

describe('bank', () => {
  it('writes known banks one way and keeps others', () => {
    expect(value(normaliseBankName('bpd ntt'))).toBe('Bank NTT');
    expect(value(normaliseBankName('BANK NTT'))).toBe('Bank NTT');
    expect(value(normaliseBankName('bri'))).toBe('BRI');
    expect(value(normaliseBankName('Bank Sinar  Harapan'))).toBe('Bank Sinar Harapan');
    expect(value(normaliseBankName(''))).toBeNull();
  });

  it('reads account numbers as digits only', () => {
    expect(value(normaliseBankAccount('001.02.03.456789-0'))).toBe('0010203456789' + '0');
    expect(value(normaliseBankAccount("'0010203456789"))).toBe('0010203456789');
    expect(value(normaliseBankAccount(123456789))).toBe('123456789');
    expect(value(normaliseBankAccount(''))).toBeNull();
  });

  it('explains numbers Excel destroyed', () => {
    expect(errorCode(track(normaliseBankAccount('1.23457E+15')))).toBe('account_excel_scientific');
    expect(errorCode(track(normaliseBankAccount(2 ** 60)))).toBe('account_excel_precision_lost');
  });

  it('rejects letters and bad lengths', () => {
    expect(errorCode(track(normaliseBankAccount('12AB34')))).toBe('account_invalid');
    expect(errorCode(normaliseBankAccount('12345'))).toBe('account_invalid');
  });
});

describe('NIK and KK through checkNik / checkKk', () => {
  const AREAS: AreaCodes = { provinces: new Set(['53']), regencies: new Set(['53.01', '53.71']) };
  const ctx = { areas: AREAS, today: TODAY };

  it('returns the normalised NIK and the full check', () => {
    const r = normaliseNik('5301 0215 0385 0001', ctx);
    expect(value(r)).toBe('5301021503850001');
    expect(r.check.decoded?.birthDate).toBe('1985-03-15');
  });

  it('explains an NIK that Excel turned into a number, never repairing it', () => {
    expect(errorCode(track(normaliseNik('5.30102E+15', ctx)))).toBe('nik_excel_scientific');
    expect(errorCode(track(normaliseNik(5301021503850000, ctx)))).toBe('nik_excel_precision_lost');
  });

  it('keeps warnings (birth date differs from the NIK) and errors apart', () => {
    const r = normaliseNik('5301021503850001', { ...ctx, person: { birthDate: '1985-03-16' } });
    expect(value(r)).toBe('5301021503850001');
    expect(warningCodes(r)).toEqual(['nik_birthdate_mismatch']);
    expect(r.warnings[0]?.severity).toBe('warning');
    expect(errorCode(normaliseNik('', ctx))).toBe('nik_empty');
  });

  it('the KK is optional: an empty cell is null, not an error', () => {
    const empty = normaliseKk('', ctx);
    expect(value(empty)).toBeNull();
    expect(empty.check).toBeNull();
    expect(value(normaliseKk('5301021503100002', ctx))).toBe('5301021503100002');
    expect(errorCode(track(normaliseKk('5.30102E+15', ctx)))).toBe('kk_excel_scientific');
  });
});

describe('requireValue', () => {
  const label = { id: 'Tanggal Lahir', en: 'Date of birth' };

  it('turns an empty value into an error naming the column', () => {
    const r = track(requireValue(normaliseBirthDate('', TODAY), label));
    expect(errorCode(r)).toBe('required_missing');
    if (!r.ok) expect(r.error.id).toContain('Tanggal Lahir wajib diisi');
  });

  it('passes values, warnings and errors through', () => {
    const okR = requireValue(normaliseBirthDate('21 juli 80', TODAY), label);
    expect(value(okR)).toBe('1980-07-21');
    expect(warningCodes(okR)).toEqual(['date_two_digit_year']);
    expect(errorCode(requireValue(normaliseBirthDate('31/02/1980', TODAY), label))).toBe('date_impossible');
  });
});

describe('messages', () => {
  it('collected a good sample of problems', () => {
    expect(seen.length).toBeGreaterThan(60);
  });

  it('every error and warning has a code, Indonesian and English text, and says what to do', () => {
    const action = /\b(Tulis|tulis|Isi|isi|Periksa|periksa|Ubah|ubah|Hapus|hapus|Ketik|ketik|Perbaiki|perbaiki|Salin|salin|kosongkan|Kosongkan|bulatkan|Sebaiknya|sebaiknya)\b/;
    const actionEn = /\b(Write|write|Fill|fill|Check|check|Format|format|Remove|remove|Type|type|Retype|retype|Correct|correct|Copy|copy|leave|Leave|round|Better|better|fix|Fix|Rename|rename)\b/;
    for (const p of seen) {
      expect(p.code).toMatch(/^[a-z0-9_]+$/);
      expect(['error', 'warning']).toContain(p.severity);
      expect(p.id.length).toBeGreaterThan(20);
      expect(p.en.length).toBeGreaterThan(20);
      expect(p.id).not.toBe(p.en);
      expect(p.id, `${p.code}: ${p.id}`).toMatch(action);
      expect(p.en, `${p.code}: ${p.en}`).toMatch(actionEn);
    }
  });
});
