-- History, second form: the same guarantees as the first (who, when, before, after for every
-- insert, update and delete on a business table; a hash chain that shows any change, removal,
-- reordering or insertion), at about 40 % of the cost for bulk statements (the 1M demo load;
-- figures in docs/performance.md).
--
-- What changes against 001:
--   * a row's content is stored as the JSON text PostgreSQL writes for it (row_to_json), once, as
--     text, instead of jsonb whose text form the entry hash then had to produce again;
--   * the entry hash is one sha256 over a record literal of the stored values, and it also covers
--     request, subject and area (001's did not);
--   * the statement's rows are read once, in one INSERT … SELECT (the hash function is inlined);
--   * new entries go to their own narrow table, audit_entry. The 001 entries stay in audit_log
--     untouched and keep verifying with their own hash; audit_history shows both forms as one.
-- Both forms take their ids from audit_log_id_seq, so ids order the whole history, and both hang
-- from the one chain of audit_block with the same block hash: sha256(prev_hash || entry hashes).
-- (One entry per statement holding all its rows was measured too, and was slower: see
-- docs/architecture.md.)

CREATE TABLE audit_entry (
  id bigint PRIMARY KEY,          -- from audit_log_id_seq (a range reserved per statement)
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
  -- The row before and after, as JSON text, kept byte for byte: the entry hash covers these bytes
  -- (text, not json or jsonb, so that a backup and restore gives back the very same bytes).
  before text,
  after text,
  entry_hash bytea NOT NULL
);
-- The record's page: its entries by subject, newest first. (subject, id), not (subject) alone:
-- with the id in the index the page is one index range in order. With (subject) alone the
-- planner may walk the primary key backwards to satisfy ORDER BY id DESC LIMIT, filtering all of
-- history (1.5 s on the 1M demo), whenever the table's statistics are stale.
CREATE INDEX audit_entry_subject ON audit_entry (subject, id);

-- An entry's hash covers every stored value of it, as one record literal (unambiguous: fields
-- are quoted and escaped by PostgreSQL's own record output). Used by the trigger and by
-- `lindung audit verify`; STABLE (as the calls inside it), so the planner inlines it.
CREATE FUNCTION lindung_audit_entry_hash2(id bigint, at timestamptz, actor_id bigint, actor_label text, request_id text,
    table_name text, op char, row_key text, subject text, area_code text, before text, after text) RETURNS bytea
  LANGUAGE sql STABLE PARALLEL SAFE
  AS $$
    SELECT sha256(convert_to(ROW(id, (extract(epoch FROM at) * 1000000)::bigint, actor_id, actor_label, request_id,
      table_name, op, row_key, subject, area_code, before, after)::text, 'UTF8'))
  $$;

-- Replaces 001's trigger function: every trigger made by lindung_track (in 001 and later
-- migrations) writes the second form from now on. Same arguments: key column, subject type,
-- subject column, area source ('person' = the village of the person named by the subject column).
CREATE OR REPLACE FUNCTION lindung_audit() RETURNS trigger
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = public
  AS $$
DECLARE
  blk bigint;
  base bigint;
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
  -- Password hashes never enter history; removing a key costs a jsonb round trip, so only there.
  json_of text := CASE WHEN TG_TABLE_NAME = 'app_user' THEN '(to_jsonb(%1$s) - ''password_hash'')::text' ELSE 'row_to_json(%1$s)::text' END;
  r text;          -- alias of the transition table an insert or delete reads
  area text;
  changed text;
BEGIN
  IF current_setting('lindung.restoring', true) = 'on' THEN
    RETURN NULL; -- a restore copies history verbatim
  END IF;
  PERFORM pg_advisory_xact_lock(7346001);
  SELECT hash INTO prev FROM audit_block ORDER BY id DESC LIMIT 1;
  prev := coalesce(prev, '\x'::bytea);
  blk := nextval('audit_block_id_seq');
  base := nextval('audit_log_id_seq');

  -- The changed rows as (k key, s subject, a area, b before, j after), read once from the
  -- transition table(s), in the order the entries get their ids: the statement's own row order
  -- (the heir → person area is a scalar subquery, not a join, so that nothing reorders them).
  -- An update pairs each old row with its new version. PostgreSQL appends both versions of an
  -- updated row to old_rows and new_rows together, so they share a position; the pair must also
  -- share the key. A key that is not unique (programme_quota's regency_code) still pairs right,
  -- and should the positions ever disagree, the rows show as their old and their new version in
  -- two entries: never paired wrongly, never lost. A row whose key changed shows that way too.
  r := CASE TG_OP WHEN 'INSERT' THEN 'n' WHEN 'DELETE' THEN 'o' END;
  IF TG_OP = 'UPDATE' THEN
    area := CASE WHEN area_src = 'person'
                 THEN format('(SELECT p.village_code FROM person p WHERE p.id = coalesce((n.r).%1$I, (o.r).%1$I))', subj_col)
                 ELSE format('coalesce((n.r).%1$I, (o.r).%1$I)', area_src) END;
    -- OFFSET 0 keeps b and j computed once (not again in the WHERE).
    changed := format(
      'SELECT * FROM (SELECT coalesce((n.r).%1$I, (o.r).%1$I)::text AS k, %2$L || '':'' || coalesce((n.r).%3$I, (o.r).%3$I) AS s,
              %4$s AS a, %5$s AS b, %6$s AS j
         FROM (SELECT row_number() OVER () AS pos, x AS r FROM old_rows x) o
         FULL JOIN (SELECT row_number() OVER () AS pos, x AS r FROM new_rows x) n ON n.pos = o.pos AND (n.r).%1$I = (o.r).%1$I
        ORDER BY coalesce(n.pos, o.pos), n.pos NULLS FIRST OFFSET 0) c
        WHERE b IS DISTINCT FROM j',
      key_col, subj_type, subj_col, area, format(json_of, 'o.r'), format(json_of, 'n.r'));
  ELSE
    area := CASE WHEN area_src = 'person'
                 THEN format('(SELECT p.village_code FROM person p WHERE p.id = %I.%I)', r, subj_col)
                 ELSE format('%I.%I', r, area_src) END;
    changed := format(
      'SELECT %1$I.%2$I::text AS k, %3$L || '':'' || %1$I.%4$I AS s, %5$s AS a, %6$s AS b, %7$s AS j FROM %8$I %1$I',
      r, key_col, subj_type, subj_col, area,
      CASE WHEN TG_OP = 'DELETE' THEN format(json_of, 'o') ELSE 'NULL::text' END,
      CASE WHEN TG_OP = 'INSERT' THEN format(json_of, 'n') ELSE 'NULL::text' END,
      CASE WHEN TG_OP = 'INSERT' THEN 'new_rows' ELSE 'old_rows' END);
  END IF;

  -- One INSERT … SELECT for the whole statement; ids base, base + 1, … in statement order.
  EXECUTE format(
    $q$WITH ch AS (SELECT $1 + row_number() OVER () - 1 AS id, c.* FROM (%s) c),
     ins AS (
       INSERT INTO audit_entry (id, block_id, at, actor_id, actor_label, request_id, table_name, op, row_key, subject,
           area_code, before, after, entry_hash)
       SELECT id, $2, now(), $3, $4, $5, $6, $7, k, s, a, b, j,
              lindung_audit_entry_hash2(id, now(), $3, $4, $5, $6, $7, k, s, a, b, j)
         FROM ch
       RETURNING id, entry_hash)
     SELECT count(*), string_agg(entry_hash, ''::bytea ORDER BY id) FROM ins$q$, changed)
    INTO cnt, hashes
    USING base, blk, actor, label, req, TG_TABLE_NAME, op;

  IF cnt > 0 THEN
    -- The ids base … base + cnt - 1 are this statement's (appends are serialised by the lock).
    IF cnt > 1 THEN
      PERFORM setval('audit_log_id_seq', base + cnt - 1);
    END IF;
    INSERT INTO audit_block (id, prev_hash, hash, entry_count) VALUES (blk, prev, sha256(prev || hashes), cnt);
  END IF;
  RETURN NULL;
END $$;

-- Row-level security: the same rule as audit_log (001), through the same function.
ALTER TABLE audit_entry ENABLE ROW LEVEL SECURITY;
CREATE POLICY audit_entry_area ON audit_entry FOR SELECT TO lindung_user
  USING (lindung_scope_is_national() OR lindung_in_area(area_code));

-- The whole history, both forms, as one relation for readers (the record's page, reports).
-- security_invoker: a user reading it sees what the policies of audit_log and audit_entry allow.
CREATE VIEW audit_history WITH (security_invoker = true) AS
  SELECT id, block_id, at, actor_id, actor_label, request_id, table_name, op, row_key, subject, area_code, before, after
    FROM audit_log
  UNION ALL
  SELECT id, block_id, at, actor_id, actor_label, request_id, table_name, op, row_key, subject, area_code,
         before::jsonb, after::jsonb
    FROM audit_entry;

GRANT SELECT ON audit_entry, audit_history TO lindung_user;
