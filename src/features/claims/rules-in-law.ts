/**
 * The claim rules in force and the holidays of 2025–2026, loaded on first start into empty tables (as
 * the tariffs are): domain.md §4. Amounts marked unverified there are stored verified = false, so the
 * rule screen shows them for checking. Changes later are dated rows made in the app, never edits here.
 */
import type { Db } from '../../db/types.js';
import { asSystem } from '../../db/scope.js';

const SEEDS: { table: string; sql: string }[] = [
  {
    table: 'benefit_rule',
    sql: `INSERT INTO benefit_rule (claim_type, component, label_id, label_en, amount, income_multiple, scale, later_days_factor,
                          min_membership_months, max_membership_months, valid_from, legal_basis, verified) VALUES
  ('jkm_death', 'lump_sum', 'Santunan sekaligus', 'Lump sum', 20000000, NULL, 'none', NULL, 3, NULL, '2019-12-02', 'PP 82/2019', true),
  ('jkm_death', 'periodic', 'Santunan berkala 24 bulan (dibayar sekaligus)', 'Periodic benefit, 24 months paid at once', 12000000, NULL, 'none', NULL, 3, NULL, '2019-12-02', 'PP 82/2019', true),
  ('jkm_death', 'funeral', 'Biaya pemakaman', 'Funeral costs', 10000000, NULL, 'none', NULL, 3, NULL, '2019-12-02', 'PP 82/2019', true),
  ('jkm_death', 'early_death', 'Santunan kematian dalam 3 bulan pertama kepesertaan', 'Death benefit within the first 3 months of membership', 10000000, NULL, 'none', NULL, 0, 2, '2019-12-02', 'Permenaker 5/2021 (BPU)', false),
  ('jkk_death', 'lump_sum', 'Santunan kematian akibat kecelakaan kerja (48 × upah)', 'Work-accident death benefit (48 × income)', NULL, 48, 'none', NULL, 0, NULL, '2019-12-02', 'PP 82/2019', true),
  ('jkk_death', 'periodic', 'Santunan berkala 24 bulan (dibayar sekaligus)', 'Periodic benefit, 24 months paid at once', 12000000, NULL, 'none', NULL, 0, NULL, '2019-12-02', 'PP 82/2019', false),
  ('jkk_death', 'funeral', 'Biaya pemakaman', 'Funeral costs', 10000000, NULL, 'none', NULL, 0, NULL, '2019-12-02', 'PP 82/2019', false),
  ('jkk_medical', 'medical', 'Perawatan dan pengobatan sesuai kebutuhan medis', 'Medical care as needed', NULL, NULL, 'medical_cost', NULL, 0, NULL, '2019-12-02', 'PP 82/2019', true),
  ('jkk_temporary', 'stmb', 'Santunan sementara tidak mampu bekerja (STMB)', 'Temporary incapacity benefit (STMB)', NULL, 1, 'incapacity_days', 0.5, 0, NULL, '2019-12-02', 'PP 82/2019', false),
  ('jkk_disability_total', 'lump_sum', 'Cacat total tetap (56 × upah)', 'Total permanent disability (56 × income)', NULL, 56, 'none', NULL, 0, NULL, '2019-12-02', 'PP 82/2019', true),
  ('jkk_disability_partial', 'lump_sum', 'Cacat sebagian (% × 80 × upah)', 'Partial disability (% × 80 × income)', NULL, 80, 'disability_percent', NULL, 0, NULL, '2019-12-02', 'PP 82/2019', false),
  ('funeral', 'funeral', 'Biaya pemakaman', 'Funeral costs', 10000000, NULL, 'none', NULL, 0, NULL, '2019-12-02', 'PP 82/2019', false);`,
  },
  {
    table: 'scholarship_rule',
    sql: `INSERT INTO scholarship_rule (level, amount_per_year, years, valid_from, legal_basis, verified) VALUES
  ('tk', 1500000, 2, '2021-01-01', 'PP 82/2019 jo. Permenaker 5/2021', false),
  ('sd', 1500000, 6, '2021-01-01', 'PP 82/2019 jo. Permenaker 5/2021', false),
  ('smp', 2000000, 3, '2021-01-01', 'PP 82/2019 jo. Permenaker 5/2021', false),
  ('sma', 3000000, 3, '2021-01-01', 'PP 82/2019 jo. Permenaker 5/2021', false),
  ('s1', 12000000, 5, '2021-01-01', 'PP 82/2019 jo. Permenaker 5/2021', false);`,
  },
  {
    table: 'claim_sla_rule',
    sql: `INSERT INTO claim_sla_rule (working_days, valid_from, legal_basis) VALUES (3, '2019-12-02', 'PP 82/2019 (3 hari kerja sejak berkas lengkap)');`,
  },
  {
    table: 'public_holiday',
    sql: `INSERT INTO public_holiday (day, name) VALUES
  ('2025-01-01', 'Tahun Baru Masehi'), ('2025-01-27', 'Isra Mikraj'), ('2025-01-29', 'Tahun Baru Imlek'),
  ('2025-03-29', 'Hari Suci Nyepi'), ('2025-03-31', 'Idul Fitri'), ('2025-04-01', 'Idul Fitri'),
  ('2025-04-18', 'Wafat Yesus Kristus'), ('2025-04-20', 'Paskah'), ('2025-05-01', 'Hari Buruh'),
  ('2025-05-12', 'Waisak'), ('2025-05-29', 'Kenaikan Yesus Kristus'), ('2025-06-01', 'Hari Lahir Pancasila'),
  ('2025-06-06', 'Idul Adha'), ('2025-06-27', 'Tahun Baru Islam'), ('2025-08-17', 'Hari Kemerdekaan RI'),
  ('2025-09-05', 'Maulid Nabi Muhammad'), ('2025-12-25', 'Hari Raya Natal'), ('2025-12-26', 'Cuti bersama Natal'),
  ('2026-01-01', 'Tahun Baru Masehi'), ('2026-01-16', 'Isra Mikraj'), ('2026-02-17', 'Tahun Baru Imlek'),
  ('2026-03-19', 'Hari Suci Nyepi'), ('2026-03-20', 'Idul Fitri'), ('2026-03-21', 'Idul Fitri'),
  ('2026-04-03', 'Wafat Yesus Kristus'), ('2026-04-05', 'Paskah'), ('2026-05-01', 'Hari Buruh'),
  ('2026-05-14', 'Kenaikan Yesus Kristus'), ('2026-05-27', 'Idul Adha'), ('2026-05-31', 'Waisak'),
  ('2026-06-01', 'Hari Lahir Pancasila'), ('2026-06-16', 'Tahun Baru Islam'), ('2026-08-17', 'Hari Kemerdekaan RI'),
  ('2026-08-25', 'Maulid Nabi Muhammad'), ('2026-12-25', 'Hari Raya Natal');`,
  },
];

/** Fills each claim reference table that is empty; returns the names of the tables filled. */
export async function ensureClaimRulesInLaw(db: Db): Promise<string[]> {
  const filled: string[] = [];
  for (const s of SEEDS) {
    // The table names are the constants above.
    const [any] = await db.query(`SELECT 1 FROM ${s.table} LIMIT 1`);
    if (any) continue;
    await asSystem(db, 'system', (tx) => tx.query(s.sql));
    filled.push(s.table);
  }
  return filled;
}
