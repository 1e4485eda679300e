/**
 * Member cards: the period a card states, what its verification page may say, and the geometry of
 * a printed sheet. Pure: no I/O, no clock.
 *
 * The verification page is public (anyone holding the card can scan it), so a verdict carries
 * only validity and the programme's period — never a name, NIK, KPJ, or a date that belongs to
 * the person (an end date could be a date of death).
 */
import { formatDate } from './billing.js';
import type { MembershipState } from './coverage.js';
import type { Message } from './messages.js';

/** What a card says about its period: from the member's own start to the programme's end. */
export interface CardPeriod {
  from: string;
  to: string;
}

/**
 * The later of the programme's start, BPJS's effective date (TMT) and the member's own coverage
 * start (a replacement starts when the freed place is taken), up to the programme's end.
 */
export function cardPeriod(p: { programmeStart: string; programmeEnd: string; effectiveDate: string | null; coverageStart: string | null }): CardPeriod {
  let from = p.programmeStart;
  for (const d of [p.effectiveDate, p.coverageStart]) if (d !== null && d > from) from = d;
  return { from, to: p.programmeEnd };
}

/** '1 Juli 2025 – 31 Desember 2025' (id) or '1 July 2025 – 31 December 2025' (en). */
export function formatPeriod(period: CardPeriod, lang: 'id' | 'en'): string {
  return `${formatDate(period.from, lang)} – ${formatDate(period.to, lang)}`;
}

/**
 * 'valid' states: only an active membership inside its programme's period. Every other state is
 * reported without its reason or date.
 */
export type CardState = 'active' | 'lapsed' | 'ended' | 'expired' | 'not_active' | 'unknown';

export interface CardVerdict {
  valid: boolean;
  state: CardState;
  message: Message;
}

export interface CardFacts {
  state: MembershipState;
  period: CardPeriod;
}

export function cardVerdict(card: CardFacts | null, today: string): CardVerdict {
  if (card === null) {
    return {
      valid: false,
      state: 'unknown',
      message: {
        id: 'Kartu tidak dikenal. Pastikan seluruh kode QR terpindai; kartu yang tidak dikenal bukan kartu peserta program ini.',
        en: 'Unknown card. Make sure the whole QR code was scanned; an unknown card is not a member card of this programme.',
      },
    };
  }
  const { state, period } = card;
  if (state === 'active' && today > period.to) {
    return {
      valid: false,
      state: 'expired',
      message: {
        id: `Kartu tidak berlaku lagi: masa perlindungan program berakhir ${formatDate(period.to, 'id')}.`,
        en: `The card is no longer valid: the programme's coverage ended on ${formatDate(period.to, 'en')}.`,
      },
    };
  }
  if (state === 'active') {
    const later = today < period.from;
    return {
      valid: true,
      state: 'active',
      message: {
        id: `Kartu sah: kepesertaan aktif${later ? `; perlindungan mulai ${formatDate(period.from, 'id')}` : ''}.`,
        en: `Valid card: membership active${later ? `; coverage starts on ${formatDate(period.from, 'en')}` : ''}.`,
      },
    };
  }
  if (state === 'lapsed') {
    return { valid: false, state, message: { id: 'Kartu tidak berlaku: kepesertaan tidak aktif (non-aktif).', en: 'The card is not valid: the membership is not active (lapsed).' } };
  }
  if (state === 'ended') {
    return { valid: false, state, message: { id: 'Kartu tidak berlaku: kepesertaan tidak aktif (berhenti).', en: 'The card is not valid: the membership is not active (ended).' } };
  }
  return { valid: false, state: 'not_active', message: { id: 'Kartu tidak berlaku: kepesertaan tidak aktif.', en: 'The card is not valid: the membership is not active.' } };
}

/**
 * Tokens are URL-safe and long enough to be unguessable (Lindung makes 22 base64url characters,
 * 128 bits; 16 characters would still be 96): anything else is not even looked up.
 */
export function isCardToken(s: string): boolean {
  return /^[A-Za-z0-9_-]{16,64}$/.test(s);
}

// ---------------------------------------------------------------------------
// Printed sheets

/** PDF points per millimetre. */
export const PT_PER_MM = 72 / 25.4;
/** ISO/IEC 7810 ID-1, the size of a bank card. */
export const CARD_MM = { width: 85.6, height: 54 } as const;
export const A4_MM = { width: 210, height: 297 } as const;
export const SHEET = { columns: 2, rows: 5 } as const;
export const CARDS_PER_SHEET = SHEET.columns * SHEET.rows;

export interface Slot {
  /** Top-left corner, in points from the page's top-left. */
  x: number;
  y: number;
}

/**
 * The ten card positions of an A4 sheet, row by row, cards touching so that one cut separates two
 * neighbours; the grid is centred, leaving margins for the cut marks.
 */
export function sheetSlots(): Slot[] {
  const w = CARD_MM.width * PT_PER_MM;
  const h = CARD_MM.height * PT_PER_MM;
  const left = ((A4_MM.width - SHEET.columns * CARD_MM.width) / 2) * PT_PER_MM;
  const top = ((A4_MM.height - SHEET.rows * CARD_MM.height) / 2) * PT_PER_MM;
  const slots: Slot[] = [];
  for (let r = 0; r < SHEET.rows; r++) for (let c = 0; c < SHEET.columns; c++) slots.push({ x: left + c * w, y: top + r * h });
  return slots;
}

/** Where the cutter goes: every vertical and horizontal line of the grid, in points. */
export function cutLines(): { xs: number[]; ys: number[]; left: number; right: number; top: number; bottom: number } {
  const w = CARD_MM.width * PT_PER_MM;
  const h = CARD_MM.height * PT_PER_MM;
  const left = ((A4_MM.width - SHEET.columns * CARD_MM.width) / 2) * PT_PER_MM;
  const top = ((A4_MM.height - SHEET.rows * CARD_MM.height) / 2) * PT_PER_MM;
  const xs = Array.from({ length: SHEET.columns + 1 }, (_, i) => left + i * w);
  const ys = Array.from({ length: SHEET.rows + 1 }, (_, i) => top + i * h);
  return { xs, ys, left, right: xs.at(-1)!, top, bottom: ys.at(-1)! };
}

export function sheetsFor(cards: number): number {
  return Math.ceil(cards / CARDS_PER_SHEET);
}

/**
 * A QR matrix as horizontal runs of dark modules [x, y, width]: one rectangle per run instead of
 * one per module keeps a sheet's drawing small.
 */
export function darkRuns(size: number, isDark: (row: number, col: number) => boolean): [number, number, number][] {
  const runs: [number, number, number][] = [];
  for (let y = 0; y < size; y++) {
    let start = -1;
    for (let x = 0; x <= size; x++) {
      const dark = x < size && isDark(y, x);
      if (dark && start < 0) start = x;
      else if (!dark && start >= 0) {
        runs.push([start, y, x - start]);
        start = -1;
      }
    }
  }
  return runs;
}

/**
 * Text for the PDF's standard fonts (WinAnsi): letters outside it lose their accents, anything
 * else becomes '?', rather than printing nothing.
 */
const WIN_ANSI_EXTRA = new Set('€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ');
export function winAnsi(text: string): string {
  let out = '';
  for (const ch of text.normalize('NFC')) {
    const code = ch.codePointAt(0)!;
    if ((code >= 0x20 && code <= 0x7e) || (code >= 0xa0 && code <= 0xff) || WIN_ANSI_EXTRA.has(ch)) {
      out += ch;
      continue;
    }
    const base = ch.normalize('NFD').replace(/[\u0300-\u036f]/g, '');
    out += base && [...base].every((c) => c.codePointAt(0)! >= 0x20 && c.codePointAt(0)! <= 0x7e) ? base : code < 0x20 ? ' ' : '?';
  }
  return out;
}
