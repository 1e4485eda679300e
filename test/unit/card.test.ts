import { describe, expect, it } from 'vitest';
import {
  A4_MM, CARD_MM, CARDS_PER_SHEET, PT_PER_MM, cardPeriod, cardVerdict, cutLines, darkRuns, formatPeriod, isCardToken, sheetSlots, sheetsFor, winAnsi,
} from '../../src/domain/card.js';
import { newCardToken } from '../../src/features/enrollment/cards.js';

const PERIOD = { from: '2025-07-01', to: '2025-12-31' };

describe('card period', () => {
  it('runs from the latest of programme start, BPJS effective date and own coverage start, to the programme end', () => {
    const base = { programmeStart: '2025-07-01', programmeEnd: '2025-12-31' };
    expect(cardPeriod({ ...base, effectiveDate: null, coverageStart: null })).toEqual(PERIOD);
    expect(cardPeriod({ ...base, effectiveDate: '2025-06-15', coverageStart: null })).toEqual(PERIOD);
    expect(cardPeriod({ ...base, effectiveDate: '2025-08-01', coverageStart: null })).toEqual({ from: '2025-08-01', to: '2025-12-31' });
    // A replacement: its own start after BPJS's date.
    expect(cardPeriod({ ...base, effectiveDate: '2025-08-01', coverageStart: '2025-10-01' })).toEqual({ from: '2025-10-01', to: '2025-12-31' });
  });

  it('is written the Indonesian way', () => {
    expect(formatPeriod(PERIOD, 'id')).toBe('1 Juli 2025 – 31 Desember 2025');
    expect(formatPeriod(PERIOD, 'en')).toBe('1 July 2025 – 31 December 2025');
  });
});

describe('card verdict', () => {
  it('an active membership in its period is valid; before its start it is valid with the start named', () => {
    expect(cardVerdict({ state: 'active', period: PERIOD }, '2025-09-01')).toMatchObject({ valid: true, state: 'active', message: { id: 'Kartu sah: kepesertaan aktif.' } });
    expect(cardVerdict({ state: 'active', period: PERIOD }, '2025-06-20').message.id).toBe('Kartu sah: kepesertaan aktif; perlindungan mulai 1 Juli 2025.');
    expect(cardVerdict({ state: 'active', period: PERIOD }, '2025-12-31').valid).toBe(true);
  });

  it('after the programme, ended, lapsed or never active: not valid, without reason or date of the person', () => {
    expect(cardVerdict({ state: 'active', period: PERIOD }, '2026-01-01')).toMatchObject({ valid: false, state: 'expired' });
    const ended = cardVerdict({ state: 'ended', period: PERIOD }, '2025-09-01');
    expect(ended).toMatchObject({ valid: false, state: 'ended', message: { id: 'Kartu tidak berlaku: kepesertaan tidak aktif (berhenti).' } });
    expect(cardVerdict({ state: 'lapsed', period: PERIOD }, '2025-09-01')).toMatchObject({ valid: false, state: 'lapsed', message: { id: 'Kartu tidak berlaku: kepesertaan tidak aktif (non-aktif).' } });
    expect(cardVerdict({ state: 'candidate', period: PERIOD }, '2025-09-01')).toMatchObject({ valid: false, state: 'not_active' });
    expect(cardVerdict(null, '2025-09-01')).toMatchObject({ valid: false, state: 'unknown', message: { id: expect.stringMatching(/^Kartu tidak dikenal/) } });
  });
});

describe('card tokens', () => {
  it('are 128 random bits in base64url, never starting with "-", never repeated', () => {
    const tokens = Array.from({ length: 5000 }, newCardToken);
    expect(tokens.every((t) => /^[A-Za-z0-9_][A-Za-z0-9_-]{21}$/.test(t) && isCardToken(t))).toBe(true);
    expect(new Set(tokens).size).toBe(tokens.length);
  });

  it('anything not URL-safe or too short to be unguessable is not a token', () => {
    expect(isCardToken('a'.repeat(15))).toBe(false);
    expect(isCardToken('a'.repeat(16))).toBe(true);
    expect(isCardToken("abc' OR 1=1 --xxxxxxx")).toBe(false);
    expect(isCardToken('0123456789abcdef0123456789abcdef')).toBe(true);
  });
});

describe('A4 sheet', () => {
  it('holds ten credit-card-sized cards, 2 × 5, centred, touching, inside the page with room for cut marks', () => {
    const slots = sheetSlots();
    expect(slots).toHaveLength(CARDS_PER_SHEET);
    const w = CARD_MM.width * PT_PER_MM;
    const h = CARD_MM.height * PT_PER_MM;
    expect(slots[1]!.x - slots[0]!.x).toBeCloseTo(w, 6);
    expect(slots[2]!.y - slots[0]!.y).toBeCloseTo(h, 6);
    const { left, right, top, bottom, xs, ys } = cutLines();
    expect(xs).toHaveLength(3);
    expect(ys).toHaveLength(6);
    expect(left).toBeCloseTo(((A4_MM.width - 2 * CARD_MM.width) / 2) * PT_PER_MM, 6);
    expect(A4_MM.width * PT_PER_MM - right).toBeCloseTo(left, 6);
    expect(A4_MM.height * PT_PER_MM - bottom).toBeCloseTo(top, 6);
    // 13.5 mm above and below: enough for 1.5 mm gap + 6 mm marks.
    expect(top / PT_PER_MM).toBeCloseTo(13.5, 6);
  });

  it('needs ceil(n / 10) sheets', () => {
    expect([0, 1, 10, 11, 23, 100_000].map(sheetsFor)).toEqual([0, 1, 1, 2, 3, 10_000]);
  });
});

describe('QR runs', () => {
  it('turns each row of dark modules into runs', () => {
    const m = ['##.#', '....', '####', '.#..'];
    expect(darkRuns(m.length, (r, c) => m[r]![c] === '#')).toEqual([[0, 0, 2], [3, 0, 1], [0, 2, 4], [1, 3, 1]]);
  });
});

describe('text for the standard fonts', () => {
  it('keeps Indonesian and Latin-1 text, strips accents it cannot print, replaces the rest', () => {
    expect(winAnsi('Masa perlindungan 1 Juli 2025 – 31 Desember 2025 — Ñoño')).toBe('Masa perlindungan 1 Juli 2025 – 31 Desember 2025 — Ñoño');
    expect(winAnsi('Ngạ Lėwa')).toBe('Nga Lewa');
    expect(winAnsi('漢字')).toBe('??');
  });
});
