import { describe, it, expect } from 'vitest';
import { formatRupiah, parseRupiah, terbilang, terbilangRupiah } from '../../src/domain/money.js';

describe('formatRupiah', () => {
  it.each([
    [0, 'Rp0'],
    [1, 'Rp1'],
    [999, 'Rp999'],
    [1_000, 'Rp1.000'],
    [16_800, 'Rp16.800'],
    [100_000, 'Rp100.000'],
    [1_680_000, 'Rp1.680.000'],
    [846_000_000, 'Rp846.000.000'],
    [10_080_000_000, 'Rp10.080.000.000'],
    [-5_000, '-Rp5.000'],
    [-1, '-Rp1'],
    [Number.MAX_SAFE_INTEGER, 'Rp9.007.199.254.740.991'],
  ])('%d → %s', (n, text) => {
    expect(formatRupiah(n)).toBe(text);
  });

  it('writes commas for English messages', () => {
    expect(formatRupiah(10_080_000_000, 'en')).toBe('Rp10,080,000,000');
    expect(formatRupiah(-5_000, 'en')).toBe('-Rp5,000');
  });

  it('-0 is Rp0, not -Rp0', () => {
    expect(formatRupiah(-0)).toBe('Rp0');
  });

  it.each([[0.5], [16_800.01], [Number.NaN], [Number.POSITIVE_INFINITY], [2 ** 53]])('throws on %s', (n) => {
    expect(() => formatRupiah(n)).toThrow(RangeError);
  });

  it('round-trips through parseRupiah', () => {
    for (const n of [0, 7, 16_800, 1_000_000, 10_080_000_000, -5_000, Number.MAX_SAFE_INTEGER]) {
      expect(parseRupiah(formatRupiah(n))).toEqual({ ok: true, value: n });
      expect(parseRupiah(formatRupiah(n, 'en'))).toEqual({ ok: true, value: n });
    }
  });
});

describe('parseRupiah: accepted', () => {
  it.each([
    // Indonesian grouping
    ['10.080.000.000', 10_080_000_000],
    ['10.080.000.000,00', 10_080_000_000],
    ['1.680.000,00', 1_680_000],
    ['1.000', 1_000],
    ['16.800', 16_800],
    ['16.800,0', 16_800],
    // Prefixes and suffixes
    ['Rp 16.800', 16_800],
    ['Rp16.800', 16_800],
    ['Rp. 16.800', 16_800],
    ['rp16.800', 16_800],
    ['RP 1.000.000', 1_000_000],
    ['IDR 16.800', 16_800],
    ['Rp16.800,-', 16_800],
    ['16.800,-', 16_800],
    ['Rp1.000.000,--', 1_000_000],
    ['Rp16.800,00', 16_800],
    // Plain digits
    ['16800', 16_800],
    ['0', 0],
    ['000016800', 16_800],
    ['  16800  ', 16_800],
    ['Rp\u00a016.800', 16_800],
    // English grouping
    ['16,800', 16_800],
    ['1,000', 1_000],
    ['10,080,000,000', 10_080_000_000],
    ['10,080,000,000.00', 10_080_000_000],
    ['IDR 16,800.00', 16_800],
    // A single separator with a zero decimal part
    ['16800.00', 16_800],
    ['16800,00', 16_800],
    ['16800.0', 16_800],
    // Negatives
    ['(5.000)', -5_000],
    ['(Rp 5.000)', -5_000],
    ['-5.000', -5_000],
    ['-Rp5.000', -5_000],
    ['Rp -5.000', -5_000],
    ['Rp-5.000', -5_000],
    ['\u22125.000', -5_000],
    ['-0', 0],
    // Limits
    ['9.007.199.254.740.991', Number.MAX_SAFE_INTEGER],
  ])('%j → %d', (text, value) => {
    expect(parseRupiah(text)).toEqual({ ok: true, value });
  });

  it('reads -0 as 0, never -0', () => {
    const r = parseRupiah('-0');
    expect(r.ok && Object.is(r.value, 0)).toBe(true);
  });
});

describe('parseRupiah: refused, with a message saying what to do', () => {
  function refused(text: string): { id: string; en: string } {
    const r = parseRupiah(text);
    if (r.ok) throw new Error(`expected ${JSON.stringify(text)} to be refused, got ${r.value}`);
    expect(r.message.id).toContain(text.trim());
    expect(r.message.en).toContain(text.trim());
    return r.message;
  }

  it.each([['1.680.000,50'], ['1.680.000,5'], ['10,080,000,000.50'], ['16.800,01']])('%j is not whole rupiah', (text) => {
    const m = refused(text);
    expect(m.id).toContain('sen');
    expect(m.en).toContain('whole rupiah');
  });

  it('16.80 is ambiguous and both readings are explained', () => {
    const m = refused('16.80');
    expect(m.en).toContain('ambiguous');
    expect(m.en).toContain('16 rupiah 80 sen');
    expect(m.en).toContain('16.800');
    expect(m.id).toContain('16 rupiah 80 sen');
    expect(m.id).toContain('16.800');
  });

  it.each([['16,8'], ['1.5'], ['Rp 16.80'], ['1.6800']])('%j (single separator, non-zero decimals) is ambiguous', (text) => {
    expect(refused(text).en).toContain('ambiguous');
  });

  it.each([['1234.567'], ['0.500'], ['16800.000'], ['01.000']])('%j: three digits after a separator that cannot group thousands', (text) => {
    expect(refused(text).en).toContain('unclear');
  });

  it.each([['1.00.000'], ['1,00,000'], ['1.0000.000'], ['1.000.00'], ['01.000.000'], ['1.000,000.00'], ['1,000.000,00'], ['1.000.000,00,00']])(
    '%j has thousands separators out of place',
    (text) => {
      expect(refused(text).en).toContain('out of place');
    },
  );

  it.each([['5.30101E+15'], ['1.008E+10'], ['1e6']])('%j is scientific notation from Excel', (text) => {
    const m = refused(text);
    expect(m.en).toContain('scientific notation');
    expect(m.id).toContain('Teks');
  });

  it.each([[''], ['   ']])('%j is empty', (text) => {
    const r = parseRupiah(text);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.message.en).toContain('empty');
  });

  it.each([['abc'], ['Rp'], ['16.800.'], ['.800'], [',5'], ['16.800 rupiah'], ['1/2'], ['16..800'], ['-'], ['5.000-'], ['-(5.000)']])(
    '%j is not an amount',
    (text) => {
      expect(refused(text).en).toMatch(/not a rupiah amount|out of place/);
    },
  );

  it.each([['(-5.000)'], ['--5.000'], ['-Rp -5.000']])('%j is negative twice', (text) => {
    expect(refused(text).en).toContain('negative twice');
  });

  it('spaces between digits', () => {
    expect(refused('Rp 16 800').en).toContain('spaces');
  });

  it.each([['9.007.199.254.740.992'], ['99999999999999999'], ['1.000.000.000.000.000.000']])('%j is too large to count exactly', (text) => {
    expect(refused(text).en).toContain('too large');
  });
});

describe('terbilang', () => {
  it.each([
    [0, 'nol'],
    [1, 'satu'],
    [2, 'dua'],
    [5, 'lima'],
    [9, 'sembilan'],
    [10, 'sepuluh'],
    [11, 'sebelas'],
    [12, 'dua belas'],
    [15, 'lima belas'],
    [19, 'sembilan belas'],
    [20, 'dua puluh'],
    [21, 'dua puluh satu'],
    [37, 'tiga puluh tujuh'],
    [99, 'sembilan puluh sembilan'],
    [100, 'seratus'],
    [101, 'seratus satu'],
    [110, 'seratus sepuluh'],
    [111, 'seratus sebelas'],
    [119, 'seratus sembilan belas'],
    [200, 'dua ratus'],
    [250, 'dua ratus lima puluh'],
    [512, 'lima ratus dua belas'],
    [999, 'sembilan ratus sembilan puluh sembilan'],
    [1_000, 'seribu'],
    [1_001, 'seribu satu'],
    [1_011, 'seribu sebelas'],
    [1_100, 'seribu seratus'],
    [1_999, 'seribu sembilan ratus sembilan puluh sembilan'],
    [2_000, 'dua ribu'],
    [10_000, 'sepuluh ribu'],
    [11_000, 'sebelas ribu'],
    [16_800, 'enam belas ribu delapan ratus'],
    [100_000, 'seratus ribu'],
    [101_000, 'seratus satu ribu'],
    [111_111, 'seratus sebelas ribu seratus sebelas'],
    [1_000_000, 'satu juta'],
    [1_001_000, 'satu juta seribu'],
    [1_100_000, 'satu juta seratus ribu'],
    [2_000_001, 'dua juta satu'],
    [10_000_000, 'sepuluh juta'],
    [42_000_000, 'empat puluh dua juta'],
    [48_000_000, 'empat puluh delapan juta'],
    [174_000_000, 'seratus tujuh puluh empat juta'],
    [846_000_000, 'delapan ratus empat puluh enam juta'],
    [1_000_000_000, 'satu miliar'],
    [10_080_000_000, 'sepuluh miliar delapan puluh juta'],
    [1_000_000_000_000, 'satu triliun'],
    [1_000_000_001_000, 'satu triliun seribu'],
    [999_999_999_999_999, 'sembilan ratus sembilan puluh sembilan triliun sembilan ratus sembilan puluh sembilan miliar sembilan ratus sembilan puluh sembilan juta sembilan ratus sembilan puluh sembilan ribu sembilan ratus sembilan puluh sembilan'],
    [-5_000, 'minus lima ribu'],
  ])('%d → %s', (n, words) => {
    expect(terbilang(n)).toBe(words);
  });

  it('0…1000: only Indonesian number words, single spaces, and no two numbers alike', () => {
    const words = new Set(['nol', 'satu', 'dua', 'tiga', 'empat', 'lima', 'enam', 'tujuh', 'delapan', 'sembilan', 'sepuluh', 'sebelas', 'belas', 'puluh', 'seratus', 'ratus', 'seribu']);
    const seen = new Set<string>();
    for (let n = 0; n <= 1000; n++) {
      const t = terbilang(n);
      expect(t).toMatch(/^[a-z]+( [a-z]+)*$/);
      for (const w of t.split(' ')) expect(words.has(w), `${n}: ${t}`).toBe(true);
      // 'nol' only for zero itself
      if (n > 0) expect(t).not.toContain('nol');
      seen.add(t);
    }
    expect(seen.size).toBe(1001);
  });

  it('never says "satu ratus", "satu puluh", "satu belas", or "satu ribu" for one thousand', () => {
    // 'dua puluh satu ribu' (21,000) and 'seratus satu ribu' (101,000) are right.
    for (let n = 1; n <= 3_000_000; n += 997) {
      expect(terbilang(n)).not.toMatch(/satu (ratus|puluh|belas)|(^|juta |miliar |triliun )satu ribu/);
    }
  });

  it.each([[0.5], [Number.NaN], [1e15], [-1e15], [2 ** 53]])('throws on %s', (n) => {
    expect(() => terbilang(n)).toThrow(RangeError);
  });
});

describe('terbilangRupiah', () => {
  it('adds "rupiah"', () => {
    expect(terbilangRupiah(42_000_000)).toBe('empat puluh dua juta rupiah');
    expect(terbilangRupiah(16_800)).toBe('enam belas ribu delapan ratus rupiah');
    expect(terbilangRupiah(0)).toBe('nol rupiah');
  });
});
