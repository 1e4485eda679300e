-- Programmes, regency quotas, eligibility rules, intake batches (staging with per-row results),
-- the duplicate review queue and programme memberships (candidates for now; enrollment extends
-- the states). Runs on PostgreSQL 15+ and PGlite.

---------------------------------------------------------------------------------------------
-- Reference statistics per area (e.g. poor population per regency), dated and with a source:
-- quotas are allocated in proportion to one indicator on one date.
CREATE TABLE reference_statistic (
  id bigserial PRIMARY KEY,
  indicator text NOT NULL CHECK (indicator ~ '^[a-z][a-z0-9_]*$'),
  area_code text NOT NULL REFERENCES area (code),
  as_of date NOT NULL,
  value bigint NOT NULL CHECK (value >= 0),
  source text NOT NULL CHECK (length(btrim(source)) > 0),
  created_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (indicator, area_code, as_of)
);

---------------------------------------------------------------------------------------------
CREATE TABLE programme (
  id bigserial PRIMARY KEY,
  code text NOT NULL UNIQUE CHECK (code ~ '^[A-Z0-9][A-Z0-9-]{1,30}$'),
  name text NOT NULL,
  legal_basis text,
  funder_type text NOT NULL CHECK (funder_type IN ('province', 'regency', 'village', 'company')),
  -- The funder's area: residency rules and who may manage the programme follow from it.
  funder_area_code text NOT NULL REFERENCES area (code),
  funder_name text NOT NULL,
  budget_line text,
  fiscal_year int NOT NULL CHECK (fiscal_year BETWEEN 2000 AND 2100),
  coverage_start date NOT NULL,
  coverage_end date NOT NULL,
  benefits text[] NOT NULL CHECK (benefits <@ ARRAY['JKK', 'JKM', 'JHT'] AND cardinality(benefits) > 0),
  declared_income bigint NOT NULL CHECK (declared_income > 0),
  total_quota int NOT NULL CHECK (total_quota > 0),
  rules jsonb NOT NULL DEFAULT '{}',
  status text NOT NULL DEFAULT 'active' CHECK (status IN ('draft', 'active', 'closed')),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  CHECK (coverage_end >= coverage_start)
);

CREATE TABLE programme_quota (
  programme_id bigint NOT NULL REFERENCES programme (id) ON DELETE CASCADE,
  regency_code text NOT NULL REFERENCES area (code),
  quota int NOT NULL CHECK (quota >= 0),
  method text NOT NULL CHECK (method IN ('proportional', 'minimum', 'override')),
  -- Exact (unrounded) proportional share, for the reader who checks the rounding.
  share numeric,
  reason text,
  indicator text,
  indicator_as_of date,
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (programme_id, regency_code),
  CHECK (method <> 'override' OR length(btrim(coalesce(reason, ''))) > 0)
);

-- Active BPJS TK participants (imported from BPJS): people already insured are not eligible.
CREATE TABLE bpjs_participant (
  nik text PRIMARY KEY CHECK (nik ~ '^[0-9]{16}$'),
  kpj text,
  segment text,
  active boolean NOT NULL DEFAULT true,
  as_of date NOT NULL,
  source text NOT NULL
);

---------------------------------------------------------------------------------------------
-- Membership of a person in a programme. One person is in at most one active programme.
CREATE TABLE membership (
  id bigserial PRIMARY KEY,
  programme_id bigint NOT NULL REFERENCES programme (id),
  person_id bigint NOT NULL REFERENCES person (id),
  -- waiting: eligible but beyond the regency's quota, in rank order, until a place frees up.
  state text NOT NULL DEFAULT 'candidate' CHECK (state IN ('waiting', 'candidate', 'submitted', 'active', 'lapsed', 'ended')),
  -- The village the person was proposed in: quota (its regency) and area scope follow from it.
  village_code text NOT NULL REFERENCES area (code),
  regency_code text GENERATED ALWAYS AS (left(village_code, 5)) STORED,
  batch_id bigint,
  decided_by text,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX membership_one_active ON membership (person_id) WHERE state IN ('candidate', 'submitted', 'active');
CREATE UNIQUE INDEX membership_once_per_programme ON membership (programme_id, person_id) WHERE state IN ('waiting', 'candidate', 'submitted', 'active');
CREATE INDEX membership_programme_regency ON membership (programme_id, regency_code, state);
SELECT lindung_track('membership', 'id', 'person', 'person_id', 'village_code');

---------------------------------------------------------------------------------------------
-- Intake: one uploaded file (or form entry) = one batch, checked into staging rows.
CREATE TABLE intake_batch (
  id bigserial PRIMARY KEY,
  programme_id bigint NOT NULL REFERENCES programme (id),
  -- The uploader's area: every row must lie inside it; scope of the batch.
  area_code text NOT NULL REFERENCES area (code),
  source text NOT NULL CHECK (source IN ('file', 'form')),
  file_name text,
  file_sha256 text,
  file_bytes bigint,
  format text,
  sheet text,
  status text NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'checking', 'checked', 'failed', 'cancelled',
    'submitted', 'returned', 'approved')),
  -- Header mapping, file warnings and the counts of the last check.
  columns jsonb,
  file_problems jsonb NOT NULL DEFAULT '[]',
  counts jsonb,
  error jsonb,
  created_by bigint REFERENCES app_user (id),
  created_by_label text NOT NULL,
  submitted_by bigint REFERENCES app_user (id),
  submitted_at timestamptz,
  decided_by bigint REFERENCES app_user (id),
  decided_by_label text,
  decided_at timestamptz,
  decision_note text,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  finished_at timestamptz
);
CREATE INDEX intake_batch_programme ON intake_batch (programme_id, created_at DESC);
-- The same file for the same programme is offered as "already imported".
CREATE INDEX intake_batch_sha ON intake_batch (file_sha256);

-- The check of a batch runs as a job: progress, cancellation, and resumption after a restart.
-- Kept apart from the batch so progress ticks do not fill the history.
CREATE TABLE intake_job (
  batch_id bigint PRIMARY KEY REFERENCES intake_batch (id) ON DELETE CASCADE,
  phase text NOT NULL DEFAULT 'queued',
  done int NOT NULL DEFAULT 0,
  total int,
  cancel_requested boolean NOT NULL DEFAULT false,
  attempts int NOT NULL DEFAULT 0,
  started_at timestamptz,
  heartbeat_at timestamptz
);

-- Staging: one row per data row of the file, normalised, with its problems and decisions.
CREATE TABLE intake_row (
  batch_id bigint NOT NULL REFERENCES intake_batch (id) ON DELETE CASCADE,
  row_no int NOT NULL,
  raw jsonb NOT NULL,
  nik text,
  kk text,
  full_name text,
  name_norm text COLLATE "C" GENERATED ALWAYS AS (lindung_norm_name(full_name)) STORED,
  birth_place text,
  birth_date date,
  sex char(1),
  marital_status text,
  address text,
  village_code text,
  phone text,
  occupation text,
  declared_income bigint,
  dtsen_decile smallint,
  extreme_poor boolean NOT NULL DEFAULT false,
  disability boolean NOT NULL DEFAULT false,
  mother_name text,
  bank_name text,
  bank_account text,
  -- error | duplicate | review | ineligible | eligible
  status text NOT NULL,
  problems jsonb NOT NULL DEFAULT '[]',
  error_count smallint NOT NULL DEFAULT 0,
  warning_count smallint NOT NULL DEFAULT 0,
  decided_by_rule text,
  -- Exact matches: the same NIK earlier in this file, in the registry, in a programme.
  dup_of_row int,
  person_id bigint,
  other_programme text,
  active_bpjs boolean NOT NULL DEFAULT false,
  rank int,
  within_quota boolean,
  PRIMARY KEY (batch_id, row_no)
);

-- Likely duplicates under another NIK, for a verifier to decide.
CREATE TABLE duplicate_review (
  id bigserial PRIMARY KEY,
  batch_id bigint NOT NULL REFERENCES intake_batch (id) ON DELETE CASCADE,
  row_no int NOT NULL,
  -- The other record: a registry person, or another row of the same file.
  person_id bigint REFERENCES person (id),
  other_row_no int,
  score real NOT NULL,
  evidence jsonb NOT NULL,
  decision text CHECK (decision IN ('same', 'different')),
  decided_by bigint REFERENCES app_user (id),
  decided_by_label text,
  decided_at timestamptz,
  CHECK ((person_id IS NULL) <> (other_row_no IS NULL)),
  FOREIGN KEY (batch_id, row_no) REFERENCES intake_row (batch_id, row_no) ON DELETE CASCADE
);
CREATE INDEX duplicate_review_batch ON duplicate_review (batch_id, row_no);
CREATE INDEX duplicate_review_open ON duplicate_review (batch_id) WHERE decision IS NULL;

-- Fuzzy blocking against the registry: same birth date and the same first three letters of the
-- (normalised) name, in one index probe per row.
CREATE INDEX person_birth_name3 ON person (birth_date, left(name_norm, 3));

SELECT lindung_track('programme', 'id', 'programme', 'id', 'funder_area_code');
SELECT lindung_track('intake_batch', 'id', 'intake_batch', 'id', 'area_code');

---------------------------------------------------------------------------------------------
-- Row-level security: batches by the uploader's area; rows and reviews through their batch;
-- memberships by the village they were proposed in. Programmes, quotas and statistics are not
-- personal data: every signed-in user reads them; writes are decided by permission in the app.
ALTER TABLE intake_batch ENABLE ROW LEVEL SECURITY;
ALTER TABLE intake_row ENABLE ROW LEVEL SECURITY;
ALTER TABLE intake_job ENABLE ROW LEVEL SECURITY;
ALTER TABLE duplicate_review ENABLE ROW LEVEL SECURITY;
ALTER TABLE membership ENABLE ROW LEVEL SECURITY;
ALTER TABLE bpjs_participant ENABLE ROW LEVEL SECURITY;
ALTER TABLE programme ENABLE ROW LEVEL SECURITY;
ALTER TABLE programme_quota ENABLE ROW LEVEL SECURITY;
ALTER TABLE reference_statistic ENABLE ROW LEVEL SECURITY;

-- Read by everyone signed in; changed only by someone whose area covers the funder's area.
CREATE POLICY programme_read ON programme FOR SELECT TO lindung_user USING (true);
CREATE POLICY programme_insert ON programme FOR INSERT TO lindung_user WITH CHECK (lindung_in_area(funder_area_code));
CREATE POLICY programme_update ON programme FOR UPDATE TO lindung_user USING (lindung_in_area(funder_area_code)) WITH CHECK (lindung_in_area(funder_area_code));
CREATE POLICY programme_quota_read ON programme_quota FOR SELECT TO lindung_user USING (true);
CREATE POLICY programme_quota_insert ON programme_quota FOR INSERT TO lindung_user
  WITH CHECK (lindung_in_area((SELECT funder_area_code FROM programme p WHERE p.id = programme_id)));
CREATE POLICY programme_quota_update ON programme_quota FOR UPDATE TO lindung_user
  USING (lindung_in_area((SELECT funder_area_code FROM programme p WHERE p.id = programme_id)))
  WITH CHECK (lindung_in_area((SELECT funder_area_code FROM programme p WHERE p.id = programme_id)));
CREATE POLICY reference_statistic_read ON reference_statistic FOR SELECT TO lindung_user USING (true);
CREATE POLICY reference_statistic_insert ON reference_statistic FOR INSERT TO lindung_user WITH CHECK (lindung_in_area(area_code));
CREATE POLICY reference_statistic_update ON reference_statistic FOR UPDATE TO lindung_user USING (lindung_in_area(area_code)) WITH CHECK (lindung_in_area(area_code));

CREATE POLICY intake_batch_area ON intake_batch TO lindung_user
  USING (lindung_in_area(area_code)) WITH CHECK (lindung_in_area(area_code));
CREATE POLICY intake_row_batch ON intake_row TO lindung_user
  USING (batch_id IN (SELECT id FROM intake_batch)) WITH CHECK (batch_id IN (SELECT id FROM intake_batch));
CREATE POLICY intake_job_batch ON intake_job TO lindung_user
  USING (batch_id IN (SELECT id FROM intake_batch)) WITH CHECK (batch_id IN (SELECT id FROM intake_batch));
CREATE POLICY duplicate_review_batch ON duplicate_review TO lindung_user
  USING (batch_id IN (SELECT id FROM intake_batch)) WITH CHECK (batch_id IN (SELECT id FROM intake_batch));
CREATE POLICY membership_area ON membership TO lindung_user
  USING (lindung_in_area(village_code)) WITH CHECK (lindung_in_area(village_code));
CREATE POLICY bpjs_participant_national ON bpjs_participant TO lindung_user
  USING (lindung_scope_is_national()) WITH CHECK (lindung_scope_is_national());

GRANT SELECT, INSERT, UPDATE ON reference_statistic, programme, programme_quota TO lindung_user;
GRANT SELECT, INSERT, UPDATE, DELETE ON intake_batch, intake_job, intake_row, duplicate_review, membership TO lindung_user;
GRANT SELECT ON bpjs_participant TO lindung_user;
GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO lindung_user;
