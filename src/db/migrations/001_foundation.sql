-- Lindung foundation: reference areas, accounts, worker registry, area scoping (row-level
-- security) and a tamper-evident history of every change. Runs on PostgreSQL 15+ and PGlite.

CREATE EXTENSION IF NOT EXISTS pg_trgm;

-- The role every user request runs as: row-level security applies to it, never to the owner.
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'lindung_user') THEN
    CREATE ROLE lindung_user NOLOGIN;
  END IF;
  IF NOT pg_has_role(current_user, 'lindung_user', 'MEMBER') THEN
    EXECUTE format('GRANT lindung_user TO %I', current_user);
  END IF;
END $$;

-- Names compared the way people type them: case and spacing do not matter.
CREATE FUNCTION lindung_norm_name(t text) RETURNS text
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  AS $$ SELECT lower(regexp_replace(btrim(t), '\s+', ' ', 'g')) $$;

-- Area scope of the current request: '*' (whole country), or a Kemendagri code such as
-- '53', '53.01' or '53.01.02.2001'. Unset means no access at all.
CREATE FUNCTION lindung_in_area(code text) RETURNS boolean
  LANGUAGE sql STABLE PARALLEL SAFE
  AS $$
    SELECT CASE
      WHEN s IS NULL OR s = '' THEN false
      WHEN s = '*' THEN true
      ELSE code = s OR starts_with(code, s || '.')
    END
    FROM (SELECT current_setting('lindung.area', true) AS s) x
  $$;

CREATE FUNCTION lindung_scope_is_national() RETURNS boolean
  LANGUAGE sql STABLE PARALLEL SAFE
  AS $$ SELECT current_setting('lindung.area', true) = '*' $$;

---------------------------------------------------------------------------------------------
-- Reference areas (Kemendagri): province, regency, district (kecamatan), village (desa/kel.)
CREATE TABLE area (
  code text PRIMARY KEY,
  parent_code text REFERENCES area (code),
  level smallint NOT NULL CHECK (level BETWEEN 1 AND 4),
  name text NOT NULL,
  name_norm text GENERATED ALWAYS AS (lindung_norm_name(name)) STORED,
  CHECK (code ~ '^[0-9]{2}(\.[0-9]{2}(\.[0-9]{2}(\.[0-9]{4})?)?)?$')
);
CREATE INDEX area_parent ON area (parent_code);
CREATE INDEX area_level_name ON area (level, name_norm);

---------------------------------------------------------------------------------------------
-- Accounts
CREATE TABLE app_user (
  id bigserial PRIMARY KEY,
  username text NOT NULL,
  full_name text NOT NULL,
  role text NOT NULL CHECK (role IN ('admin', 'province_officer', 'regency_operator', 'village_operator',
    'verifier', 'finance_officer', 'bpjs_liaison', 'bank_liaison', 'assessor', 'viewer')),
  -- NULL: the whole country (national administrators only).
  area_code text REFERENCES area (code),
  password_hash text NOT NULL,
  must_change_password boolean NOT NULL DEFAULT false,
  failed_attempts int NOT NULL DEFAULT 0,
  locked_until timestamptz,
  disabled boolean NOT NULL DEFAULT false,
  last_login_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX app_user_username ON app_user (lower(username));

CREATE TABLE user_session (
  id text PRIMARY KEY,               -- sha256 of the cookie token; the token itself is never stored
  user_id bigint NOT NULL REFERENCES app_user (id) ON DELETE CASCADE,
  csrf_token text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL,
  last_seen_at timestamptz NOT NULL DEFAULT now(),
  ip text,
  user_agent text
);
CREATE INDEX user_session_user ON user_session (user_id);

-- Failed logins, lockouts, refused CSRF tokens and foreign-area requests.
CREATE TABLE security_event (
  id bigserial PRIMARY KEY,
  at timestamptz NOT NULL DEFAULT now(),
  kind text NOT NULL,
  user_id bigint,
  username text,
  ip text,
  detail jsonb
);
CREATE INDEX security_event_at ON security_event (at);

---------------------------------------------------------------------------------------------
-- Worker registry
CREATE TABLE household (
  kk text PRIMARY KEY CHECK (kk ~ '^[0-9]{16}$'),
  village_code text NOT NULL REFERENCES area (code),
  address text,
  synthetic boolean NOT NULL DEFAULT false,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX household_village ON household (village_code);

CREATE TABLE person (
  id bigserial PRIMARY KEY,
  nik text NOT NULL CHECK (nik ~ '^[0-9]{16}$'),
  kk text REFERENCES household (kk),
  full_name text NOT NULL CHECK (length(btrim(full_name)) > 0),
  -- C collation: byte order, so a name prefix is a plain index range even with a bound parameter.
  name_norm text COLLATE "C" GENERATED ALWAYS AS (lindung_norm_name(full_name)) STORED,
  birth_place text,
  birth_date date NOT NULL,
  sex char(1) NOT NULL CHECK (sex IN ('L', 'P')),
  marital_status text CHECK (marital_status IN ('belum_kawin', 'kawin', 'cerai_hidup', 'cerai_mati')),
  address text,
  village_code text NOT NULL REFERENCES area (code),
  regency_code text GENERATED ALWAYS AS (left(village_code, 5)) STORED,
  district_code text GENERATED ALWAYS AS (left(village_code, 8)) STORED,
  phone text,
  occupation text CHECK (occupation IN ('petani', 'nelayan', 'peternak', 'pedagang', 'ojek', 'sopir',
    'buruh_harian', 'tukang', 'penenun', 'guru_honorer', 'pekerja_rumah_tangga', 'lainnya')),
  declared_income bigint CHECK (declared_income >= 0),
  dtsen_decile smallint CHECK (dtsen_decile BETWEEN 1 AND 10),
  extreme_poor boolean NOT NULL DEFAULT false,
  disability boolean NOT NULL DEFAULT false,
  bank_name text,
  bank_account text,
  synthetic boolean NOT NULL DEFAULT false,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  version int NOT NULL DEFAULT 1
);
CREATE UNIQUE INDEX person_nik ON person (nik);
CREATE INDEX person_name ON person (name_norm, id);
CREATE INDEX person_regency_name ON person (regency_code, name_norm, id);
CREATE INDEX person_district_name ON person (district_code, name_norm, id);
CREATE INDEX person_village_name ON person (village_code, name_norm, id);
CREATE INDEX person_kk ON person (kk);

CREATE TABLE heir (
  id bigserial PRIMARY KEY,
  person_id bigint NOT NULL REFERENCES person (id) ON DELETE CASCADE,
  full_name text NOT NULL,
  nik text CHECK (nik ~ '^[0-9]{16}$'),
  relation text NOT NULL CHECK (relation IN ('suami', 'istri', 'anak', 'ayah', 'ibu', 'cucu', 'kakek', 'nenek',
    'saudara', 'ayah_mertua', 'ibu_mertua', 'wasiat')),
  birth_date date,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX heir_person ON heir (person_id);

---------------------------------------------------------------------------------------------
-- History: every change to a business table, hash-chained per statement.
-- An entry's hash covers its content; a block's hash covers the previous block's hash and its
-- entries' hashes in order. Changing, removing or reordering anything breaks the chain.
CREATE TABLE audit_block (
  id bigserial PRIMARY KEY,
  prev_hash bytea NOT NULL,
  hash bytea NOT NULL,
  entry_count int NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE audit_log (
  id bigserial PRIMARY KEY,
  block_id bigint NOT NULL,
  at timestamptz NOT NULL,
  actor_id bigint,
  actor_label text NOT NULL,
  request_id text,
  table_name text NOT NULL,
  op char(1) NOT NULL CHECK (op IN ('I', 'U', 'D')),
  row_key text NOT NULL,
  subject text,
  area_code text,
  before jsonb,
  after jsonb,
  entry_hash bytea NOT NULL
);
CREATE INDEX audit_log_subject ON audit_log (subject, id);

CREATE FUNCTION lindung_audit_entry_hash(table_name text, op char, row_key text, actor_id bigint,
    actor_label text, at timestamptz, before jsonb, after jsonb) RETURNS bytea
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  AS $$
    SELECT sha256(convert_to(concat_ws('|', table_name, op, row_key, coalesce(actor_id::text, ''), actor_label,
      (extract(epoch FROM at) * 1000000)::bigint::text, coalesce(before::text, ''), coalesce(after::text, '')), 'UTF8'))
  $$;

-- Statement-level, with transition tables: a 100,000-row merge writes its history in one
-- INSERT … SELECT instead of 100,000 trigger calls.
-- Arguments: key column, subject type, subject column, area source ('person' = look up the person).
CREATE FUNCTION lindung_audit() RETURNS trigger
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = public
  AS $$
DECLARE
  blk bigint;
  prev bytea;
  cnt bigint;
  hashes bytea;
  key_col text := TG_ARGV[0];
  subj_type text := TG_ARGV[1];
  subj_col text := TG_ARGV[2];
  area_src text := TG_ARGV[3];
  actor bigint := nullif(current_setting('lindung.actor_id', true), '')::bigint;
  label text := coalesce(nullif(current_setting('lindung.actor', true), ''), 'system');
  req text := nullif(current_setting('lindung.request_id', true), '');
  op char := left(TG_OP, 1);
  -- Removing a key rebuilds the whole jsonb value: only done where a secret lives.
  secret boolean := TG_TABLE_NAME = 'app_user';
BEGIN
  IF current_setting('lindung.restoring', true) = 'on' THEN
    RETURN NULL; -- a restore copies history verbatim
  END IF;
  PERFORM pg_advisory_xact_lock(7346001);
  SELECT hash INTO prev FROM audit_block ORDER BY id DESC LIMIT 1;
  INSERT INTO audit_block (prev_hash, hash, entry_count) VALUES (coalesce(prev, '\x'::bytea), '\x'::bytea, 0)
    RETURNING id INTO blk;

  -- One INSERT … SELECT per statement, straight from the transition table(s). The area of a row
  -- that has none of its own (an heir) is its person's village.
  IF TG_OP = 'INSERT' THEN
    WITH ins AS (
    INSERT INTO audit_log (block_id, at, actor_id, actor_label, request_id, table_name, op, row_key, subject, area_code,
        before, after, entry_hash)
    SELECT blk, now(), actor, label, req, TG_TABLE_NAME, op, c.k, subj_type || ':' || c.s, c.a, NULL, c.j,
           lindung_audit_entry_hash(TG_TABLE_NAME, op, c.k, actor, label, now(), NULL, c.j)
      FROM (SELECT j, j ->> key_col AS k, j ->> subj_col AS s,
                   CASE WHEN area_src = 'person'
                        THEN (SELECT p.village_code FROM person p WHERE p.id = (j ->> subj_col)::bigint)
                        ELSE j ->> area_src END AS a
              FROM (SELECT CASE WHEN secret THEN to_jsonb(r) - 'password_hash' ELSE to_jsonb(r) END AS j FROM new_rows r) x) c
    RETURNING id, entry_hash)
    SELECT count(*), string_agg(entry_hash, ''::bytea ORDER BY id) INTO cnt, hashes FROM ins;
  ELSIF TG_OP = 'UPDATE' THEN
    WITH ins AS (
    INSERT INTO audit_log (block_id, at, actor_id, actor_label, request_id, table_name, op, row_key, subject, area_code,
        before, after, entry_hash)
    SELECT blk, now(), actor, label, req, TG_TABLE_NAME, op, c.k, subj_type || ':' || c.s, c.a, c.o, c.j,
           lindung_audit_entry_hash(TG_TABLE_NAME, op, c.k, actor, label, now(), c.o, c.j)
      FROM (SELECT o.j AS o, nn.j, nn.j ->> key_col AS k, nn.j ->> subj_col AS s,
                   CASE WHEN area_src = 'person'
                        THEN (SELECT p.village_code FROM person p WHERE p.id = (nn.j ->> subj_col)::bigint)
                        ELSE nn.j ->> area_src END AS a
              FROM (SELECT CASE WHEN secret THEN to_jsonb(r) - 'password_hash' ELSE to_jsonb(r) END AS j FROM old_rows r) o
              JOIN (SELECT CASE WHEN secret THEN to_jsonb(r) - 'password_hash' ELSE to_jsonb(r) END AS j FROM new_rows r) nn ON (o.j ->> key_col) = (nn.j ->> key_col)
             WHERE o.j IS DISTINCT FROM nn.j) c
    RETURNING id, entry_hash)
    SELECT count(*), string_agg(entry_hash, ''::bytea ORDER BY id) INTO cnt, hashes FROM ins;
  ELSE
    WITH ins AS (
    INSERT INTO audit_log (block_id, at, actor_id, actor_label, request_id, table_name, op, row_key, subject, area_code,
        before, after, entry_hash)
    SELECT blk, now(), actor, label, req, TG_TABLE_NAME, op, c.k, subj_type || ':' || c.s, c.a, c.j, NULL,
           lindung_audit_entry_hash(TG_TABLE_NAME, op, c.k, actor, label, now(), c.j, NULL)
      FROM (SELECT j, j ->> key_col AS k, j ->> subj_col AS s,
                   CASE WHEN area_src = 'person'
                        THEN (SELECT p.village_code FROM person p WHERE p.id = (j ->> subj_col)::bigint)
                        ELSE j ->> area_src END AS a
              FROM (SELECT CASE WHEN secret THEN to_jsonb(r) - 'password_hash' ELSE to_jsonb(r) END AS j FROM old_rows r) x) c
    RETURNING id, entry_hash)
    SELECT count(*), string_agg(entry_hash, ''::bytea ORDER BY id) INTO cnt, hashes FROM ins;
  END IF;

  IF cnt = 0 THEN
    DELETE FROM audit_block WHERE id = blk;
  ELSE
    -- The block's hash from the entries just written: no second read of audit_log.
    UPDATE audit_block SET entry_count = cnt, hash = sha256(coalesce(prev, '\x'::bytea) || hashes) WHERE id = blk;
  END IF;
  RETURN NULL;
END $$;

-- Attaches history to a business table (three triggers: transition tables allow one event each).
CREATE FUNCTION lindung_track(tbl regclass, key_col text, subj_type text, subj_col text, area_src text) RETURNS void
  LANGUAGE plpgsql AS $$
DECLARE
  args text := format('%L, %L, %L, %L', key_col, subj_type, subj_col, area_src);
BEGIN
  EXECUTE format('CREATE TRIGGER audit_ins AFTER INSERT ON %s REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION lindung_audit(%s)', tbl, args);
  EXECUTE format('CREATE TRIGGER audit_upd AFTER UPDATE ON %s REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION lindung_audit(%s)', tbl, args);
  EXECUTE format('CREATE TRIGGER audit_del AFTER DELETE ON %s REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION lindung_audit(%s)', tbl, args);
END $$;

SELECT lindung_track('app_user', 'id', 'user', 'id', 'area_code');
SELECT lindung_track('household', 'kk', 'household', 'kk', 'village_code');
SELECT lindung_track('person', 'id', 'person', 'id', 'village_code');
SELECT lindung_track('heir', 'id', 'person', 'person_id', 'person');

-- Reads and exports of personal data: who, what, why.
CREATE TABLE data_access_log (
  id bigserial PRIMARY KEY,
  at timestamptz NOT NULL DEFAULT now(),
  actor_id bigint,
  actor_label text NOT NULL,
  action text NOT NULL,        -- view | search | export
  subject_type text NOT NULL,  -- person | household | …
  subject_ids bigint[] NOT NULL DEFAULT '{}',
  subject_count int NOT NULL DEFAULT 0,
  purpose text NOT NULL,
  query jsonb,
  request_id text
);
CREATE INDEX data_access_log_at ON data_access_log (at);

---------------------------------------------------------------------------------------------
-- Row-level security: the one place where "who may see which area" is decided.
ALTER TABLE household ENABLE ROW LEVEL SECURITY;
ALTER TABLE person ENABLE ROW LEVEL SECURITY;
ALTER TABLE heir ENABLE ROW LEVEL SECURITY;
ALTER TABLE app_user ENABLE ROW LEVEL SECURITY;
ALTER TABLE audit_log ENABLE ROW LEVEL SECURITY;
ALTER TABLE data_access_log ENABLE ROW LEVEL SECURITY;

CREATE POLICY household_area ON household TO lindung_user
  USING (lindung_in_area(village_code)) WITH CHECK (lindung_in_area(village_code));
CREATE POLICY person_area ON person TO lindung_user
  USING (lindung_in_area(village_code)) WITH CHECK (lindung_in_area(village_code));
CREATE POLICY heir_area ON heir TO lindung_user
  USING (EXISTS (SELECT 1 FROM person p WHERE p.id = heir.person_id))
  WITH CHECK (EXISTS (SELECT 1 FROM person p WHERE p.id = heir.person_id));
CREATE POLICY app_user_area ON app_user TO lindung_user
  USING (lindung_scope_is_national() OR lindung_in_area(area_code))
  WITH CHECK (lindung_scope_is_national() OR lindung_in_area(area_code));
CREATE POLICY audit_log_area ON audit_log FOR SELECT TO lindung_user
  USING (lindung_scope_is_national() OR lindung_in_area(area_code));
CREATE POLICY data_access_read ON data_access_log FOR SELECT TO lindung_user USING (lindung_scope_is_national());
CREATE POLICY data_access_write ON data_access_log FOR INSERT TO lindung_user WITH CHECK (true);

GRANT USAGE ON SCHEMA public TO lindung_user;
GRANT SELECT ON area, audit_block, audit_log, schema_migration TO lindung_user;
GRANT SELECT, INSERT, UPDATE, DELETE ON household, person, heir, app_user TO lindung_user;
GRANT SELECT, INSERT ON data_access_log, security_event TO lindung_user;
GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO lindung_user;
