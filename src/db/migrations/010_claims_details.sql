-- Claims, second step: what building the claim screens and their benchmark showed was missing.

-- Adding or removing a public holiday moves SLA due dates, so the
-- calendar's changes are kept in history like the benefit rules'.
SELECT lindung_track('public_holiday', 'day', 'public_holiday', 'day', 'area_code');

---------------------------------------------------------------------------------------------
-- The checker's note with a decision — why an approved amount is below the
-- entitlement (the decision letter quotes it). A rejection's reason stays in rejection_reason.
ALTER TABLE claim ADD COLUMN decision_note text;

-- A document's bytes live apart from its tracked row. The history records the
-- row — file name, type, size and sha256, which proves what was uploaded — instead of copying up to
-- 10 MB of hex into the entry of every upload and removal. claim_document.content stays null.
CREATE TABLE claim_document_content (
  document_id bigint PRIMARY KEY REFERENCES claim_document (id) ON DELETE CASCADE,
  content bytea NOT NULL,
  village_code text NOT NULL REFERENCES area (code)
);
ALTER TABLE claim_document ALTER COLUMN content DROP NOT NULL;
ALTER TABLE claim_document_content ENABLE ROW LEVEL SECURITY;
CREATE POLICY claim_document_content_area ON claim_document_content TO lindung_user USING (lindung_in_area(village_code)) WITH CHECK (lindung_in_area(village_code));
GRANT SELECT, INSERT, DELETE ON claim_document_content TO lindung_user;

---------------------------------------------------------------------------------------------
-- An entitlement decision must answer in p95 ≤ 50 ms at 1,000,000 members. Reading one
-- person's memberships dominated it: membership had no index by person (a scan of every row), and
-- coverage_period's policy `membership_id IN (SELECT id FROM membership)` is planned as a hashed
-- subplan over every membership of the area (lindung_in_area on each: ~0.5 s per decision at
-- 20,000 members, seconds at 1M) even when one membership's periods are read. The same rule as a
-- correlated EXISTS checks only the rows read (p95 15 ms → 6 ms with the index, at 20,000);
-- reading all periods of an area costs about what it did (measured at 20,000).
CREATE INDEX membership_person ON membership (person_id);
DROP POLICY coverage_period_member ON coverage_period;
CREATE POLICY coverage_period_member ON coverage_period TO lindung_user
  USING (EXISTS (SELECT 1 FROM membership m WHERE m.id = membership_id))
  WITH CHECK (EXISTS (SELECT 1 FROM membership m WHERE m.id = membership_id));

---------------------------------------------------------------------------------------------
-- A payee's transfer attempts, newest last — "not yet in any batch", "the newest line
-- failed and nobody retried it" and "who retried this line" are asked of every payee and line on
-- the payout screens; without these each is a scan of every payout line.
CREATE INDEX payout_line_payee ON payout_line (payee_id, id);
CREATE INDEX payout_line_retry ON payout_line (retry_of) WHERE retry_of IS NOT NULL;
