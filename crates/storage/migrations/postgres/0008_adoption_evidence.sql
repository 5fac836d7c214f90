-- An adoption may carry an evidence file (a decision, a report), stored like
-- attachments: content-addressed, written and synced before this row refers to it.

alter table adoption add column evidence_sha256 text;
alter table adoption add column evidence_filename text;
alter table adoption add column evidence_size bigint;
alter table adoption add column evidence_type text;
