-- Staging rows: their batch checked once per statement instead of once per row (issue 3).
-- Runs on PostgreSQL 15+ and PGlite.
--
-- A 1,000,000-row file is staged by COPY in chunks; the foreign key to intake_batch probed the
-- batch's primary key for every row, about a third of each chunk's insert on PGlite (measured:
-- 200,000 staging-shaped rows 2.2 s with the key, 1.4 s without, 1.4 s with this trigger). The
-- guarantees stay: a row names an existing batch, which is locked against deletion meanwhile as
-- the key would (FOR KEY SHARE); deleting a batch deletes its rows (and, by their own keys, their
-- duplicate reviews). A row's batch never changes: an UPDATE that tries is refused (a statement
-- trigger on every UPDATE would copy each updated row into a transition table, and the check
-- updates up to a million rows several times).
--
-- SECURITY DEFINER: the check must see every batch, not only those of the user's area.

ALTER TABLE intake_row DROP CONSTRAINT intake_row_batch_id_fkey;

CREATE FUNCTION lindung_intake_row_batch_check() RETURNS trigger
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = public
  AS $$
DECLARE
  bad bigint;
BEGIN
  PERFORM 1 FROM intake_batch b WHERE b.id IN (SELECT DISTINCT batch_id FROM new_rows) FOR KEY SHARE OF b;
  SELECT n.batch_id INTO bad FROM (SELECT DISTINCT batch_id FROM new_rows) n
   WHERE NOT EXISTS (SELECT 1 FROM intake_batch b WHERE b.id = n.batch_id) LIMIT 1;
  IF bad IS NOT NULL THEN
    RAISE EXCEPTION 'insert or update on table "intake_row" violates its reference: intake batch % does not exist', bad
      USING ERRCODE = 'foreign_key_violation';
  END IF;
  RETURN NULL;
END $$;

CREATE TRIGGER intake_row_batch_ins AFTER INSERT ON intake_row REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION lindung_intake_row_batch_check();
CREATE FUNCTION lindung_intake_row_batch_kept() RETURNS trigger
  LANGUAGE plpgsql
  AS $$
BEGIN
  RAISE EXCEPTION 'a staging row stays in its intake batch (row % of batch %)', OLD.row_no, OLD.batch_id
    USING ERRCODE = 'foreign_key_violation';
END $$;
CREATE TRIGGER intake_row_batch_upd BEFORE UPDATE OF batch_id ON intake_row
  FOR EACH ROW WHEN (OLD.batch_id IS DISTINCT FROM NEW.batch_id) EXECUTE FUNCTION lindung_intake_row_batch_kept();

-- A deleted batch takes its staging rows along (the foreign key's ON DELETE CASCADE).
CREATE FUNCTION lindung_intake_rows_gone() RETURNS trigger
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = public
  AS $$
BEGIN
  DELETE FROM intake_row r USING gone g WHERE r.batch_id = g.id;
  RETURN NULL;
END $$;
CREATE TRIGGER intake_batch_rows_gone AFTER DELETE ON intake_batch REFERENCING OLD TABLE AS gone
  FOR EACH STATEMENT EXECUTE FUNCTION lindung_intake_rows_gone();
