/**
 * Rupiah amounts: formatting, reading them back from what people and BPJS
 * files write, and spelling them out in words (terbilang) for letters and
 * payment orders.
 *
 * Pure: no I/O. Money is integer rupiah (domain.md §3): formatting throws on a
 * non-integer, and reading refuses an amount with a non-zero sen part instead
 * of rounding it, because a rounded contribution no longer reconciles with the
 * BPJS bill.
 */
import type { Lang, Message } from './messages.js';

// ---------------------------------------------------------------------------
// Formatting

function checkWhole(n: number, what: string): void {
  if (!Number.isSafeInteger(n)) {
    throw new RangeError(`${what} needs a whole number of rupiah within ±${Number.MAX_SAFE_INTEGER}, not ${n}`);
  }
}

function group(digits: string, separator: string): string {
  return digits.replace(/\B(?=(\d{3})+(?!\d))/g, separator);
}

/**
 * 10080000000 → 'Rp10.080.000.000', -5000 → '-Rp5.000'. With lang 'en' the
 * thousands separator is a comma ('Rp10,080,000,000'), for English messages.
 * Throws RangeError on a non-integer or an integer beyond the safe range.
 */
export function formatRupiah(n: number, lang: Lang = 'id'): string {
  checkWhole(n, 'formatRupiah');
  const body = `Rp${group(String(Math.abs(n)), lang === 'id' ? '.' : ',')}`;
  return n < 0 ? `-${body}` : body;
}

// ---------------------------------------------------------------------------
// Reading

export type ParsedRupiah = { ok: true; value: number } | { ok: false; message: Message };

function fail(id: string, en: string): ParsedRupiah {
  return { ok: false, message: { id, en } };
}

/** Digits grouped by one separator: a first group of 1–3 digits (not 0…), then groups of exactly 3. */
function readGrouped(text: string, separator: '.' | ','): string | null {
  const groups = text.split(separator);
  const [head, ...rest] = groups;
  if (head === undefined || !/^[1-9]\d{0,2}$/.test(head)) return null;
  if (!rest.every((g) => /^\d{3}$/.test(g))) return null;
  return groups.join('');
}

/**
 * Reads a rupiah amount the way Indonesians and BPJS files write it. Accepted:
 *
 * - an optional 'Rp', 'Rp.' or 'IDR' prefix (any case, spaces allowed after it)
 *   and an optional ',-' or '.-' suffix ('Rp16.800,-': "no sen");
 * - Indonesian grouping (dots for thousands, comma for sen: '10.080.000,00')
 *   and English grouping (commas and a decimal point: '10,080,000.00');
 * - a sen part only when it is zero: '1.680.000,50' is refused, not rounded;
 * - negatives as '-5.000', '-Rp5.000', 'Rp -5.000' or in accounting
 *   parentheses '(5.000)'.
 *
 * When both '.' and ',' occur, the one that comes last is the decimal mark and
 * the other groups thousands. When only one kind occurs:
 *
 * - more than once: it groups thousands ('1.000.000', '1,000,000');
 * - once, followed by exactly 3 digits and preceded by 1–3 digits: it groups
 *   thousands, in either convention ('16.800' and '16,800' are both 16800).
 *   This is the rule for a single separator; it means '1.500' is always one
 *   thousand five hundred, never one and a half;
 * - once, followed by any other number of digits: it is a decimal mark, and the
 *   amount is accepted only if those digits are all zero ('16800.00'). '16.80'
 *   is refused as ambiguous: it reads as 16 rupiah 80 sen, but it is more
 *   likely 16.800 with a digit lost.
 *
 * Scientific notation ('1.008E+10', what Excel shows for a long number) and
 * spaces inside the digits are refused with a message saying how to fix them.
 */
export function parseRupiah(text: string): ParsedRupiah {
  const shown = text.trim();
  if (shown === '') return fail('Jumlah uang kosong. Isi jumlah dalam rupiah, misalnya 16.800.', 'The amount is empty. Enter an amount in rupiah, for example 16,800.');
  let s = shown.normalize('NFKC').replace(/\u2212/g, '-');
  let negative = false;

  const paren = /^\((.*)\)$/.exec(s);
  if (paren) {
    negative = true;
    s = (paren[1] ?? '').trim();
  }
  const minus = (): boolean => {
    if (!s.startsWith('-')) return true;
    if (negative) return false;
    negative = true;
    s = s.slice(1).trim();
    return true;
  };
  if (!minus()) return doubleMinus(shown);
  s = s.replace(/^(?:rp\.?|idr)\s*/i, '');
  if (!minus()) return doubleMinus(shown);
  s = s.replace(/[.,]-{1,2}$/, '');

  if (/^\d[\d.,]*e[+-]?\d+$/i.test(s)) {
    return fail(
      `"${shown}" tertulis dalam notasi ilmiah (seperti yang ditampilkan Excel untuk angka panjang), sehingga digit terakhirnya hilang. Ubah format sel menjadi Angka tanpa desimal atau Teks, lalu salin ulang jumlahnya.`,
      `"${shown}" is in scientific notation (what Excel shows for long numbers), so its last digits are lost. Format the cell as Number without decimals or as Text, then copy the amount again.`,
    );
  }
  if (/\d\s+\d/.test(s)) {
    return fail(
      `"${shown}" berisi spasi di antara angka. Tulis jumlah tanpa spasi, dengan titik sebagai pemisah ribuan, misalnya 16.800.`,
      `"${shown}" has spaces between its digits. Write the amount without spaces, with dots or commas for thousands, for example 16,800.`,
    );
  }
  if (!/^\d[\d.,]*$/.test(s) || !/\d$/.test(s)) {
    return fail(
      `"${shown}" bukan jumlah rupiah. Tulis angka saja, boleh dengan "Rp" dan titik pemisah ribuan, misalnya Rp16.800.`,
      `"${shown}" is not a rupiah amount. Write digits only, optionally with "Rp" and thousands separators, for example Rp16,800.`,
    );
  }

  const badGrouping = (): ParsedRupiah =>
    fail(
      `Pemisah ribuan pada "${shown}" tidak pada tempatnya: setiap kelompok setelah pemisah harus tiga angka, misalnya 1.680.000. Periksa apakah ada angka yang hilang atau berlebih.`,
      `The thousands separators in "${shown}" are out of place: every group after a separator must have three digits, for example 1,680,000. Check for a missing or extra digit.`,
    );
  const notWhole = (): ParsedRupiah =>
    fail(
      `"${shown}" memuat sen. Iuran dan pembayaran dicatat dalam rupiah bulat; periksa jumlahnya pada dokumen sumber dan tulis tanpa sen, misalnya 1.680.000.`,
      `"${shown}" has a sen (cents) part. Contributions and payments are kept in whole rupiah; check the amount in the source document and write it without sen, for example 1,680,000.`,
    );

  const dots = (s.match(/\./g) ?? []).length;
  const commas = (s.match(/,/g) ?? []).length;
  let whole: string | null;
  let fraction = '';
  if (dots > 0 && commas > 0) {
    const decimal = s.lastIndexOf('.') > s.lastIndexOf(',') ? '.' : ',';
    const thousands = decimal === '.' ? ',' : '.';
    if ((decimal === '.' ? dots : commas) > 1) return badGrouping();
    const at = s.lastIndexOf(decimal);
    whole = readGrouped(s.slice(0, at), thousands);
    fraction = s.slice(at + 1);
    if (whole === null) return badGrouping();
  } else if (dots + commas === 0) {
    whole = s;
  } else if (dots + commas > 1) {
    whole = readGrouped(s, dots > 0 ? '.' : ',');
    if (whole === null) return badGrouping();
  } else {
    const at = Math.max(s.indexOf('.'), s.indexOf(','));
    const before = s.slice(0, at);
    const after = s.slice(at + 1);
    if (after.length === 3) {
      whole = readGrouped(s, s[at] === '.' ? '.' : ',');
      if (whole === null) {
        return fail(
          `"${shown}" tidak jelas: tiga angka setelah "${s[at]}" biasanya berarti pemisah ribuan, tetapi angka di depannya (${before}) tidak cocok untuk itu. Tulis jumlah dalam rupiah bulat tanpa desimal, misalnya 16.800.`,
          `"${shown}" is unclear: three digits after "${s[at]}" usually mean a thousands separator, but the digits before it (${before}) do not fit that. Write the amount in whole rupiah without decimals, for example 16,800.`,
        );
      }
    } else {
      whole = before;
      fraction = after;
      if (!/^0+$/.test(fraction)) {
        return fail(
          `"${shown}" tidak jelas: bisa dibaca ${before} rupiah ${fraction} sen, atau jumlah ribuan yang kehilangan angka (misalnya ${before}${s[at]}${fraction.padEnd(3, '0')}). Tulis jumlah dalam rupiah bulat dengan tiga angka di setiap kelompok ribuan.`,
          `"${shown}" is ambiguous: it reads as ${before} rupiah ${fraction} sen, or as thousands with a digit missing (for example ${before}${s[at]}${fraction.padEnd(3, '0')}). Write whole rupiah with three digits in every thousands group.`,
        );
      }
    }
  }
  if (!/^0*$/.test(fraction)) return notWhole();

  const digits = whole.replace(/^0+(?=\d)/, '');
  const value = Number(digits);
  if (digits.length > 16 || !Number.isSafeInteger(value)) {
    return fail(
      `"${shown}" terlalu besar untuk dihitung tepat (batas ${formatRupiah(Number.MAX_SAFE_INTEGER)}). Periksa apakah ada angka berlebih.`,
      `"${shown}" is too large to count exactly (the limit is ${formatRupiah(Number.MAX_SAFE_INTEGER, 'en')}). Check for extra digits.`,
    );
  }
  return { ok: true, value: negative && value !== 0 ? -value : value };
}

function doubleMinus(shown: string): ParsedRupiah {
  return fail(
    `"${shown}" memakai tanda minus dua kali. Tulis jumlah negatif dengan satu tanda saja, misalnya -5.000 atau (5.000).`,
    `"${shown}" is negative twice. Write a negative amount with one sign only, for example -5,000 or (5,000).`,
  );
}

// ---------------------------------------------------------------------------
// Terbilang (amount in words)

const UNITS = ['nol', 'satu', 'dua', 'tiga', 'empat', 'lima', 'enam', 'tujuh', 'delapan', 'sembilan'];
const SCALES = ['', 'ribu', 'juta', 'miliar', 'triliun'];
const LARGEST = 999_999_999_999_999;

/** 1…999 in words. Indonesian prefixes 'se-' for one of a unit: sepuluh, sebelas, seratus. */
function below1000(n: number): string {
  const words: string[] = [];
  const hundreds = Math.floor(n / 100);
  const rest = n % 100;
  if (hundreds === 1) words.push('seratus');
  else if (hundreds > 1) words.push(`${UNITS[hundreds]} ratus`);
  if (rest === 10) words.push('sepuluh');
  else if (rest === 11) words.push('sebelas');
  else if (rest > 11 && rest < 20) words.push(`${UNITS[rest - 10]} belas`);
  else if (rest >= 20) {
    words.push(`${UNITS[Math.floor(rest / 10)]} puluh`);
    if (rest % 10 > 0) words.push(UNITS[rest % 10] ?? '');
  } else if (rest > 0) words.push(UNITS[rest] ?? '');
  return words.join(' ');
}

/**
 * An integer in Indonesian words, as on a cheque or payment order:
 * 42000000 → 'empat puluh dua juta', 1000 → 'seribu', 0 → 'nol', negatives
 * with 'minus'. Up to 999 triliun; throws RangeError beyond, or for a
 * non-integer.
 */
export function terbilang(n: number): string {
  checkWhole(n, 'terbilang');
  if (Math.abs(n) > LARGEST) throw new RangeError(`terbilang goes up to ${LARGEST} (999 triliun), not ${n}`);
  if (n === 0) return 'nol';
  if (n < 0) return `minus ${terbilang(-n)}`;
  const words: string[] = [];
  let rest = n;
  for (let scale = SCALES.length - 1; scale >= 0; scale--) {
    const unit = 1000 ** scale;
    const part = Math.floor(rest / unit);
    rest -= part * unit;
    if (part === 0) continue;
    // Only the thousands take 'se-' for one: 'seribu', but 'satu juta'.
    if (part === 1 && scale === 1) words.push('seribu');
    else words.push(scale === 0 ? below1000(part) : `${below1000(part)} ${SCALES[scale]}`);
  }
  return words.join(' ');
}

/** 42000000 → 'empat puluh dua juta rupiah'. */
export function terbilangRupiah(n: number): string {
  return `${terbilang(n)} rupiah`;
}
