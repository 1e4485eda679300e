import { describe, expect, it } from 'vitest';
import { amountInWords, inWordsEnglish, rupiahDenganTerbilang, rupiahRingkas, terbilangJudul, terbilangKalimat, terbilangRupiah } from '../../src/domain/terbilang.js';

describe('amounts of the claims in words (letters)', () => {
  it.each([
    [42_000_000, 'empat puluh dua juta rupiah'], // JKM after 3 months
    [10_000_000, 'sepuluh juta rupiah'], // death in the first 3 months
    [48_000_000, 'empat puluh delapan juta rupiah'], // 48 × Rp1.000.000
    [70_000_000, 'tujuh puluh juta rupiah'],
    [56_000_000, 'lima puluh enam juta rupiah'],
    [174_000_000, 'seratus tujuh puluh empat juta rupiah'],
    [846_000_000, 'delapan ratus empat puluh enam juta rupiah'], // NTT's paid claims by December 2025
    [14_000_001, 'empat belas juta satu rupiah'], // a share with the remainder rupiah
    [21_000_000, 'dua puluh satu juta rupiah'],
    [1_500_000, 'satu juta lima ratus ribu rupiah'],
    [13_333_334, 'tiga belas juta tiga ratus tiga puluh tiga ribu tiga ratus tiga puluh empat rupiah'],
  ])('%d → %s', (n, words) => {
    expect(terbilangRupiah(n)).toBe(words);
    expect(amountInWords(n)).toBe(words);
  });

  it('the letter forms: figure with words, a sentence, a receipt line', () => {
    expect(rupiahDenganTerbilang(42_000_000)).toBe('Rp42.000.000 (empat puluh dua juta rupiah)');
    expect(terbilangKalimat(42_000_000)).toBe('Empat puluh dua juta rupiah');
    expect(terbilangJudul(42_000_000)).toBe('Empat Puluh Dua Juta Rupiah');
    expect(terbilangJudul(1_000)).toBe('Seribu Rupiah');
  });

  it.each([
    [0, 'zero'],
    [7, 'seven'],
    [13, 'thirteen'],
    [40, 'forty'],
    [42, 'forty-two'],
    [100, 'one hundred'],
    [115, 'one hundred and fifteen'],
    [1_000, 'one thousand'],
    [16_800, 'sixteen thousand eight hundred'],
    [42_000_000, 'forty-two million'],
    [846_000_000, 'eight hundred and forty-six million'],
    [10_080_000_000, 'ten billion eighty million'],
    [-5_000, 'minus five thousand'],
  ])('English: %d → %s', (n, words) => {
    expect(inWordsEnglish(n)).toBe(words);
  });

  it('English with the currency, and the same limits as terbilang', () => {
    expect(amountInWords(42_000_000, 'en')).toBe('forty-two million rupiah');
    expect(() => inWordsEnglish(0.5)).toThrow(RangeError);
    expect(() => inWordsEnglish(1e15)).toThrow(RangeError);
    expect(() => terbilangKalimat(Number.NaN)).toThrow(RangeError);
  });
});

describe('short rupiah for headline figures', () => {
  it.each([
    [256_750_000_000, 'Rp256,75 miliar', 'Rp256.75 billion'],
    [846_000_000, 'Rp846 juta', 'Rp846 million'],
    [42_000_000, 'Rp42 juta', 'Rp42 million'],
    [1_500_000, 'Rp1,5 juta', 'Rp1.5 million'],
    [10_080_000_000, 'Rp10,08 miliar', 'Rp10.08 billion'],
    [1_234_567_890_123, 'Rp1,23 triliun', 'Rp1.23 trillion'],
    [999_999, 'Rp999.999', 'Rp999,999'],
    [999_999_500, 'Rp1 miliar', 'Rp1 billion'],
    [-42_000_000, '-Rp42 juta', '-Rp42 million'],
    [0, 'Rp0', 'Rp0'],
  ])('%d → %s', (n, id, en) => {
    expect(rupiahRingkas(n)).toBe(id);
    expect(rupiahRingkas(n, 'en')).toBe(en);
  });
});
