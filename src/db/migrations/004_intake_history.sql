-- Quota changes and reference statistics are decisions people ask about later: their history is
-- kept like any business table's. Memberships are looked up by batch when a batch is approved.
SELECT lindung_track('programme_quota', 'regency_code', 'programme', 'programme_id', 'regency_code');
SELECT lindung_track('reference_statistic', 'id', 'statistic', 'indicator', 'area_code');
CREATE INDEX membership_batch ON membership (batch_id);
