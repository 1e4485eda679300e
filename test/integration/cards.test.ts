/**
 * Member cards end to end on the engine under test: members made active through the BPJS
 * submission and answer, cards printed through the API and the CLI as real PDFs, the QR codes
 * read back out of the PDF, the public check, and area scope.
 */
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import QRCode from 'qrcode';
import { FOREIGN, HOME, signInAs, startFixture, username, type Client, type Fixture } from '../helpers/app.js';
import { freshConfig, type TestConfig } from '../helpers/db.js';
import { cliEnv, runCli } from '../helpers/cli.js';
import { asSystem } from '../../src/db/scope.js';
import type { Queryable } from '../../src/db/types.js';
import { openDatabase } from '../../src/db/open.js';
import { getProgramme } from '../../src/features/programmes/programmes.js';
import { applyResponse, createSubmission, type ResponseLine } from '../../src/features/enrollment/submissions.js';
import { cardPages, startPrintRun, type PrintCard } from '../../src/features/enrollment/cards.js';
import { verificationUrl, writeCardsPdf } from '../../src/features/enrollment/card-pdf.js';

let f: Fixture;
const sys = <T>(fn: (tx: Queryable) => Promise<T>) => asSystem(f.db, 'test', fn);
const BASE = 'http://lindung.test';
const HOST = { host: 'lindung.test' };
// A window around any day the suite may run on: the public check judges validity against today.
const PROGRAMME = 'UJI-KARTU';
const FIRST_NAMES = ['Agnes', 'Bernadus', 'Cornelia', 'Dominggus', 'Elisabeth', 'Fransiska', 'Gaspar', 'Helena', 'Ignasius', 'Yosefina', 'Klemens', 'Lusia'];

// ---------------------------------------------------------------------------------------------
// Reading a PDF back: pages, content streams, and the QR codes drawn in them.

function pageCount(pdf: Buffer): number {
  return (pdf.toString('latin1').match(/\/Type \/Page\b/g) ?? []).length;
}

/** Every content stream, inflated when compressed. */
function contentStreams(pdf: Buffer): string[] {
  const text = pdf.toString('latin1');
  const out: string[] = [];
  const re = /<<([^]*?)>>\nstream\n/g;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const length = Number(/\/Length (\d+)/.exec(m[1]!)?.[1]);
    const start = m.index + m[0].length;
    const data = pdf.subarray(start, start + length);
    out.push(/\/FlateDecode/.test(m[1]!) ? zlib.inflateSync(data).toString('latin1') : data.toString('latin1'));
  }
  return out;
}

/** The dark modules of each QR code, as the PDF draws them (runs of `col row width 1 re`), in drawing order. */
function qrCodesIn(pdf: Buffer): string[] {
  const codes: string[] = [];
  for (const s of contentStreams(pdf)) {
    for (const block of s.match(/(?:^\d+ \d+ \d+ 1 re\n)+/gm) ?? []) {
      const dark: string[] = [];
      for (const line of block.trim().split('\n')) {
        const [x, y, w] = line.split(' ').map(Number) as [number, number, number];
        for (let i = 0; i < w; i++) dark.push(`${y},${x + i}`);
      }
      codes.push(dark.sort().join(' '));
    }
  }
  return codes;
}

/** The same, computed by the qrcode library from the address itself. */
function qrOf(url: string): string {
  const q = QRCode.create(url, { errorCorrectionLevel: 'M' });
  const dark: string[] = [];
  for (let r = 0; r < q.modules.size; r++) for (let c = 0; c < q.modules.size; c++) if (q.modules.get(r, c)) dark.push(`${r},${c}`);
  return dark.sort().join(' ');
}

// ---------------------------------------------------------------------------------------------
// Members: people proposed and approved (candidates), submitted to BPJS and accepted.

async function villagesOf(regency: string, n: number): Promise<string[]> {
  const rows = await f.db.query<{ code: string }>("SELECT code FROM area WHERE level = 4 AND starts_with(code, $1 || '.') ORDER BY code LIMIT $2", [regency, n]);
  return rows.map((r) => r.code);
}

let serial = 0;
/** `names.length` people in the villages (round robin), made active members of the test programme. */
async function activeMembers(area: string, villages: string[], names: string[]): Promise<string[]> {
  return sys(async (tx) => {
    const p = await getProgramme(tx, PROGRAMME);
    const niks: string[] = [];
    for (const [i, name] of names.entries()) {
      const nik = `${area.replace('.', '')}010101${String(9000 + serial++).padStart(6, '0')}`;
      const [row] = await tx.query<{ id: number }>(
        `INSERT INTO person (nik, full_name, birth_date, sex, village_code, occupation, dtsen_decile) VALUES ($1, $2, '1985-01-01', 'P', $3, 'petani', 2) RETURNING id`,
        [nik, name, villages[i % villages.length]!],
      );
      await tx.query(`INSERT INTO membership (programme_id, person_id, state, village_code, decided_by) VALUES ($1, $2, 'candidate', $3, 'test')`, [p.id, row!.id, villages[i % villages.length]!]);
      niks.push(nik);
    }
    const batch = await createSubmission(tx, p, area, 'test');
    const lines: ResponseLine[] = niks.map((nik, i) => ({ fileLine: i + 2, nik, kpj: `2${nik.slice(-10)}`, accepted: true, effectiveDate: '2026-02-01', reason: null }));
    await applyResponse(tx, batch.id, lines, null);
    return niks;
  });
}

interface MemberRow {
  nik: string;
  full_name: string;
  kpj: string;
  card_token: string | null;
  state: string;
}
async function members(area: string): Promise<MemberRow[]> {
  return f.db.query<MemberRow>(
    `SELECT p.nik, p.full_name, m.kpj, m.card_token, m.state FROM membership m JOIN person p ON p.id = m.person_id JOIN programme g ON g.id = m.programme_id
      WHERE g.code = $1 AND starts_with(m.village_code, $2 || '.') ORDER BY p.nik`,
    [PROGRAMME, area],
  );
}

beforeAll(async () => {
  f = await startFixture('cards');
  await f.db.query(
    `INSERT INTO programme (code, name, funder_type, funder_area_code, funder_name, fiscal_year, coverage_start, coverage_end, benefits, declared_income, total_quota)
     VALUES ($1, 'Program Uji Kartu Peserta', 'province', '53', 'Pemerintah Provinsi Nusa Tenggara Timur', 2026, '2026-01-01', '2099-12-31', '{JKK,JKM}', 1000000, 10000)`,
    [PROGRAMME],
  );
  await f.db.query(`INSERT INTO programme_quota (programme_id, regency_code, quota, method) SELECT id, r, 100, 'proportional' FROM programme, unnest(ARRAY['53.01', '53.08']) r WHERE code = $1`, [PROGRAMME]);
});
afterAll(async () => f?.cleanup());

describe('member cards', () => {
  let operator: Client;

  it('prints the active members of the regency, ten to an A4 sheet, each QR code holding its card\'s address', async () => {
    const villages = await villagesOf(HOME, 3);
    await activeMembers(HOME, villages, Array.from({ length: 23 }, (_, i) => `${FIRST_NAMES[i % FIRST_NAMES.length]} ${['Tefa', 'Bria', 'Nope'][i % 3]}`));
    await activeMembers(FOREIGN, await villagesOf(FOREIGN, 2), ['Fransiskus Wangge', 'Maria Bhoko', 'Petrus Ndoen', 'Yuliana Dhey']);
    operator = await signInAs(f.app, username('regency_operator'));

    const res = await operator.request('GET', `/api/programmes/${PROGRAMME}/cards.pdf`, undefined, HOST);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers['content-type']).toBe('application/pdf');
    expect(res.headers['content-disposition']).toBe(`attachment; filename="kartu-${PROGRAMME}-${HOME}.pdf"`);
    const pdf = res.rawPayload;
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    expect(pdf.subarray(-6).toString()).toMatch(/%%EOF/);
    expect(pageCount(pdf)).toBe(Math.ceil(23 / 10));

    // Tokens: 16 random bytes each, only for the regency printed.
    const kupangRows = await members(HOME);
    expect(kupangRows.every((m) => /^[A-Za-z0-9_-]{22}$/.test(m.card_token ?? ''))).toBe(true);
    expect(new Set(kupangRows.map((m) => m.card_token)).size).toBe(23);
    expect((await members(FOREIGN)).every((m) => m.card_token === null)).toBe(true);

    // Every card's QR code is the address of its own verification page, in ceremony order.
    const drawn = qrCodesIn(pdf);
    expect(drawn).toHaveLength(23);
    const byCode = new Map(kupangRows.map((m) => [qrOf(verificationUrl(BASE, m.card_token!)), m]));
    const order = drawn.map((d) => byCode.get(d)?.nik);
    expect(order.every(Boolean)).toBe(true);
    const expected = await f.db.query<{ nik: string }>(
      `SELECT p.nik FROM membership m JOIN person p ON p.id = m.person_id JOIN area v ON v.code = m.village_code JOIN area d ON d.code = v.parent_code
        JOIN programme g ON g.id = m.programme_id WHERE g.code = $1 AND m.regency_code = $2 ORDER BY d.name, v.name, v.code, p.name_norm, m.id`,
      [PROGRAMME, HOME],
    );
    expect(order).toEqual(expected.map((e) => e.nik));

    // The run is recorded, with its history and the export of personal data.
    const prints = await f.db.query<{ id: number; area_code: string; cards: number; created_by_label: string }>(
      'SELECT c.id, c.area_code, c.cards, c.created_by_label FROM card_print c JOIN programme g ON g.id = c.programme_id WHERE g.code = $1', [PROGRAMME]);
    expect(prints).toEqual([{ id: Number(res.headers['x-card-print']), area_code: HOME, cards: 23, created_by_label: username('regency_operator') }]);
    const history = await f.db.query<{ op: string; actor_label: string }>(`SELECT op, actor_label FROM audit_history WHERE table_name = 'card_print' AND row_key = $1`, [String(prints[0]!.id)]);
    expect(history).toEqual([{ op: 'I', actor_label: username('regency_operator') }]);
    const [tokensLogged] = await f.db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM audit_history WHERE table_name = 'membership' AND op = 'U' AND before ->> 'card_token' IS NULL AND after ->> 'card_token' IS NOT NULL`);
    expect(tokensLogged!.n).toBe(23);
    const exported = await f.db.query<{ action: string; subject_count: number }>(`SELECT action, subject_count FROM data_access_log WHERE purpose = 'cards.print'`);
    expect(exported).toEqual([{ action: 'export', subject_count: 0 }]);
  });

  it('a reprint keeps every card\'s token; a member accepted since gets a new one', async () => {
    const before = new Map((await members(HOME)).map((m) => [m.nik, m.card_token]));
    const late = await activeMembers(HOME, await villagesOf(HOME, 1), ['Zakarias Lay', 'Ursula Manu']);
    const res = await operator.request('GET', `/api/programmes/${PROGRAMME}/cards.pdf?area=${HOME}`, undefined, HOST);
    expect(res.statusCode).toBe(200);
    expect(res.headers['x-cards']).toBe('25');
    expect(pageCount(res.rawPayload)).toBe(3);
    const after = await members(HOME);
    for (const m of after) {
      if (late.includes(m.nik)) expect(m.card_token).toMatch(/^[A-Za-z0-9_-]{22}$/);
      else expect(m.card_token).toBe(before.get(m.nik));
    }
    const [n] = await f.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM card_print WHERE area_code = $1`, [HOME]);
    expect(n!.n).toBe(2);
    // The web route streams the same kind of PDF; the print page shows the counts and the run.
    const web = await operator.request('GET', `/programmes/${PROGRAMME}/cards.pdf?area=${HOME}`, undefined, HOST);
    expect(pageCount(web.rawPayload)).toBe(3);
    const screen = await operator.request('GET', `/programmes/${PROGRAMME}/cards`);
    expect(screen.statusCode).toBe(200);
    expect(screen.body).toContain(`action="/programmes/${PROGRAMME}/cards.pdf"`);
    expect(screen.body).toMatch(/Kabupaten Kupang — 25 kartu/);
    expect(screen.body).not.toMatch(/Ende/);
    const programmePage = await operator.request('GET', `/programmes/${PROGRAMME}`);
    expect(programmePage.body).toContain(`href="/programmes/${PROGRAMME}/cards"`);
  });

  it('a regency operator cannot print another regency; Ende\'s operator prints only Ende', async () => {
    const refused = await operator.request('GET', `/api/programmes/${PROGRAMME}/cards.pdf?area=${FOREIGN}`);
    expect(refused.statusCode).toBe(403);
    const district = (await villagesOf(FOREIGN, 1))[0]!.slice(0, 8);
    expect((await operator.request('GET', `/api/programmes/${PROGRAMME}/cards.pdf?area=${district}`)).statusCode).toBe(403);
    expect((await members(FOREIGN)).every((m) => m.card_token === null)).toBe(true);
    const viewer = await signInAs(f.app, username('viewer'));
    expect((await viewer.request('GET', `/api/programmes/${PROGRAMME}/cards.pdf?area=${HOME}`)).statusCode).toBe(403);
    expect((await viewer.request('GET', `/programmes/${PROGRAMME}/cards`)).statusCode).toBe(403);

    const ende = await signInAs(f.app, 'ende.operator');
    const res = await ende.request('GET', `/api/programmes/${PROGRAMME}/cards.pdf`, undefined, HOST);
    expect(res.statusCode).toBe(200);
    expect(res.headers['x-cards']).toBe('4');
    const endeRows = await members(FOREIGN);
    const drawn = new Set(qrCodesIn(res.rawPayload));
    expect(endeRows.every((m) => drawn.has(qrOf(verificationUrl(BASE, m.card_token!))))).toBe(true);
    expect(drawn.size).toBe(4);
    // Nothing left to print in an area without active members: said so, nothing recorded.
    const none = await operator.request('GET', `/api/programmes/NTT-2026/cards.pdf?area=${HOME}`);
    expect(none.statusCode).toBe(422);
    expect(none.json()).toMatchObject({ code: 'no_cards' });
  });

  it('the public check shows validity only: valid, not active (ended, lapsed), unknown — never the person', async () => {
    const rows = await members(HOME);
    const [active, ended, lapsed] = [rows[0]!, rows[1]!, rows[2]!];
    // Ending and lapsing have their own screens (membership timeline); here the states are set directly.
    await sys(async (tx) => {
      await tx.query(`UPDATE membership SET state = 'ended', ended_on = '2026-03-14', ended_reason = 'death' WHERE card_token = $1`, [ended.card_token]);
      await tx.query(`UPDATE membership SET state = 'lapsed', lapsed_on = '2026-05-01' WHERE card_token = $1`, [lapsed.card_token]);
    });
    const check = async (token: string) => {
      const page = await f.app.inject({ method: 'GET', url: `/v/${token}` });
      const api = await f.app.inject({ method: 'GET', url: `/api/cards/${token}` });
      expect(page.statusCode).toBe(200);
      expect(api.statusCode).toBe(200);
      expect(page.headers['cache-control']).toBe('no-store');
      for (const r of [active, ended, lapsed]) {
        for (const secret of [r.full_name, r.nik, r.kpj, r.full_name.toUpperCase()]) {
          expect(page.body).not.toContain(secret);
          expect(api.body).not.toContain(secret);
        }
      }
      expect(page.body).not.toContain('2026-03-14');
      expect(page.body).not.toMatch(/14 Maret 2026/);
      return { page: page.body, json: api.json() as Record<string, unknown> };
    };

    const ok = await check(active.card_token!);
    expect(ok.page).toContain('Kartu sah: kepesertaan aktif');
    expect(ok.page).toContain('Valid card: membership active');
    expect(ok.page).toContain('Program Uji Kartu Peserta');
    expect(ok.page).toContain('1 Februari 2026 – 31 Desember 2099');
    expect(ok.json).toEqual({
      valid: true, state: 'active', programme: { code: PROGRAMME, name: 'Program Uji Kartu Peserta' }, periodFrom: '2026-02-01', periodTo: '2099-12-31',
      message: { id: 'Kartu sah: kepesertaan aktif.', en: 'Valid card: membership active.' },
    });

    const gone = await check(ended.card_token!);
    expect(gone.page).toContain('tidak aktif (berhenti)');
    expect(gone.json).toMatchObject({ valid: false, state: 'ended' });
    const late = await check(lapsed.card_token!);
    expect(late.page).toContain('tidak aktif (non-aktif)');
    expect(late.json).toMatchObject({ valid: false, state: 'lapsed' });

    for (const token of ['AAAAAAAAAAAAAAAAAAAAAA', 'not-a-token', "x'%20OR%201=1"]) {
      const unknown = await check(token);
      expect(unknown.page).toContain('Kartu tidak dikenal');
      expect(unknown.json).toMatchObject({ valid: false, state: 'unknown', programme: null, periodFrom: null, periodTo: null });
    }
    // Ended and lapsed members are not printed again.
    const res = await operator.request('GET', `/api/programmes/${PROGRAMME}/cards.pdf?area=${HOME}`);
    expect(res.headers['x-cards']).toBe('23');
  });

  it('the public check is rate limited per client address', async () => {
    const codes: number[] = [];
    for (let i = 0; i < 61; i++) codes.push((await f.app.inject({ method: 'GET', url: '/api/cards/BBBBBBBBBBBBBBBBBBBBBB', remoteAddress: '10.9.8.7' })).statusCode);
    expect(codes.slice(0, 60).every((c) => c === 200)).toBe(true);
    expect(codes[60]).toBe(429);
  });

  it('reads a few thousand cards in pages, never all at once, into a PDF of ceil(n/10) sheets', async () => {
    const villages = await villagesOf('53.71', 5);
    const n = 2_000;
    await sys(async (tx) => {
      const p = await getProgramme(tx, PROGRAMME);
      // Most people in one village, so that village alone spans several pages; many equal names.
      await tx.query(
        `INSERT INTO person (nik, full_name, birth_date, sex, village_code, occupation)
         SELECT '537101010191' || lpad(g::text, 4, '0'), 'Warga ' || chr(65 + g % 7) || ' ' || chr(65 + g % 3), '1980-01-01', 'L',
                ($1::text[])[CASE WHEN g % 10 < 7 THEN 1 ELSE 2 + g % 4 END], 'nelayan'
           FROM generate_series(1, $2::int) g`,
        [villages, n],
      );
      await tx.query(
        `INSERT INTO membership (programme_id, person_id, state, village_code, decided_by)
         SELECT $1, id, 'candidate', village_code, 'test' FROM person WHERE regency_code = '53.71'`,
        [p.id],
      );
      const batch = await createSubmission(tx, p, '53.71', 'test');
      const niks = await tx.query<{ nik: string }>(`SELECT nik FROM person WHERE regency_code = '53.71'`);
      await applyResponse(tx, batch.id, niks.map((r, i) => ({ fileLine: i + 2, nik: r.nik, kpj: `3${r.nik.slice(-10)}`, accepted: true, effectiveDate: '2026-02-01', reason: null })), null);
    });
    const programme = await sys((tx) => getProgramme(tx, PROGRAMME));
    const run = await sys((tx) => startPrintRun(tx, programme, '53.71', 'test'));
    expect(run).toMatchObject({ cards: n, newTokens: n });

    let largestRead = 0;
    let reads = 0;
    const counting = <T>(fn: (tx: Queryable) => Promise<T>) => sys(async (tx) => {
      reads++;
      const watched: Queryable = {
        query: async <R>(sql: string, params?: Parameters<Queryable['query']>[1]) => {
          const rows = await tx.query<R>(sql, params);
          largestRead = Math.max(largestRead, rows.length);
          return rows;
        },
        exec: (sql) => tx.exec(sql),
        copyFrom: (sql, data) => tx.copyFrom(sql, data),
      };
      return fn(watched);
    });
    const seen: number[] = [];
    async function* tap(pages: AsyncIterable<PrintCard[]>) {
      for await (const page of pages) {
        seen.push(...page.map((c) => c.membershipId));
        yield page;
      }
    }
    const file = path.join(f.app.config.dataDir, 'kartu-5371.pdf');
    const out = fs.createWriteStream(file);
    const written = await writeCardsPdf(out, tap(cardPages(counting, programme.id, '53.71', 300)), {
      baseUrl: BASE, programme: { code: programme.code, name: programme.name, funderName: programme.funderName, benefits: programme.benefits },
    });
    await new Promise<void>((r) => out.on('close', () => r()));
    expect(written).toEqual({ cards: n, sheets: n / 10 });
    expect(new Set(seen).size).toBe(n);
    expect(largestRead).toBeLessThanOrEqual(300);
    expect(reads).toBeGreaterThanOrEqual(Math.ceil(n / 300));
    const pdf = fs.readFileSync(file);
    expect(pageCount(pdf)).toBe(n / 10);
    expect(qrCodesIn(pdf)).toHaveLength(n);
  });

  it('stops reading when the reader goes away', async () => {
    const programme = await sys((tx) => getProgramme(tx, PROGRAMME));
    let reads = 0;
    const gone = new Writable({ highWaterMark: 1024, write: (_c, _e, cb) => setTimeout(cb, 1) });
    const pages = cardPages(<T>(fn: (tx: Queryable) => Promise<T>) => {
      reads++;
      if (reads === 3) gone.destroy();
      return sys(fn);
    }, programme.id, '53.71', 100);
    await expect(writeCardsPdf(gone, pages, { baseUrl: BASE, programme: { code: 'X', name: 'X', funderName: 'X', benefits: ['JKK'] } })).rejects.toThrow(/closed/);
    expect(reads).toBeLessThan(6);
  });
});

describe('lindung cards', () => {
  let config: TestConfig;
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    config = await freshConfig('cards-cli');
    env = cliEnv(config);
    const demo = await runCli(['demo', '--size', '600', '--json'], env);
    if (demo.code !== 0) throw new Error(demo.stderr);
  }, 180_000);
  afterAll(async () => config?.cleanup());

  it('prints the cards of a regency after BPJS\'s answer, and checks one', async () => {
    const batchFile = path.join(config.dataDir, 'batch.csv');
    const exported = await runCli(['enrollment', 'export', '--programme', 'NTT-2026', '--area', '53.01', '--out', batchFile, '--json'], env);
    expect(exported.code, exported.stderr).toBe(0);
    const { batch, lines } = JSON.parse(exported.stdout) as { batch: number; lines: number };
    expect(lines).toBeGreaterThan(0);
    // The default layout: No;NIK;No. KK;… (quoted, `;`-separated).
    const [head, ...rows] = fs.readFileSync(batchFile, 'utf8').replace(/^\ufeff/, '').trim().split(/\r?\n/);
    expect(head!.split(';')[1]).toBe('"NIK"');
    const unique = rows.map((row) => row.split(';')[1]!.replace(/"/g, ''));
    expect(unique).toHaveLength(lines);
    const answer = path.join(config.dataDir, 'jawaban.csv');
    fs.writeFileSync(answer, ['NIK;KPJ;Status;TMT;Alasan', ...unique.map((nik, i) => `${nik};${String(24000000000 + i)};DITERIMA;01-02-2026;`)].join('\n'));
    const applied = await runCli(['enrollment', 'import-response', answer, '--batch', String(batch), '--json'], env);
    expect(applied.code, applied.stderr).toBe(0);

    const out = path.join(config.dataDir, 'kartu.pdf');
    const printed = await runCli(['cards', 'print', '--programme', 'NTT-2026', '--area', '53.01', '--out', out, '--base-url', 'https://lindung.example/', '--json'], env);
    expect(printed.code, printed.stderr).toBe(0);
    const r = JSON.parse(printed.stdout) as { cards: number; sheets: number; area: string; file: string; newTokens: number };
    expect(r).toMatchObject({ cards: unique.length, sheets: Math.ceil(unique.length / 10), area: '53.01', file: out, newTokens: unique.length });
    const pdf = fs.readFileSync(out);
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    expect(pageCount(pdf)).toBe(r.sheets);
    expect(fs.existsSync(`${out}.part`)).toBe(false);

    const db = await openDatabase({ dataDir: config.dataDir, databaseUrl: config.databaseUrl });
    // (The demo's 2025 history has cards of its own.)
    const tokens = await db.query<{ card_token: string }>(
      `SELECT m.card_token FROM membership m JOIN programme g ON g.id = m.programme_id WHERE g.code = 'NTT-2026' AND m.regency_code = '53.01' AND m.card_token IS NOT NULL ORDER BY m.id`);
    const [prints] = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM card_print c JOIN programme g ON g.id = c.programme_id WHERE g.code = 'NTT-2026'`);
    await db.close();
    expect(tokens).toHaveLength(unique.length);
    expect(prints!.n).toBe(1);
    const drawn = new Set(qrCodesIn(pdf));
    expect(tokens.every((t) => drawn.has(qrOf(`https://lindung.example/v/${t.card_token}`)))).toBe(true);

    // The whole address, as a phone's scanner gives it, or the bare token.
    const check = await runCli(['cards', 'verify', `https://lindung.example/v/${tokens[0]!.card_token}`, '--json'], env);
    expect(check.stdout, check.stderr).not.toBe('');
    const v = JSON.parse(check.stdout) as { valid: boolean; state: string; programme: { code: string }; periodFrom: string; periodTo: string };
    expect(v).toMatchObject({ programme: { code: 'NTT-2026' }, periodFrom: '2026-02-01', periodTo: '2026-12-31' });
    // Valid until the programme's end: the verdict depends on the day the suite runs.
    expect(['active', 'expired']).toContain(v.state);
    expect(check.code).toBe(v.valid ? 0 : 1);
    expect(v.valid).toBe(v.state === 'active');

    const text = await runCli(['cards', 'verify', tokens.at(-1)!.card_token], env);
    expect(text.stdout).toMatch(/Program NTT-2026/);
    expect(text.stdout).toMatch(/Masa perlindungan 1 Februari 2026 – 31 Desember 2026/);
    const unknown = await runCli(['cards', 'verify', 'AAAAAAAAAAAAAAAAAAAAAA'], env);
    expect(unknown.code).toBe(1);
    expect(unknown.stdout).toMatch(/Kartu tidak dikenal/);
    const refused = await runCli(['cards', 'print', '--programme', 'NTT-2026', '--area', '53.99', '--out', out], env);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/Area "53.99" is unknown/);
  });
});
