/**
 * Amounts in words for letters and payment notices: the forms an Indonesian official letter uses
 * beside the figure, "Rp42.000.000 (empat puluh dua juta rupiah)", and the capitalised form of a
 * receipt's "Terbilang:" line. The number-to-words rule itself is money.ts `terbilang` (tested
 * there); this module only shapes it for documents, and gives the English words a reader of the
 * English screens sees.
 *
 * Pure: no I/O.
 */
import { formatRupiah, terbilang, terbilangRupiah } from './money.js';
import type { Lang } from './messages.js';

export { terbilang, terbilangRupiah };

/** 42000000 → 'Empat puluh dua juta rupiah' (a sentence: first letter capitalised). */
export function terbilangKalimat(n: number): string {
  const w = terbilangRupiah(n);
  return w.charAt(0).toUpperCase() + w.slice(1);
}

/** 42000000 → 'Empat Puluh Dua Juta Rupiah', as on a receipt (kuitansi) or a transfer order. */
export function terbilangJudul(n: number): string {
  return terbilangRupiah(n).split(' ').map((w) => w.charAt(0).toUpperCase() + w.slice(1)).join(' ');
}

/** 42000000 → 'Rp42.000.000 (empat puluh dua juta rupiah)': figure and words together, as letters write them. */
export function rupiahDenganTerbilang(n: number): string {
  return `${formatRupiah(n)} (${terbilangRupiah(n)})`;
}

const EN_UNITS = ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten',
  'eleven', 'twelve', 'thirteen', 'fourteen', 'fifteen', 'sixteen', 'seventeen', 'eighteen', 'nineteen'];
const EN_TENS = ['', '', 'twenty', 'thirty', 'forty', 'fifty', 'sixty', 'seventy', 'eighty', 'ninety'];
// Short scale, as English readers expect: 10^9 is a billion (Indonesian 'miliar').
const EN_SCALES = ['', 'thousand', 'million', 'billion', 'trillion'];

function enBelow1000(n: number): string {
  const words: string[] = [];
  const hundreds = Math.floor(n / 100);
  const rest = n % 100;
  if (hundreds > 0) words.push(`${EN_UNITS[hundreds]} hundred`);
  if (rest > 0) {
    if (hundreds > 0) words.push('and');
    if (rest < 20) words.push(EN_UNITS[rest]!);
    else words.push(rest % 10 ? `${EN_TENS[Math.floor(rest / 10)]}-${EN_UNITS[rest % 10]}` : EN_TENS[Math.floor(rest / 10)]!);
  }
  return words.join(' ');
}

/**
 * The same amount in English words: 42000000 → 'forty-two million'. Shares terbilang's range
 * (up to 999 trillion) and refuses what it refuses (via terbilang itself, so both agree).
 */
export function inWordsEnglish(n: number): string {
  terbilang(n); // the same checks: whole, within range
  if (n === 0) return 'zero';
  if (n < 0) return `minus ${inWordsEnglish(-n)}`;
  const words: string[] = [];
  let rest = n;
  for (let scale = EN_SCALES.length - 1; scale >= 0; scale--) {
    const unit = 1000 ** scale;
    const part = Math.floor(rest / unit);
    rest -= part * unit;
    if (part === 0) continue;
    words.push(scale === 0 ? enBelow1000(part) : `${enBelow1000(part)} ${EN_SCALES[scale]}`);
  }
  return words.join(' ');
}

/** The amount in words in the reader's language, with the currency: 'empat puluh dua juta rupiah' / 'forty-two million rupiah'. */
export function amountInWords(n: number, lang: Lang = 'id'): string {
  return lang === 'id' ? terbilangRupiah(n) : `${inWordsEnglish(n)} rupiah`;
}

/**
 * A short rupiah for headline figures, in the way Indonesian reports round them: 256750000000 →
 * 'Rp256,75 miliar', 42000000 → 'Rp42 juta', 1500000 → 'Rp1,5 juta'; below a million the full
 * figure. At most two decimals, trailing zeros dropped. English: 'Rp256.75 billion'.
 */
export function rupiahRingkas(n: number, lang: Lang = 'id'): string {
  const abs = Math.abs(n);
  const scales: [number, string, string][] = [[1e12, 'triliun', 'trillion'], [1e9, 'miliar', 'billion'], [1e6, 'juta', 'million']];
  for (const [unit, id, en] of scales) {
    // 999.999.500 rounds to 'Rp1 miliar', not 'Rp1000 juta'; below a million stays exact.
    if (abs >= (unit === 1e6 ? unit : unit * 0.995)) {
      const v = (Math.round((abs / unit) * 100) / 100).toFixed(2).replace(/\.?0+$/, '');
      return `${n < 0 ? '-' : ''}Rp${lang === 'id' ? v.replace('.', ',') : v} ${lang === 'id' ? id : en}`;
    }
  }
  return formatRupiah(n, lang);
}
