-- Enrollment with BPJS, memberships on a timeline, tariffs, bills and payments, budgets.
-- Runs on PostgreSQL 15+ and PGlite.

ALTER TABLE programme ADD COLUMN budget_allocation bigint CHECK (budget_allocation >= 0);

---------------------------------------------------------------------------------------------
-- Contribution tariffs as dated data (domain.md §3): the tariff in force on the first day of a
-- contribution month applies to the whole month.
CREATE TABLE tariff (
  id bigserial PRIMARY KEY,
  benefit text NOT NULL CHECK (benefit IN ('JKK', 'JKM', 'JHT')),
  segment text NOT NULL DEFAULT 'BPU',
  basis_income bigint NOT NULL CHECK (basis_income > 0),
  amount bigint NOT NULL CHECK (amount >= 0),
  valid_from date NOT NULL,
  valid_to date,
  funding text NOT NULL DEFAULT 'any' CHECK (funding IN ('any', 'apbd', 'non_apbd')),
  legal_basis text NOT NULL,
  -- Null: national (the law). A Kemendagri code: a regional rule.
  area_code text REFERENCES area (code),
  created_at timestamptz NOT NULL DEFAULT now(),
  CHECK (valid_to IS NULL OR valid_to >= valid_from)
);
SELECT lindung_track('tariff', 'id', 'tariff', 'id', 'area_code');

---------------------------------------------------------------------------------------------
-- Memberships: KPJ, effective date, end, and the periods in which the person was covered.
ALTER TABLE membership
  ADD COLUMN kpj text,
  ADD COLUMN submission_batch_id bigint,
  ADD COLUMN effective_date date,
  ADD COLUMN ended_on date,
  ADD COLUMN ended_reason text CHECK (ended_reason IN ('death', 'moved_away', 'wage_earner', 'age_limit', 'duplicate', 'withdrawn', 'programme_end')),
  ADD COLUMN rejection_reason text,
  ADD COLUMN card_token text UNIQUE;
CREATE INDEX membership_state ON membership (programme_id, state);

CREATE TABLE coverage_period (
  membership_id bigint NOT NULL REFERENCES membership (id) ON DELETE CASCADE,
  from_date date NOT NULL,
  to_date date,
  PRIMARY KEY (membership_id, from_date),
  CHECK (to_date IS NULL OR to_date >= from_date)
);

---------------------------------------------------------------------------------------------
-- Submission batches to BPJS and their answers.
CREATE TABLE submission_batch (
  id bigserial PRIMARY KEY,
  programme_id bigint NOT NULL REFERENCES programme (id),
  -- Null: the whole programme. Scope follows the regency (or the programme's area).
  area_code text NOT NULL REFERENCES area (code),
  status text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'answered')),
  lines int NOT NULL DEFAULT 0,
  accepted int,
  rejected int,
  response_sha256 text,
  created_by_label text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  answered_at timestamptz
);
SELECT lindung_track('submission_batch', 'id', 'submission', 'id', 'area_code');

CREATE TABLE submission_line (
  batch_id bigint NOT NULL REFERENCES submission_batch (id),
  line_no int NOT NULL,
  membership_id bigint NOT NULL REFERENCES membership (id),
  result text CHECK (result IN ('accepted', 'rejected')),
  kpj text,
  effective_date date,
  reason text,
  PRIMARY KEY (batch_id, line_no),
  UNIQUE (batch_id, membership_id)
);

---------------------------------------------------------------------------------------------
-- Bills: one per programme and month, with a line per membership; payments by SP2D.
CREATE TABLE bill (
  id bigserial PRIMARY KEY,
  programme_id bigint NOT NULL REFERENCES programme (id),
  month date NOT NULL CHECK (extract(day FROM month) = 1),
  persons int NOT NULL,
  per_person bigint NOT NULL,
  amount bigint NOT NULL,
  due_date date NOT NULL,
  status text NOT NULL DEFAULT 'issued' CHECK (status IN ('issued', 'partial', 'paid', 'cancelled')),
  -- The funder's area (the programme's): who may see and pay the bill.
  area_code text NOT NULL REFERENCES area (code),
  created_by_label text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX bill_one_per_month ON bill (programme_id, month) WHERE status <> 'cancelled';
SELECT lindung_track('bill', 'id', 'programme', 'programme_id', 'area_code');

-- Lines are the bill's detail, written in one statement per bill and never changed: the bill's
-- history entry and its total stand for them (a million history entries a month would not help anyone).
CREATE TABLE bill_line (
  bill_id bigint NOT NULL REFERENCES bill (id) ON DELETE CASCADE,
  membership_id bigint NOT NULL REFERENCES membership (id),
  amount bigint NOT NULL,
  PRIMARY KEY (bill_id, membership_id)
);
CREATE INDEX bill_line_membership ON bill_line (membership_id);

CREATE TABLE payment (
  id bigserial PRIMARY KEY,
  bill_id bigint NOT NULL REFERENCES bill (id),
  sp2d_number text NOT NULL,
  paid_on date NOT NULL,
  amount bigint NOT NULL CHECK (amount > 0),
  area_code text NOT NULL REFERENCES area (code),
  created_by_label text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  reversed_at timestamptz,
  reversed_by_label text,
  reversal_reason text
);
CREATE UNIQUE INDEX payment_sp2d ON payment (sp2d_number) WHERE reversed_at IS NULL;
SELECT lindung_track('payment', 'id', 'bill', 'bill_id', 'area_code');

-- Budget scenarios and the regents' co-funding pledges (Pakta Perlindungan).
CREATE TABLE budget_scenario (
  id bigserial PRIMARY KEY,
  programme_id bigint NOT NULL REFERENCES programme (id),
  name text NOT NULL,
  workers int NOT NULL CHECK (workers >= 0),
  months int NOT NULL CHECK (months BETWEEN 1 AND 24),
  per_person bigint NOT NULL CHECK (per_person >= 0),
  UNIQUE (programme_id, name)
);

CREATE TABLE pledge (
  id bigserial PRIMARY KEY,
  regency_code text NOT NULL REFERENCES area (code),
  fiscal_year int NOT NULL,
  places int NOT NULL CHECK (places >= 0),
  amount bigint NOT NULL CHECK (amount >= 0),
  signed_on date,
  document text,
  programme_id bigint REFERENCES programme (id),
  UNIQUE (regency_code, fiscal_year)
);
SELECT lindung_track('pledge', 'id', 'pledge', 'id', 'regency_code');

ALTER TABLE tariff ENABLE ROW LEVEL SECURITY;
ALTER TABLE coverage_period ENABLE ROW LEVEL SECURITY;
ALTER TABLE submission_batch ENABLE ROW LEVEL SECURITY;
ALTER TABLE submission_line ENABLE ROW LEVEL SECURITY;
ALTER TABLE bill ENABLE ROW LEVEL SECURITY;
ALTER TABLE bill_line ENABLE ROW LEVEL SECURITY;
ALTER TABLE payment ENABLE ROW LEVEL SECURITY;
ALTER TABLE budget_scenario ENABLE ROW LEVEL SECURITY;
ALTER TABLE pledge ENABLE ROW LEVEL SECURITY;

CREATE POLICY tariff_read ON tariff FOR SELECT TO lindung_user USING (true);
CREATE POLICY tariff_write ON tariff FOR INSERT TO lindung_user WITH CHECK (lindung_scope_is_national());
CREATE POLICY coverage_period_member ON coverage_period TO lindung_user
  USING (membership_id IN (SELECT id FROM membership)) WITH CHECK (membership_id IN (SELECT id FROM membership));
CREATE POLICY submission_batch_area ON submission_batch TO lindung_user
  USING (lindung_in_area(area_code)) WITH CHECK (lindung_in_area(area_code));
CREATE POLICY submission_line_batch ON submission_line TO lindung_user
  USING (batch_id IN (SELECT id FROM submission_batch)) WITH CHECK (batch_id IN (SELECT id FROM submission_batch));
-- Bills and payments are the funder's: whoever's area covers the programme's funder area.
CREATE POLICY bill_funder ON bill TO lindung_user USING (lindung_in_area(area_code)) WITH CHECK (lindung_in_area(area_code));
CREATE POLICY bill_line_bill ON bill_line TO lindung_user
  USING (bill_id IN (SELECT id FROM bill)) WITH CHECK (bill_id IN (SELECT id FROM bill));
CREATE POLICY payment_bill ON payment TO lindung_user USING (lindung_in_area(area_code)) WITH CHECK (lindung_in_area(area_code));
CREATE POLICY budget_scenario_read ON budget_scenario FOR SELECT TO lindung_user USING (true);
CREATE POLICY budget_scenario_write ON budget_scenario FOR INSERT TO lindung_user
  WITH CHECK (lindung_in_area((SELECT funder_area_code FROM programme p WHERE p.id = programme_id)));
CREATE POLICY pledge_read ON pledge FOR SELECT TO lindung_user USING (true);
CREATE POLICY pledge_write ON pledge FOR INSERT TO lindung_user WITH CHECK (lindung_in_area(regency_code));

GRANT SELECT, INSERT ON tariff, budget_scenario, pledge TO lindung_user;
GRANT SELECT, INSERT, UPDATE, DELETE ON coverage_period, submission_batch, submission_line, bill, bill_line, payment TO lindung_user;
GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO lindung_user;
