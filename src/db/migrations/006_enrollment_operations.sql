-- Enrollment operations: dated lapse rules, lapses and replacements on memberships, BPJS invoices
-- (tagihan) reconciled against our bills, and the cards handed out.
-- Runs on PostgreSQL 15+ and PGlite.

---------------------------------------------------------------------------------------------
-- Lapse (non-aktif) as dated data (domain.md §3): consecutive unpaid months and how a lapsed
-- membership comes back. The rule in force on a month's due date judges that month.
CREATE TABLE lapse_rule (
  id bigserial PRIMARY KEY,
  unpaid_months int NOT NULL CHECK (unpaid_months BETWEEN 1 AND 24),
  -- pay_arrears: paying every overdue month reinstates from the day after the payment.
  reinstatement text NOT NULL CHECK (reinstatement IN ('pay_arrears', 'new_registration')),
  valid_from date NOT NULL UNIQUE,
  legal_basis text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);

-- Lapse and replacement on the membership itself; the periods covered stay in coverage_period.
ALTER TABLE membership
  ADD COLUMN lapsed_on date,
  -- The membership whose freed place this one took (replacement from the waiting list).
  ADD COLUMN replaces_membership_id bigint REFERENCES membership (id),
  ADD COLUMN coverage_start date;
CREATE INDEX membership_replaces ON membership (replaces_membership_id) WHERE replaces_membership_id IS NOT NULL;
CREATE INDEX membership_kpj ON membership (kpj) WHERE kpj IS NOT NULL;

---------------------------------------------------------------------------------------------
-- BPJS invoices (tagihan), one per programme and month, compared line by line with our bill.
CREATE TABLE invoice (
  id bigserial PRIMARY KEY,
  programme_id bigint NOT NULL REFERENCES programme (id),
  month date NOT NULL CHECK (extract(day FROM month) = 1),
  bill_id bigint NOT NULL REFERENCES bill (id),
  invoice_number text,
  file_name text,
  file_sha256 text NOT NULL,
  lines int NOT NULL,
  amount bigint NOT NULL,
  -- Counts per finding, kept with the invoice so lists need not recount a million lines.
  findings jsonb NOT NULL DEFAULT '{}',
  status text NOT NULL DEFAULT 'reconciled' CHECK (status IN ('reconciled', 'withdrawn')),
  area_code text NOT NULL REFERENCES area (code),
  created_by_label text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  withdrawn_at timestamptz,
  withdrawn_by_label text,
  withdrawal_reason text
);
CREATE UNIQUE INDEX invoice_once ON invoice (programme_id, file_sha256) WHERE status <> 'withdrawn';
CREATE INDEX invoice_bill ON invoice (bill_id);
SELECT lindung_track('invoice', 'id', 'bill', 'bill_id', 'area_code');

-- The invoice's lines as BPJS sent them, each with what we found. Written once per invoice in one
-- statement, never changed: the invoice's history entry stands for them.
CREATE TABLE invoice_line (
  invoice_id bigint NOT NULL REFERENCES invoice (id) ON DELETE CASCADE,
  line_no int NOT NULL,
  kpj text,
  nik text,
  full_name text,
  amount bigint,
  membership_id bigint REFERENCES membership (id),
  expected_amount bigint,
  finding text NOT NULL CHECK (finding IN ('match', 'amount_differs', 'billed_not_active', 'other_funder', 'unknown', 'duplicate_line')),
  PRIMARY KEY (invoice_id, line_no)
);
CREATE INDEX invoice_line_membership ON invoice_line (membership_id) WHERE membership_id IS NOT NULL;

---------------------------------------------------------------------------------------------
-- Cards printed for a ceremony: which memberships, when, by whom (the PDF is made again on demand).
CREATE TABLE card_print (
  id bigserial PRIMARY KEY,
  programme_id bigint NOT NULL REFERENCES programme (id),
  area_code text NOT NULL REFERENCES area (code),
  cards int NOT NULL,
  created_by_label text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
SELECT lindung_track('card_print', 'id', 'programme', 'programme_id', 'area_code');

ALTER TABLE lapse_rule ENABLE ROW LEVEL SECURITY;
ALTER TABLE invoice ENABLE ROW LEVEL SECURITY;
ALTER TABLE invoice_line ENABLE ROW LEVEL SECURITY;
ALTER TABLE card_print ENABLE ROW LEVEL SECURITY;

CREATE POLICY lapse_rule_read ON lapse_rule FOR SELECT TO lindung_user USING (true);
CREATE POLICY lapse_rule_write ON lapse_rule FOR INSERT TO lindung_user WITH CHECK (lindung_scope_is_national());
CREATE POLICY invoice_funder ON invoice TO lindung_user USING (lindung_in_area(area_code)) WITH CHECK (lindung_in_area(area_code));
CREATE POLICY invoice_line_invoice ON invoice_line TO lindung_user
  USING (invoice_id IN (SELECT id FROM invoice)) WITH CHECK (invoice_id IN (SELECT id FROM invoice));
CREATE POLICY card_print_area ON card_print TO lindung_user USING (lindung_in_area(area_code)) WITH CHECK (lindung_in_area(area_code));

GRANT SELECT, INSERT ON lapse_rule TO lindung_user;
GRANT SELECT, INSERT, UPDATE, DELETE ON invoice, invoice_line, card_print TO lindung_user;
GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO lindung_user;

---------------------------------------------------------------------------------------------
-- Programme summary, budget scenarios and the regents' pledges (issue 4, items 8 and 9).

-- Members per programme, regency and state, kept by statement triggers on membership: the
-- summary reads a few hundred rows instead of counting a million memberships (under row-level
-- security no index-only scan is possible, so a count would read every row each time).
CREATE TABLE membership_tally (
  programme_id bigint NOT NULL REFERENCES programme (id),
  regency_code text NOT NULL,
  state text NOT NULL,
  n bigint NOT NULL,
  PRIMARY KEY (programme_id, regency_code, state)
);

-- Deltas from the transition tables, in key order (two writers lock tally rows in the same order).
-- A restore copies the tally with the memberships, so it stands aside then, like the history.
CREATE FUNCTION lindung_membership_tally() RETURNS trigger
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = public
  AS $$
BEGIN
  IF current_setting('lindung.restoring', true) = 'on' THEN
    RETURN NULL;
  END IF;
  IF TG_OP = 'INSERT' THEN
    INSERT INTO membership_tally AS t (programme_id, regency_code, state, n)
    SELECT programme_id, regency_code, state, count(*) FROM new_rows GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
    ON CONFLICT (programme_id, regency_code, state) DO UPDATE SET n = t.n + EXCLUDED.n;
  ELSIF TG_OP = 'DELETE' THEN
    INSERT INTO membership_tally AS t (programme_id, regency_code, state, n)
    SELECT programme_id, regency_code, state, -count(*) FROM old_rows GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
    ON CONFLICT (programme_id, regency_code, state) DO UPDATE SET n = t.n + EXCLUDED.n;
  ELSE
    INSERT INTO membership_tally AS t (programme_id, regency_code, state, n)
    SELECT programme_id, regency_code, state, sum(d)
      FROM (SELECT programme_id, regency_code, state, 1 AS d FROM new_rows
            UNION ALL SELECT programme_id, regency_code, state, -1 FROM old_rows) x
     GROUP BY 1, 2, 3 HAVING sum(d) <> 0 ORDER BY 1, 2, 3
    ON CONFLICT (programme_id, regency_code, state) DO UPDATE SET n = t.n + EXCLUDED.n;
  END IF;
  RETURN NULL;
END $$;

CREATE TRIGGER membership_tally_ins AFTER INSERT ON membership REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION lindung_membership_tally();
CREATE TRIGGER membership_tally_upd AFTER UPDATE ON membership REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION lindung_membership_tally();
CREATE TRIGGER membership_tally_del AFTER DELETE ON membership REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION lindung_membership_tally();
INSERT INTO membership_tally (programme_id, regency_code, state, n)
SELECT programme_id, regency_code, state, count(*) FROM membership GROUP BY 1, 2, 3;

-- What each bill charged per regency, written with the bill (one INSERT … SELECT): the summary
-- needs no join of a million bill lines to memberships. Never changed, like the lines.
CREATE TABLE bill_regency (
  bill_id bigint NOT NULL REFERENCES bill (id) ON DELETE CASCADE,
  regency_code text NOT NULL,
  persons int NOT NULL,
  amount bigint NOT NULL,
  -- The bill's (funder's) area: the same scope as the bill.
  area_code text NOT NULL,
  PRIMARY KEY (bill_id, regency_code)
);
INSERT INTO bill_regency (bill_id, regency_code, persons, amount, area_code)
SELECT l.bill_id, m.regency_code, count(*), sum(l.amount), b.area_code
  FROM bill_line l JOIN membership m ON m.id = l.membership_id JOIN bill b ON b.id = l.bill_id
 GROUP BY l.bill_id, m.regency_code, b.area_code;

-- Scenarios are changed and removed with history; their area is the programme's funder's.
ALTER TABLE budget_scenario ADD COLUMN area_code text REFERENCES area (code);
UPDATE budget_scenario s SET area_code = p.funder_area_code FROM programme p WHERE p.id = s.programme_id;
SELECT lindung_track('budget_scenario', 'id', 'programme', 'programme_id', 'area_code');

ALTER TABLE membership_tally ENABLE ROW LEVEL SECURITY;
ALTER TABLE bill_regency ENABLE ROW LEVEL SECURITY;
-- Counts are aggregates: a regency (or a village inside it) sees its regency's.
CREATE POLICY membership_tally_area ON membership_tally FOR SELECT TO lindung_user
  USING (lindung_in_area(regency_code) OR starts_with(current_setting('lindung.area', true), regency_code || '.'));
CREATE POLICY bill_regency_funder ON bill_regency TO lindung_user USING (lindung_in_area(area_code)) WITH CHECK (lindung_in_area(area_code));
CREATE POLICY budget_scenario_delete ON budget_scenario FOR DELETE TO lindung_user
  USING (lindung_in_area((SELECT funder_area_code FROM programme p WHERE p.id = programme_id)));
CREATE POLICY pledge_update ON pledge FOR UPDATE TO lindung_user USING (lindung_in_area(regency_code)) WITH CHECK (lindung_in_area(regency_code));

GRANT SELECT ON membership_tally TO lindung_user;
GRANT SELECT, INSERT ON bill_regency TO lindung_user;
GRANT DELETE ON budget_scenario TO lindung_user;
GRANT UPDATE ON pledge TO lindung_user;

---------------------------------------------------------------------------------------------
-- Lapse, end and replacement (issue 4, items 3 and 7): the note given when a membership ended,
-- the state it ended from (a reopen restores it; a waiting-list entry that ended freed no place),
-- and why an administrator reopened it. Kept on the row so the history entry shows them.
ALTER TABLE membership
  ADD COLUMN ended_note text,
  ADD COLUMN ended_from_state text CHECK (ended_from_state IN ('waiting', 'candidate', 'active', 'lapsed')),
  ADD COLUMN reopen_reason text;
CREATE INDEX membership_ended ON membership (programme_id, regency_code, ended_on) WHERE state = 'ended';
