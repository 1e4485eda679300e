/**
 * Member cards: which cards a print run holds, their tokens, the print record, and the public
 * verification of a token.
 *
 * A print run is one short transaction (tokens for members who have none, one card_print row);
 * the cards themselves are then read village by village in pages, each page its own short
 * transaction, so a 100,000-card PDF never holds the database or the memory for long.
 */
import { randomBytes } from 'node:crypto';
import type { Db, Queryable } from '../../db/types.js';
import { asSystem } from '../../db/scope.js';
import { cardPeriod, cardVerdict, isCardToken, type CardPeriod, type CardState } from '../../domain/card.js';
import type { MembershipState } from '../../domain/coverage.js';
import type { Message } from '../../domain/messages.js';
import { UserError } from '../../domain/user-error.js';
import type { Programme } from '../programmes/programmes.js';

/** Runs one short transaction; the API passes the signed-in user's scope, the CLI the system's. */
export type RunTx = <T>(fn: (tx: Queryable) => Promise<T>) => Promise<T>;

export interface PrintCard {
  membershipId: number;
  token: string;
  fullName: string;
  kpj: string;
  village: string;
  district: string;
  period: CardPeriod;
}

export interface PrintRun {
  printId: number;
  programme: string;
  area: string;
  cards: number;
  /** Members whose first card this is (their token was made now). */
  newTokens: number;
}

/**
 * 16 random bytes, base64url: 128 bits, safe in a URL and a QR code. Never starting with '-',
 * which a command line would take for an option (`lindung cards verify -x…`): such draws are
 * simply drawn again.
 */
export function newCardToken(): string {
  for (;;) {
    const t = randomBytes(16).toString('base64url');
    if (t[0] !== '-') return t;
  }
}

const IN_AREA = '(m.village_code = $2 OR starts_with(m.village_code, $2 || \'.\'))';

/**
 * Without an area: the programme's own area when it lies inside the user's (a regency programme
 * seen by the province), otherwise the user's area.
 */
export function defaultCardArea(programme: Programme, actorArea: string | null): string {
  if (actorArea === null) return programme.funderAreaCode;
  const f = programme.funderAreaCode;
  return f === actorArea || f.startsWith(`${actorArea}.`) ? f : actorArea;
}

export async function checkCardArea(tx: Queryable, code: string): Promise<void> {
  const ok = /^[0-9]{2}(\.[0-9]{2}(\.[0-9]{2}(\.[0-9]{4})?)?)?$/.test(code)
    && (await tx.query('SELECT 1 FROM area WHERE code = $1', [code])).length > 0;
  if (!ok) {
    throw new UserError('invalid', 'area_unknown', {
      id: `Wilayah "${code.slice(0, 20)}" tidak dikenal. Beri kode Kemendagri kabupaten/kota atau kecamatan, mis. 53.08 atau 53.08.01.`,
      en: `Area "${code.slice(0, 20)}" is unknown. Give a Kemendagri regency or district code, e.g. 53.08 or 53.08.01.`,
    });
  }
}

export interface CardCount {
  active: number;
  /** Active members who already have a card (a token). */
  printed: number;
}

export async function countCards(tx: Queryable, programmeId: number, area: string): Promise<CardCount> {
  const [r] = await tx.query<CardCount>(
    `SELECT count(*)::int AS active, count(m.card_token)::int AS printed
       FROM membership m WHERE m.programme_id = $1 AND m.state = 'active' AND ${IN_AREA}`,
    [programmeId, area],
  );
  return r ?? { active: 0, printed: 0 };
}

export interface RegencyCards extends CardCount {
  code: string;
  name: string;
}

/** Per regency the user may see (row-level security decides), the cards a print would hold. */
export async function regencyCardCounts(tx: Queryable, programmeId: number): Promise<RegencyCards[]> {
  return tx.query<RegencyCards>(
    `SELECT q.regency_code AS code, a.name, coalesce(c.active, 0)::int AS active, coalesce(c.printed, 0)::int AS printed
       FROM programme_quota q JOIN area a ON a.code = q.regency_code
       LEFT JOIN (SELECT m.regency_code, count(*) AS active, count(m.card_token) AS printed
                    FROM membership m WHERE m.programme_id = $1 AND m.state = 'active' GROUP BY m.regency_code) c ON c.regency_code = q.regency_code
      WHERE q.programme_id = $1 AND lindung_in_area(q.regency_code)
      ORDER BY a.name`,
    [programmeId],
  );
}

export interface CardPrintRecord {
  id: number;
  area: string;
  areaName: string | null;
  cards: number;
  by: string;
  at: Date;
}

export async function listCardPrints(tx: Queryable, programmeId: number, limit = 20): Promise<CardPrintRecord[]> {
  return tx.query<CardPrintRecord>(
    `SELECT c.id, c.area_code AS area, a.name AS "areaName", c.cards, c.created_by_label AS by, c.created_at AS at
       FROM card_print c LEFT JOIN area a ON a.code = c.area_code WHERE c.programme_id = $1 ORDER BY c.id DESC LIMIT $2`,
    [programmeId, limit],
  );
}

/**
 * Starts a print run: every active member in the area gets a token if they have none (one
 * statement; a reprint keeps the tokens already on cards), and the run is recorded in card_print
 * (with history). Refused when there is nothing to print.
 */
export async function startPrintRun(tx: Queryable, programme: Programme, area: string, label: string): Promise<PrintRun> {
  await checkCardArea(tx, area);
  const before = await countCards(tx, programme.id, area);
  if (before.active === 0) {
    throw new UserError('invalid', 'no_cards', {
      id: `Tidak ada peserta aktif ${programme.code} di wilayah ${area} (atau wilayah itu di luar wilayah Anda): kartu dicetak setelah BPJS menerima peserta dan menerbitkan KPJ. Pilih wilayah lain, atau terapkan jawaban BPJS dulu.`,
      en: `There are no active members of ${programme.code} in area ${area} (or it is outside your area): cards are printed once BPJS has accepted members and issued KPJ numbers. Choose another area, or apply BPJS's answer first.`,
    });
  }
  const missing = before.active - before.printed;
  let newTokens = 0;
  if (missing > 0) {
    const tokens = Array.from({ length: missing }, newCardToken);
    const [r] = await tx.query<{ n: number }>(
      `WITH need AS (
         SELECT m.id, row_number() OVER (ORDER BY m.id) AS rn
           FROM membership m WHERE m.programme_id = $1 AND m.state = 'active' AND m.card_token IS NULL AND ${IN_AREA}),
       tok AS (SELECT t, rn FROM unnest($3::text[]) WITH ORDINALITY AS u(t, rn)),
       upd AS (UPDATE membership m SET card_token = tok.t, updated_at = now() FROM need JOIN tok USING (rn) WHERE m.id = need.id RETURNING 1)
       SELECT count(*)::int AS n FROM upd`,
      [programme.id, area, tokens],
    );
    newTokens = r?.n ?? 0;
  }
  const cards = before.printed + newTokens;
  const [row] = await tx.query<{ id: number }>(
    'INSERT INTO card_print (programme_id, area_code, cards, created_by_label) VALUES ($1, $2, $3, $4) RETURNING id',
    [programme.id, area, cards, label],
  );
  return { printId: row!.id, programme: programme.code, area, cards, newTokens };
}

interface VillageCards {
  code: string;
  village: string;
  district: string;
  n: number;
}

/** Villages holding cards, in ceremony order: district, then village, by name. */
async function cardVillages(tx: Queryable, programmeId: number, area: string): Promise<VillageCards[]> {
  return tx.query<VillageCards>(
    `SELECT c.village_code AS code, v.name AS village, d.name AS district, c.n
       FROM (SELECT m.village_code, count(*)::int AS n FROM membership m
              WHERE m.programme_id = $1 AND m.state = 'active' AND m.card_token IS NOT NULL AND ${IN_AREA}
              GROUP BY m.village_code) c
       JOIN area v ON v.code = c.village_code JOIN area d ON d.code = v.parent_code
      ORDER BY d.name, v.name, v.code`,
    [programmeId, area],
  );
}

interface CardRow {
  id: number;
  card_token: string;
  full_name: string;
  kpj: string | null;
  village_code: string;
  sort_name: string;
  programme_start: string;
  programme_end: string;
  effective_date: string | null;
  coverage_start: string | null;
}

/**
 * Cards of the given villages (in that order), by name — the normalised name in byte order, the
 * same on every engine; `after` continues inside the one village.
 */
async function cardsOfVillages(tx: Queryable, programmeId: number, villages: string[], after: { name: string; id: number } | null, limit: number): Promise<CardRow[]> {
  return tx.query<CardRow>(
    `SELECT m.id, m.card_token, p.full_name, m.kpj, m.village_code, p.name_norm AS sort_name,
            g.coverage_start AS programme_start, g.coverage_end AS programme_end, m.effective_date, m.coverage_start
       FROM membership m JOIN person p ON p.id = m.person_id JOIN programme g ON g.id = m.programme_id
      WHERE m.programme_id = $1 AND m.state = 'active' AND m.card_token IS NOT NULL AND m.village_code = ANY($2::text[])
        AND ($3::text IS NULL OR (p.name_norm, m.id) > ($3::text COLLATE "C", $4::bigint))
      ORDER BY array_position($2::text[], m.village_code), p.name_norm, m.id
      LIMIT $5`,
    [programmeId, villages, after?.name ?? null, after?.id ?? 0, limit],
  );
}

/**
 * The run's cards in ceremony order (district, village, name), a page at a time: whole villages
 * are grouped up to `pageSize` cards; a larger village is read in pages of its own.
 */
export async function* cardPages(run: RunTx, programmeId: number, area: string, pageSize = 500): AsyncGenerator<PrintCard[]> {
  const villages = await run((tx) => cardVillages(tx, programmeId, area));
  const byCode = new Map(villages.map((v) => [v.code, v]));
  const toCard = (r: CardRow): PrintCard => {
    const v = byCode.get(r.village_code)!;
    return {
      membershipId: r.id,
      token: r.card_token,
      fullName: r.full_name,
      kpj: r.kpj ?? '',
      village: v.village,
      district: v.district,
      period: cardPeriod({ programmeStart: r.programme_start, programmeEnd: r.programme_end, effectiveDate: r.effective_date, coverageStart: r.coverage_start }),
    };
  };
  let i = 0;
  while (i < villages.length) {
    const group: string[] = [];
    let n = 0;
    while (i < villages.length && (group.length === 0 || n + villages[i]!.n <= pageSize)) {
      group.push(villages[i]!.code);
      n += villages[i]!.n;
      i++;
    }
    let after: { name: string; id: number } | null = null;
    for (;;) {
      const rows = await run((tx) => cardsOfVillages(tx, programmeId, group, after, pageSize));
      if (rows.length) yield rows.map(toCard);
      // Only a village too big for one page goes on; a group fits by construction.
      if (rows.length < pageSize || group.length > 1) break;
      const last = rows.at(-1)!;
      after = { name: last.sort_name, id: last.id };
    }
  }
}

export interface CardCheck {
  valid: boolean;
  state: CardState;
  programme: { code: string; name: string } | null;
  periodFrom: string | null;
  periodTo: string | null;
  message: Message;
}

/**
 * What anyone holding a card may learn from its token: valid or not, the programme and its
 * period — nothing about the person. Read as the system (the public has no area), through one
 * narrow query that selects no personal field.
 */
export async function verifyCard(db: Db, token: string, today: string): Promise<CardCheck> {
  const row = isCardToken(token)
    ? (await asSystem(db, 'public', (tx) => tx.query<{ state: MembershipState; code: string; name: string; programme_start: string; programme_end: string; effective_date: string | null; coverage_start: string | null }>(
        `SELECT m.state, g.code, g.name, g.coverage_start AS programme_start, g.coverage_end AS programme_end, m.effective_date, m.coverage_start
           FROM membership m JOIN programme g ON g.id = m.programme_id WHERE m.card_token = $1`,
        [token],
      )))[0] ?? null
    : null;
  if (!row) {
    const v = cardVerdict(null, today);
    return { valid: false, state: v.state, programme: null, periodFrom: null, periodTo: null, message: v.message };
  }
  const period = cardPeriod({ programmeStart: row.programme_start, programmeEnd: row.programme_end, effectiveDate: row.effective_date, coverageStart: row.coverage_start });
  const v = cardVerdict({ state: row.state, period }, today);
  return { valid: v.valid, state: v.state, programme: { code: row.code, name: row.name }, periodFrom: period.from, periodTo: period.to, message: v.message };
}
