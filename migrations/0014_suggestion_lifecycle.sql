-- Alarm lifecycle of work-order suggestions (issue 15): a more severe finding for the same asset
-- and failure mode supersedes the open suggestion instead of rewriting it, so the CMMS keeps the
-- record of what was asked first. The superseded row points to its successor and the successor
-- to the row it escalated; a row's status 'superseded' is final. See src/maintenance/README.md.
ALTER TABLE work_order_suggestions DROP CONSTRAINT work_order_suggestions_status_check;
ALTER TABLE work_order_suggestions ADD CONSTRAINT work_order_suggestions_status_check
  CHECK (status IN ('open', 'acknowledged', 'dismissed', 'resolved', 'superseded'));
ALTER TABLE work_order_suggestions
  ADD COLUMN supersedes_id bigint REFERENCES work_order_suggestions (id) ON DELETE SET NULL,
  ADD COLUMN superseded_by_id bigint REFERENCES work_order_suggestions (id) ON DELETE SET NULL;
