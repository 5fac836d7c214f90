-- The audit chain's head takes its seq from the record appended as well as its hash (the
-- same trigger as SQLite's 0013; PostgreSQL always appends the long way, which has already
-- raised the head's seq to the same value).
create or replace function audit_head_follows() returns trigger language plpgsql as $$
begin
    update audit_head set seq = new.audit_record_id, hash = new.hash where audit_head_id = 1;
    return null;
end
$$;
