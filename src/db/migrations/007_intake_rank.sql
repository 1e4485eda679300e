-- Intake ranking apart from the staging rows (issue 3, docs/performance.md proposal 3).
--
-- Ranking used to UPDATE every eligible staging row to set rank and within_quota; each UPDATE
-- rewrites the whole row, raw cells and problems included (15 of the 21 s of ranking at 1M rows).
-- The rank now lives in a narrow table filled by one INSERT … SELECT, rebuilt by every ranking
-- (the check, and again at approval when places may have been taken meanwhile).
CREATE TABLE intake_rank (
  batch_id bigint NOT NULL,
  row_no int NOT NULL,
  -- Position within the row's regency, by priority (extreme poor, disability, decile, age).
  rank int NOT NULL,
  -- Among the regency's free places; otherwise on the waiting list at `rank`.
  within_quota boolean NOT NULL,
  PRIMARY KEY (batch_id, row_no)
);
-- No foreign key: a check per inserted row would cost about what the narrow table saves. Ranks go
-- with their rows: the check clears them with the staging rows, and a deleted batch takes them
-- along here (its staging rows go by the cascade of intake_row's own foreign key).
CREATE FUNCTION lindung_intake_rank_gone() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM intake_rank r USING gone g WHERE r.batch_id = g.id;
  RETURN NULL;
END $$;
CREATE TRIGGER intake_batch_rank_gone AFTER DELETE ON intake_batch
  REFERENCING OLD TABLE AS gone FOR EACH STATEMENT EXECUTE FUNCTION lindung_intake_rank_gone();

-- Whatever still read the old columns fails loudly instead of reading NULL.
ALTER TABLE intake_row DROP COLUMN rank, DROP COLUMN within_quota;

ALTER TABLE intake_rank ENABLE ROW LEVEL SECURITY;
CREATE POLICY intake_rank_batch ON intake_rank TO lindung_user
  USING (batch_id IN (SELECT id FROM intake_batch)) WITH CHECK (batch_id IN (SELECT id FROM intake_batch));
GRANT SELECT, INSERT, UPDATE, DELETE ON intake_rank TO lindung_user;
