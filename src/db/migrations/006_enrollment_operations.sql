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
