-- Claims (issue 5): deaths and work accidents of insured members, benefits by dated rules, heirs in
-- legal order, documents, a workflow with an SLA clock, payouts to Bank NTT and their confirmation.
-- Runs on PostgreSQL 15+ and PGlite.

---------------------------------------------------------------------------------------------
-- Benefit tables as dated data (domain.md §4). A claim type's amount is the sum of the components
-- in force on the event date whose membership-length condition holds. An amount is either fixed
-- rupiah or a multiple of the declared income (× a percentage given with the claim, for partial
-- disability; × days/30, for temporary incapacity).
CREATE TABLE benefit_rule (
  id bigserial PRIMARY KEY,
  claim_type text NOT NULL CHECK (claim_type IN ('jkm_death', 'jkk_death', 'jkk_medical', 'jkk_temporary', 'jkk_disability_total', 'jkk_disability_partial', 'funeral')),
  component text NOT NULL,
  label_id text NOT NULL,
  label_en text NOT NULL,
  amount bigint CHECK (amount >= 0),
  income_multiple numeric(8, 3) CHECK (income_multiple >= 0),
  -- What the multiple is scaled by: nothing, the disability percentage, days of incapacity / 30
  -- (the first 365 days; later days at later_days_factor), or the medical bill as presented.
  scale text NOT NULL DEFAULT 'none' CHECK (scale IN ('none', 'disability_percent', 'incapacity_days', 'medical_cost')),
  later_days_factor numeric(4, 3),
  -- Membership length (whole months from the start of cover to the event) the component needs.
  min_membership_months int NOT NULL DEFAULT 0,
  max_membership_months int,
  valid_from date NOT NULL,
  valid_to date,
  legal_basis text NOT NULL,
  verified boolean NOT NULL DEFAULT false,
  -- Null: national (the law), as for tariffs.
  area_code text REFERENCES area (code),
  created_at timestamptz NOT NULL DEFAULT now(),
  CHECK ((amount IS NULL) <> (income_multiple IS NULL) OR scale = 'medical_cost'),
  CHECK (valid_to IS NULL OR valid_to >= valid_from),
  CHECK (max_membership_months IS NULL OR max_membership_months >= min_membership_months)
);
CREATE INDEX benefit_rule_type ON benefit_rule (claim_type, valid_from);
SELECT lindung_track('benefit_rule', 'id', 'benefit_rule', 'id', 'area_code');

-- Scholarship per child per school level (domain.md §4), dated; conditions in the rule columns.
CREATE TABLE scholarship_rule (
  id bigserial PRIMARY KEY,
  level text NOT NULL CHECK (level IN ('tk', 'sd', 'smp', 'sma', 's1')),
  amount_per_year bigint NOT NULL CHECK (amount_per_year >= 0),
  years int NOT NULL CHECK (years > 0),
  max_children int NOT NULL DEFAULT 2,
  max_age int NOT NULL DEFAULT 23,
  -- Contribution months a JKM death needs before children get it (JKK: none).
  jkm_min_contribution_months int NOT NULL DEFAULT 36,
  valid_from date NOT NULL,
  valid_to date,
  legal_basis text NOT NULL,
  verified boolean NOT NULL DEFAULT false,
  UNIQUE (level, valid_from)
);

-- Working days: the SLA counts them; holidays are configurable (national, or a regional one).
CREATE TABLE public_holiday (
  day date NOT NULL,
  name text NOT NULL,
  area_code text REFERENCES area (code),
  PRIMARY KEY (day, name)
);
CREATE TABLE claim_sla_rule (
  id bigserial PRIMARY KEY,
  working_days int NOT NULL CHECK (working_days > 0),
  valid_from date NOT NULL UNIQUE,
  legal_basis text NOT NULL
);

---------------------------------------------------------------------------------------------
-- Heirs: proof and account (001 made the table; the legal order is computed, domain/heirs.ts).
ALTER TABLE heir
  ADD COLUMN proof text,
  ADD COLUMN bank_name text,
  ADD COLUMN bank_account text CHECK (bank_account ~ '^[0-9]{6,20}$'),
  ADD COLUMN account_holder text,
  ADD COLUMN education_level text CHECK (education_level IN ('tk', 'sd', 'smp', 'sma', 's1')),
  ADD COLUMN deceased boolean NOT NULL DEFAULT false,
  ADD COLUMN version int NOT NULL DEFAULT 1;

---------------------------------------------------------------------------------------------
-- A claim: one event of one member.
CREATE SEQUENCE claim_number;
CREATE TABLE claim (
  id bigserial PRIMARY KEY,
  claim_no text NOT NULL UNIQUE,
  person_id bigint NOT NULL REFERENCES person (id),
  -- The membership that covered the event date; null when none did (the claim can only be refused).
  membership_id bigint REFERENCES membership (id),
  programme_id bigint REFERENCES programme (id),
  type text NOT NULL CHECK (type IN ('jkm_death', 'jkk_death', 'jkk_medical', 'jkk_temporary', 'jkk_disability_total', 'jkk_disability_partial', 'funeral')),
  event_date date NOT NULL,
  event_place text,
  description text,
  -- Facts the benefit rules need, as given at registration.
  disability_percent numeric(5, 2) CHECK (disability_percent > 0 AND disability_percent <= 100),
  incapacity_days int CHECK (incapacity_days > 0),
  medical_cost bigint CHECK (medical_cost >= 0),
  -- The coverage answer and the entitlement (components, reasons) when last computed.
  covered boolean NOT NULL,
  coverage jsonb NOT NULL,
  entitlement jsonb NOT NULL,
  entitled_amount bigint NOT NULL CHECK (entitled_amount >= 0),
  status text NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'documents_complete', 'submitted', 'approved', 'rejected', 'paid', 'confirmed', 'withdrawn')),
  -- The SLA clock starts when the file is complete.
  documents_complete_at timestamptz,
  sla_due date,
  submitted_at timestamptz,
  decided_at timestamptz,
  approved_amount bigint CHECK (approved_amount >= 0),
  rejection_reason text,
  paid_at timestamptz,
  confirmed_at timestamptz,
  withdrawn_reason text,
  -- Maker-checker: who registered and submitted, who decided (must differ).
  registered_by_id bigint,
  registered_by_label text NOT NULL,
  submitted_by_id bigint,
  submitted_by_label text,
  decided_by_id bigint,
  decided_by_label text,
  village_code text NOT NULL REFERENCES area (code),
  regency_code text GENERATED ALWAYS AS (left(village_code, 5)) STORED,
  synthetic boolean NOT NULL DEFAULT false,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  version int NOT NULL DEFAULT 1,
  CHECK (decided_by_id IS NULL OR decided_by_id IS DISTINCT FROM submitted_by_id)
);
-- One death per person, whatever the type, unless refused or withdrawn.
CREATE UNIQUE INDEX claim_one_death ON claim (person_id)
  WHERE type IN ('jkm_death', 'jkk_death') AND status NOT IN ('rejected', 'withdrawn');
CREATE INDEX claim_person ON claim (person_id);
CREATE INDEX claim_status ON claim (status, regency_code);
CREATE INDEX claim_regency ON claim (regency_code, type);
SELECT lindung_track('claim', 'id', 'person', 'person_id', 'village_code');

-- Uploaded documents (PDF/JPEG/PNG, type checked by content, size limited in the application).
CREATE TABLE claim_document (
  id bigserial PRIMARY KEY,
  claim_id bigint NOT NULL REFERENCES claim (id) ON DELETE CASCADE,
  kind text NOT NULL,
  file_name text NOT NULL,
  media_type text NOT NULL CHECK (media_type IN ('application/pdf', 'image/jpeg', 'image/png')),
  size_bytes int NOT NULL CHECK (size_bytes > 0),
  sha256 text NOT NULL,
  content bytea NOT NULL,
  uploaded_by_label text NOT NULL,
  uploaded_at timestamptz NOT NULL DEFAULT now(),
  village_code text NOT NULL REFERENCES area (code)
);
CREATE INDEX claim_document_claim ON claim_document (claim_id, kind);
CREATE UNIQUE INDEX claim_document_once ON claim_document (claim_id, sha256);
SELECT lindung_track('claim_document', 'id', 'claim', 'claim_id', 'village_code');

-- Who receives what: the heirs of the legal order's first rank present (or the member himself for
-- benefits paid to the living), with the account, fixed when the claim is decided.
CREATE TABLE claim_payee (
  id bigserial PRIMARY KEY,
  claim_id bigint NOT NULL REFERENCES claim (id) ON DELETE CASCADE,
  heir_id bigint REFERENCES heir (id),
  full_name text NOT NULL,
  relation text NOT NULL,
  amount bigint NOT NULL CHECK (amount > 0),
  bank_name text NOT NULL,
  bank_account text NOT NULL,
  account_holder text NOT NULL,
  village_code text NOT NULL REFERENCES area (code)
);
CREATE INDEX claim_payee_claim ON claim_payee (claim_id);
SELECT lindung_track('claim_payee', 'id', 'claim', 'claim_id', 'village_code');

---------------------------------------------------------------------------------------------
-- Payouts to Bank NTT: a batch file, the bank's confirmation, a line per transfer attempt.
CREATE TABLE payout_batch (
  id bigserial PRIMARY KEY,
  status text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'confirmed')),
  lines int NOT NULL,
  amount bigint NOT NULL,
  area_code text NOT NULL REFERENCES area (code),
  created_by_label text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  confirmation_sha256 text,
  confirmed_at timestamptz,
  confirmed_by_label text
);
SELECT lindung_track('payout_batch', 'id', 'payout_batch', 'id', 'area_code');

CREATE TABLE payout_line (
  id bigserial PRIMARY KEY,
  batch_id bigint NOT NULL REFERENCES payout_batch (id),
  claim_id bigint NOT NULL REFERENCES claim (id),
  payee_id bigint NOT NULL REFERENCES claim_payee (id),
  -- The transfer's reference in the bank file: unique, so a confirmation names exactly one line.
  reference text NOT NULL UNIQUE,
  amount bigint NOT NULL CHECK (amount > 0),
  bank_account text NOT NULL,
  status text NOT NULL DEFAULT 'sent' CHECK (status IN ('sent', 'success', 'failed', 'reversed', 'cancelled')),
  bank_reference text,
  failure_reason text,
  -- A retry is a new line for the same payee; it points at the line that failed.
  retry_of bigint REFERENCES payout_line (id),
  village_code text NOT NULL REFERENCES area (code),
  updated_at timestamptz NOT NULL DEFAULT now()
);
-- No payment twice: at most one transfer per payee in flight or done.
CREATE UNIQUE INDEX payout_line_once ON payout_line (payee_id) WHERE status IN ('sent', 'success');
CREATE INDEX payout_line_batch ON payout_line (batch_id);
CREATE INDEX payout_line_claim ON payout_line (claim_id);
SELECT lindung_track('payout_line', 'id', 'claim', 'claim_id', 'village_code');

-- File layouts an administrator configures (bank payout files; columns as {header, field}).
CREATE TABLE file_layout (
  kind text PRIMARY KEY CHECK (kind IN ('bank_payout')),
  columns jsonb NOT NULL,
  updated_by_label text NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now(),
  -- Always null (national); there for the history's area column.
  area_code text REFERENCES area (code)
);
SELECT lindung_track('file_layout', 'kind', 'file_layout', 'kind', 'area_code');

---------------------------------------------------------------------------------------------
ALTER TABLE benefit_rule ENABLE ROW LEVEL SECURITY;
ALTER TABLE scholarship_rule ENABLE ROW LEVEL SECURITY;
ALTER TABLE public_holiday ENABLE ROW LEVEL SECURITY;
ALTER TABLE claim_sla_rule ENABLE ROW LEVEL SECURITY;
ALTER TABLE claim ENABLE ROW LEVEL SECURITY;
ALTER TABLE claim_document ENABLE ROW LEVEL SECURITY;
ALTER TABLE claim_payee ENABLE ROW LEVEL SECURITY;
ALTER TABLE payout_batch ENABLE ROW LEVEL SECURITY;
ALTER TABLE payout_line ENABLE ROW LEVEL SECURITY;
ALTER TABLE file_layout ENABLE ROW LEVEL SECURITY;

-- Rules and calendars are read by everyone, written by national (province-wide) users.
CREATE POLICY benefit_rule_read ON benefit_rule FOR SELECT TO lindung_user USING (true);
CREATE POLICY benefit_rule_write ON benefit_rule FOR INSERT TO lindung_user WITH CHECK (lindung_scope_is_national());
CREATE POLICY scholarship_rule_read ON scholarship_rule FOR SELECT TO lindung_user USING (true);
CREATE POLICY public_holiday_read ON public_holiday FOR SELECT TO lindung_user USING (true);
CREATE POLICY public_holiday_write ON public_holiday FOR INSERT TO lindung_user WITH CHECK (lindung_scope_is_national());
CREATE POLICY public_holiday_delete ON public_holiday FOR DELETE TO lindung_user USING (lindung_scope_is_national());
CREATE POLICY claim_sla_rule_read ON claim_sla_rule FOR SELECT TO lindung_user USING (true);
CREATE POLICY claim_area ON claim TO lindung_user USING (lindung_in_area(village_code)) WITH CHECK (lindung_in_area(village_code));
CREATE POLICY claim_document_area ON claim_document TO lindung_user USING (lindung_in_area(village_code)) WITH CHECK (lindung_in_area(village_code));
CREATE POLICY claim_payee_area ON claim_payee TO lindung_user USING (lindung_in_area(village_code)) WITH CHECK (lindung_in_area(village_code));
CREATE POLICY payout_batch_area ON payout_batch TO lindung_user USING (lindung_in_area(area_code)) WITH CHECK (lindung_in_area(area_code));
CREATE POLICY payout_line_area ON payout_line TO lindung_user USING (lindung_in_area(village_code)) WITH CHECK (lindung_in_area(village_code));
CREATE POLICY file_layout_read ON file_layout FOR SELECT TO lindung_user USING (true);
CREATE POLICY file_layout_write ON file_layout TO lindung_user USING (lindung_scope_is_national()) WITH CHECK (lindung_scope_is_national());

GRANT SELECT, INSERT ON benefit_rule TO lindung_user;
GRANT SELECT ON scholarship_rule, claim_sla_rule TO lindung_user;
GRANT SELECT, INSERT, DELETE ON public_holiday TO lindung_user;
GRANT SELECT, INSERT, UPDATE, DELETE ON claim, claim_document, claim_payee, payout_batch, payout_line, file_layout TO lindung_user;
GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO lindung_user;

-- The rules in force and the holidays are loaded on first start (src/features/claims/rules-in-law.ts),
-- like tariffs: a migration that writes rows would leave a fresh database non-empty, and a backup is
-- restored only into an empty one.
