/**
 * Loads the synthetic NTT registry (generate.ts) into the database with COPY, batch by batch.
 * Each batch is its own transaction, so a crash leaves whole batches only and other requests get
 * the database between batches. History records the rows under the actor 'demo'.
 */
import { asSystem } from '../../db/scope.js';
import { todayInNtt } from '../../clock.js';
import type { Db } from '../../db/types.js';
import { COPY_HEIR, COPY_HOUSEHOLD, COPY_PERSON, generateDemo, nttRegencyPoverty, type DemoVillage } from './generate.js';

export interface LoadDemoOptions {
  /** Same seed, size and day: the same people. Default 2025. */
  seed?: number;
  /** Number of workers. Default 100,000. */
  size?: number;
  /** 'YYYY-MM-DD' the ages are computed on. Default: today in NTT (WITA, UTC+8). */
  today?: string;
  /** Delete the synthetic households, people and heirs loaded earlier, then load. */
  replace?: boolean;
  /** Persons per transaction. Default 20,000. */
  batchSize?: number;
  onProgress?: (done: number, total: number) => void;
}

export interface LoadDemoResult {
  persons: number;
  households: number;
  heirs: number;
  ms: number;
}

export const DEMO_DEFAULT_SEED = 2025;
export const DEMO_DEFAULT_SIZE = 100_000;
export const DEMO_MAX_SIZE = 5_000_000;
/** Who the history names for the demo rows. */
export const DEMO_ACTOR = 'demo';

export async function loadDemo(db: Db, opts: LoadDemoOptions = {}): Promise<LoadDemoResult> {
  const t0 = performance.now();
  const seed = opts.seed ?? DEMO_DEFAULT_SEED;
  const size = opts.size ?? DEMO_DEFAULT_SIZE;
  const today = opts.today ?? todayInNtt();
  if (!Number.isSafeInteger(seed)) throw new Error('The demo seed must be a whole number.');
  if (!Number.isSafeInteger(size) || size < 1 || size > DEMO_MAX_SIZE) {
    throw new Error(`The demo size must be a whole number from 1 to ${DEMO_MAX_SIZE.toLocaleString('en')}.`);
  }

  const villages = await db.query<{ code: string; district_code: string; regency_code: string; name: string }>(
    `SELECT v.code, v.parent_code AS district_code, d.parent_code AS regency_code, v.name
       FROM area v JOIN area d ON d.code = v.parent_code
      WHERE v.level = 4 AND v.code LIKE '53.%' AND d.level = 3
      ORDER BY v.code`,
  );
  if (villages.length === 0) {
    throw new Error(
      'The demo needs the Kemendagri areas of Nusa Tenggara Timur (province 53), and the area table has no NTT villages. ' +
        'Load them first (`lindung areas load`), then run the demo again.',
    );
  }

  const [counts] = await db.query<{ real: number; synthetic: number }>(
    `SELECT (SELECT count(*) FROM person WHERE NOT synthetic)::int AS real,
            (SELECT count(*) FROM person WHERE synthetic)::int AS synthetic`,
  );
  const real = counts?.real ?? 0;
  const synthetic = counts?.synthetic ?? 0;
  if (real > 0) {
    throw new Error(
      `The registry holds ${real.toLocaleString('en')} real (non-synthetic) people: the synthetic demo is never mixed with real data. ` +
        'Use a fresh data folder (or database) for the demo.',
    );
  }
  if (synthetic > 0 && !opts.replace) {
    throw new Error(
      `The registry already holds ${synthetic.toLocaleString('en')} synthetic demo people. ` +
        'Use a fresh data folder, or replace them with `lindung demo --replace`.',
    );
  }
  if (opts.replace) {
    await asSystem(db, DEMO_ACTOR, async (tx) => {
      // What hangs on the synthetic people: their places in programmes, bills and reviews.
      const synthetic = 'SELECT id FROM person WHERE synthetic';
      const members = `SELECT id FROM membership WHERE person_id IN (${synthetic})`;
      await tx.query(`DELETE FROM duplicate_review WHERE person_id IN (${synthetic})`);
      // The demo's claims and their payouts (documents and payees go with their claims).
      const claims = `SELECT id FROM claim WHERE person_id IN (${synthetic})`;
      await tx.query(`DELETE FROM payout_line WHERE claim_id IN (${claims})`);
      await tx.query(`DELETE FROM payout_batch b WHERE NOT EXISTS (SELECT 1 FROM payout_line l WHERE l.batch_id = b.id)`);
      await tx.query(`DELETE FROM claim WHERE person_id IN (${synthetic})`);
      await tx.query(`DELETE FROM bill_line WHERE membership_id IN (${members})`);
      await tx.query(`DELETE FROM submission_line WHERE membership_id IN (${members})`);
      await tx.query(`DELETE FROM invoice_line WHERE membership_id IN (${members})`);
      // The demo's own 2025 story (bills, payments, batches, card prints) is told again for the new people.
      await tx.query(`DELETE FROM payment WHERE created_by_label = '${DEMO_ACTOR}'`);
      await tx.query(`DELETE FROM bill WHERE created_by_label = '${DEMO_ACTOR}' AND NOT EXISTS (SELECT 1 FROM payment y WHERE y.bill_id = bill.id) AND NOT EXISTS (SELECT 1 FROM invoice i WHERE i.bill_id = bill.id)`);
      await tx.query(`DELETE FROM card_print WHERE created_by_label = '${DEMO_ACTOR}'`);
      await tx.query(`DELETE FROM membership WHERE person_id IN (${synthetic})`);
      await tx.query('DELETE FROM heir WHERE person_id IN (SELECT id FROM person WHERE synthetic)');
      await tx.query('DELETE FROM person WHERE synthetic');
      await tx.query('DELETE FROM household WHERE synthetic');
      await tx.query(`DELETE FROM submission_batch s WHERE s.created_by_label = '${DEMO_ACTOR}' AND NOT EXISTS (SELECT 1 FROM submission_line l WHERE l.batch_id = s.id)`);
    }).catch((e: unknown) => {
      throw new Error(`Could not remove the earlier demo data (${(e as Error).message}). Use a fresh data folder instead.`, { cause: e });
    });
  }

  // New ids continue after every id ever handed out, so history never names two people by one id.
  const [seq] = await db.query<{ next: string | number }>(
    `SELECT greatest(coalesce(pg_sequence_last_value(pg_get_serial_sequence('person', 'id')::regclass), 0),
                     coalesce((SELECT max(id) FROM person), 0)) + 1 AS next`,
  );
  const firstId = Number(seq?.next ?? 1);

  const input = {
    seed,
    size,
    today,
    firstId,
    villages: villages.map((v): DemoVillage => ({ code: v.code, districtCode: v.district_code, regencyCode: v.regency_code, name: v.name })),
    regencyPoverty: nttRegencyPoverty(),
  };

  const total = { persons: 0, households: 0, heirs: 0 };
  opts.onProgress?.(0, size);
  // The next batch is generated while the database copies the current one: PGlite works in its
  // own thread and PostgreSQL in its own process. Batches of 10,000 keep each pause of this
  // thread (generating one batch) well under the 200 ms a health check may wait.
  const batches = generateDemo(input, opts.batchSize ?? 10_000);
  let next = batches.next();
  while (!next.done) {
    const batch = next.value;
    const copied = asSystem(db, DEMO_ACTOR, async (tx) => {
      if (batch.counts.households) await tx.copyFrom(COPY_HOUSEHOLD, batch.households);
      if (batch.counts.persons) await tx.copyFrom(COPY_PERSON, batch.persons);
      if (batch.counts.heirs) await tx.copyFrom(COPY_HEIR, batch.heirs);
    });
    // Handled below, after the next batch is generated; this keeps Node from calling it unhandled meanwhile.
    copied.catch(() => undefined);
    // Let waiting requests run before the next batch is generated.
    await new Promise<void>((resolve) => setImmediate(resolve));
    next = batches.next();
    await copied;
    total.persons += batch.counts.persons;
    total.households += batch.counts.households;
    total.heirs += batch.counts.heirs;
    opts.onProgress?.(total.persons, size);
  }

  await db.exec('ANALYZE household, person, heir');
  await db.query(`SELECT setval(pg_get_serial_sequence('person', 'id'), (SELECT max(id) FROM person))`);
  return { ...total, ms: Math.round(performance.now() - t0) };
}
